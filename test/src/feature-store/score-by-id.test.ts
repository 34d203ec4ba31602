/**
 * POST /v1/score with customers given by id: stored features from the FEATURES KV
 * namespace (Miniflare's, in workerd), merged under the request's, scored by the
 * real model and checked against onnxruntime-node's reference predictions.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { featureKey, type StoredFeatures } from '../../../src/feature-store/stored-record.js';
import worker from '../../../src/index.js';
import type { ScoreResponseWithErrors } from '../../../src/schemas/score.js';
import { expectProblem, postJson, testEnv } from '../helpers.js';
import { closeTo } from '../reference.js';

const reference = inject('ltvReference');
const [typical, sparse] = reference.cases;
const e = testEnv();

async function store(id: string, features: Record<string, unknown>, modelVersion = reference.version): Promise<void> {
  const record: StoredFeatures = { modelVersion, publishedAt: new Date().toISOString(), features: features as StoredFeatures['features'] };
  await env.FEATURES.put(featureKey(id), JSON.stringify(record));
}

async function scored(body: unknown): Promise<{ response: Response; body: ScoreResponseWithErrors }> {
  const response = await worker.request('/v1/score', postJson(body), e);
  expect(response.status).toBe(200);
  return { response, body: (await response.json()) as ScoreResponseWithErrors };
}

describe('POST /v1/score by customer id', () => {
  it('scores a stored customer to the same value as its features in the body, and says they were stored', async () => {
    await store('alice', typical!.record);
    const { response, body } = await scored({ customer: { id: 'alice' } });
    const [item] = body.predictions;
    expect(item).toMatchObject({ id: 'alice', imputed: typical!.imputed });
    expect('ltv' in item! && closeTo(item.ltv, typical!.ltv)).toBe(true);
    const sources = 'sources' in item! ? item.sources : undefined;
    for (const name of Object.keys(typical!.record)) expect(sources?.[name]).toBe('stored');
    expect(response.headers.get('Server-Timing')).toMatch(/features;dur=[\d.]+;desc="Workers KV, 1 id"/);
  });

  it('lets features in the request win over stored ones, and reports each source', async () => {
    // Stored: the sparse record; sent: all of the typical record's values. The result must be the typical prediction.
    await store('bob', sparse!.record);
    const [overridden] = Object.keys(typical!.record);
    const { body } = await scored({ customers: [{ id: 'bob', ...typical!.record }, { id: 'bob' }] });
    const [merged, storedOnly] = body.predictions;
    expect('ltv' in merged! && closeTo(merged.ltv, typical!.ltv)).toBe(true);
    expect('sources' in merged! && merged.sources?.[overridden!]).toBe('request');
    expect('ltv' in storedOnly! && closeTo(storedOnly.ltv, sparse!.ltv)).toBe(true);
    const imputed = sparse!.imputed[0];
    if (imputed !== undefined) expect('sources' in storedOnly! && storedOnly.sources?.[imputed]).toBe('imputed');
  });

  it('answers an unknown id without features with an item error and still scores the rest of the batch', async () => {
    await store('carol', typical!.record);
    const { body } = await scored({ customers: [{ id: 'nobody' }, { id: 'carol' }, typical!.record] });
    expect(body.predictions[0]).toEqual({
      id: 'nobody',
      error: { title: 'Unknown customer', detail: 'No stored features for customer "nobody" and none in the request.' },
    });
    expect(body.predictions[1]).toMatchObject({ id: 'carol' });
    expect('ltv' in body.predictions[2]! && closeTo(body.predictions[2].ltv, typical!.ltv)).toBe(true);
    expect(body.predictions[2]).not.toHaveProperty('sources');
  });

  it('scores an unknown id from the features sent with it', async () => {
    const { body } = await scored({ customer: { id: 'dave', ...typical!.record } });
    expect('ltv' in body.predictions[0]! && closeTo(body.predictions[0].ltv, typical!.ltv)).toBe(true);
  });

  it('refuses stored features published for another model version, per item', async () => {
    await store('erin', typical!.record, '0000000000000000');
    const { body } = await scored({ customers: [{ id: 'erin' }] });
    expect(body.predictions[0]).toMatchObject({ id: 'erin', error: { title: 'Stored features out of date' } });
    expect((body.predictions[0] as { error: { detail: string } }).error.detail).toContain(reference.version);
  });

  it('answers a batch in which no customer can be scored', async () => {
    const { body } = await scored({ customers: [{ id: 'x1' }, { id: 'x2' }] });
    expect(body.predictions.map((p) => 'error' in p && p.error.title)).toEqual(['Unknown customer', 'Unknown customer']);
  });

  it('looks up 120 ids (two bulk KV reads) and answers them in input order', async () => {
    await Promise.all(Array.from({ length: 120 }, (_, i) => store(`bulk-${i}`, reference.cases[i % reference.cases.length]!.record)));
    const { body } = await scored({ customers: Array.from({ length: 120 }, (_, i) => ({ id: `bulk-${119 - i}` })) });
    body.predictions.forEach((p, i) => {
      const expected = reference.cases[(119 - i) % reference.cases.length]!;
      expect(p).toMatchObject({ id: `bulk-${119 - i}` });
      expect('ltv' in p && closeTo(p.ltv, expected.ltv), `bulk-${119 - i}`).toBe(true);
    });
  });

  it('rejects an id that is not a non-empty string with a pointer to it', async () => {
    const problem = await expectProblem(await worker.request('/v1/score', postJson({ customers: [{ id: 7 }, { id: '' }] }), e), 400);
    expect(problem.errors).toEqual([
      { pointer: '/customers/0/id', detail: 'expected a string id, got number' },
      { pointer: '/customers/1/id', detail: 'expected a non-empty id' },
    ]);
  });
});

describe('__proto__ in a customer given by id', () => {
  // Raw JSON text: JSON.parse makes "__proto__" an own member, as it does for any request.
  const post = (text: string, query = '') => worker.request(`/v1/score${query}`, postJson(text), e);

  it('is refused as an unknown feature, not dropped, whatever its value', async () => {
    await store('proto-complete', typical!.record);
    for (const value of ['{}', '1', 'null', `{"${Object.keys(typical!.record)[0]}":1}`]) {
      const problem = await expectProblem(await post(`{"customers":[{"id":"proto-complete","__proto__":${value}}]}`), 400);
      expect(problem.errors, value).toEqual([{ pointer: '/customers/0/__proto__', detail: 'unknown feature' }]);
    }
  });

  it('never supplies a feature the store lacks, with ?strict=true or without', async () => {
    const [missing, ...rest] = Object.keys(typical!.record);
    await store('proto-partial', Object.fromEntries(rest.map((name) => [name, typical!.record[name]])));
    const smuggled = `{"customer":{"id":"proto-partial","__proto__":{"${missing}":${JSON.stringify(typical!.record[missing!])}}}}`;
    // Strict: every feature is required, and the one the store lacks is still missing.
    const response = await post(smuggled, '?strict=true');
    expect(response.status).toBe(200);
    expect(((await response.json()) as ScoreResponseWithErrors).predictions[0]).toEqual({
      id: 'proto-partial',
      error: { title: 'Missing features', detail: `Neither stored nor sent for customer "proto-partial": ${missing}.` },
    });
    // Not strict (the trainer makes every feature optional): the record is encoded, and __proto__ is an unknown feature.
    const problem = await expectProblem(await post(smuggled), 400);
    expect(problem.errors).toEqual([{ pointer: '/customer/__proto__', detail: 'unknown feature' }]);
  });

  it('stored as a feature named __proto__, is a member of the record (an unknown feature), never its prototype', async () => {
    const [first] = Object.keys(typical!.record);
    await env.FEATURES.put(featureKey('proto-stored'), `{"modelVersion":"${reference.version}","publishedAt":"now","features":{"__proto__":{"${first}":1}}}`);
    const problem = await expectProblem(await post('{"customer":{"id":"proto-stored"}}'), 400);
    expect(problem.errors).toEqual([{ pointer: '/customer/__proto__', detail: 'unknown feature' }]);
  });
});

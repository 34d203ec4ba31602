/**
 * POST /v1/score through the worker, with the real model in workerd: predictions
 * against onnxruntime-node, batches, imputation, strict mode and every kind of bad input.
 */
import { exports } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import worker from '../../../src/index.js';
import type { ScoreResponse } from '../../../src/schemas/score.js';
import { expectProblem, postJson, testEnv } from '../helpers.js';
import { closeTo } from '../reference.js';

const reference = inject('ltvReference');
const [typical, sparse] = reference.cases;
const env = testEnv();

const score = (body: unknown, query = '', init: (body: unknown) => RequestInit = postJson, e: Env = env) =>
  worker.request(`/v1/score${query}`, init(body), e);

async function predictions(body: unknown, query = ''): Promise<ScoreResponse> {
  const response = await score(body, query);
  expect(response.status).toBe(200);
  return (await response.json()) as ScoreResponse;
}

/** A record with one feature replaced (or, with `undefined`, removed). */
function withFeature(record: Record<string, unknown>, name: string, value: unknown): Record<string, unknown> {
  const copy = { ...record };
  if (value === undefined) delete copy[name];
  else copy[name] = value;
  return copy;
}

const spec = (await (await worker.request('/v1/model', { headers: { Authorization: 'Bearer test-token-new' } }, env)).json()) as {
  spec: { features: { name: string; type: string; optional: boolean }[] };
};
const numeric = spec.spec.features.find((f) => f.type === 'numeric')!.name;
const categorical = spec.spec.features.find((f) => f.type === 'categorical')?.name;
const optionalFeature = spec.spec.features.find((f) => f.optional)?.name;

describe('POST /v1/score', () => {
  it('scores each reference record to the value onnxruntime-node gives (1e-5 relative)', async () => {
    expect(reference.cases.some((c) => c.ltv > 0), 'some reference predictions are positive').toBe(true);
    for (const c of reference.cases) {
      const body = await predictions({ customer: c.record });
      expect(body.model.version).toBe(reference.version);
      const [prediction] = body.predictions;
      expect(closeTo(prediction!.ltv, c.ltv), `${c.name}: ${prediction!.ltv} vs ${c.ltv}`).toBe(true);
      expect(prediction!.imputed).toEqual(c.imputed);
    }
  });

  it('scores a batch to the same values as one customer at a time, in input order', async () => {
    const batch = await predictions({ customers: reference.cases.map((c) => c.record) });
    expect(batch.predictions).toHaveLength(reference.cases.length);
    const singles = await Promise.all(reference.cases.map((c) => predictions({ customer: c.record })));
    expect(batch.predictions).toEqual(singles.map((s) => s.predictions[0]));
  });

  it('scores the default maximum of 1000 customers in one request', async () => {
    const customers = Array.from({ length: 1000 }, (_, i) => reference.cases[i % reference.cases.length]!.record);
    const body = await predictions({ customers });
    expect(body.predictions).toHaveLength(1000);
    expect(body.predictions.every((p, i) => p.ltv === body.predictions[i % reference.cases.length]!.ltv)).toBe(true);
  });

  it('always answers finite numbers', async () => {
    const body = await predictions({ customers: reference.cases.map((c) => c.record) });
    expect(body.predictions.every((p) => typeof p.ltv === 'number' && Number.isFinite(p.ltv))).toBe(true);
  });

  it('names the features it imputed', async () => {
    expect(sparse!.imputed.length).toBeGreaterThan(0);
    const body = await predictions({ customer: sparse!.record });
    expect(body.predictions[0]!.imputed).toEqual(sparse!.imputed);
  });

  it('carries the model version and a Server-Timing entry for the inference', async () => {
    const response = await score({ customer: typical!.record });
    expect(response.headers.get('X-Model-Version')).toBe(reference.version);
    expect(response.headers.get('Server-Timing')).toMatch(/^inference;dur=\d+(\.\d+)?/);
  });

  it('accepts JSON with a charset parameter', async () => {
    const init = postJson({ customer: typical!.record });
    const response = await worker.request('/v1/score', { ...init, headers: { ...(init.headers as Record<string, string>), 'Content-Type': 'application/json; charset=utf-8' } }, env);
    expect(response.status).toBe(200);
  });

  it('is what the worker entry serves', async () => {
    const response = await exports.default.fetch(new Request('https://ltv.example/v1/score', postJson({ customer: typical!.record })));
    expect(response.status).toBe(200);
    const body = (await response.json()) as ScoreResponse;
    expect(closeTo(body.predictions[0]!.ltv, typical!.ltv)).toBe(true);
  });
});

describe('POST /v1/score?strict=true', () => {
  it('rejects a missing feature instead of imputing it', async () => {
    if (optionalFeature === undefined) return;
    const problem = await expectProblem(await score({ customer: withFeature(typical!.record, optionalFeature, undefined) }, '?strict=true'), 400);
    expect(problem.errors).toEqual([{ pointer: `/customer/${optionalFeature}`, detail: 'missing required feature' }]);
  });

  it('scores a complete record as without strict', async () => {
    const body = await predictions({ customer: typical!.record }, '?strict=true');
    expect(closeTo(body.predictions[0]!.ltv, typical!.ltv)).toBe(true);
  });

  it('answers 400 naming the parameter for a value other than true or false', async () => {
    const problem = await expectProblem(await score({ customer: typical!.record }, '?strict=yes'), 400);
    expect(problem.errors?.[0]).toMatchObject({ parameter: 'strict' });
  });
});

describe('POST /v1/score with bad input', () => {
  it('says which field of which customer is wrong, for all of them at once', async () => {
    const customers = reference.cases.slice(0, 6).map((c) => ({ ...c.record }));
    customers[3]![numeric] = 'abc';
    customers[5]!['favourite_colour'] = 'green';
    if (categorical !== undefined) customers[1]![categorical] = 12;
    const problem = await expectProblem(await score({ customers }), 400);
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { pointer: `/customers/3/${numeric}`, detail: 'expected a number, got "abc"' },
        { pointer: '/customers/5/favourite_colour', detail: 'unknown feature' },
        ...(categorical === undefined ? [] : [{ pointer: `/customers/1/${categorical}`, detail: 'expected a string, got 12' }]),
      ]),
    );
    expect(problem.errors).toHaveLength(categorical === undefined ? 2 : 3);
    expect(problem.detail).toContain(`/customers/3/${numeric}: expected a number, got "abc"`);
  });

  it('lists field errors together with envelope errors', async () => {
    const customers = [withFeature(typical!.record, numeric, 'abc'), 'not a customer'];
    const problem = await expectProblem(await score({ customers }), 400);
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { pointer: '/customers/1', detail: 'expected an object of feature values' },
        { pointer: `/customers/0/${numeric}`, detail: 'expected a number, got "abc"' },
      ]),
    );
  });

  it('rejects Infinity (a number literal too large for a double)', async () => {
    const text = JSON.stringify({ customer: withFeature(typical!.record, numeric, 12345) }).replace('12345', '1e999');
    const problem = await expectProblem(await score(text), 400);
    expect(problem.errors).toEqual([{ pointer: `/customer/${numeric}`, detail: 'expected a number, got Infinity' }]);
  });

  it('rejects NaN, which is not JSON, as malformed JSON', async () => {
    const text = JSON.stringify({ customer: withFeature(typical!.record, numeric, 12345) }).replace('12345', 'NaN');
    const problem = await expectProblem(await score(text), 400);
    expect(problem.detail).toMatch(/^Malformed JSON in request body: /);
  });

  it('rejects numbers outside the float32 range', async () => {
    const problem = await expectProblem(await score({ customer: withFeature(typical!.record, numeric, 1e39) }), 400);
    expect(problem.errors?.[0]?.pointer).toBe(`/customer/${numeric}`);
  });

  it('rejects unknown features, __proto__ included', async () => {
    const text = `{"customer": {"__proto__": {"polluted": true}, "constructor": 1}}`;
    const problem = await expectProblem(await score(text), 400);
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { pointer: '/customer/__proto__', detail: 'unknown feature' },
        { pointer: '/customer/constructor', detail: 'unknown feature' },
      ]),
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('escapes feature names in pointers (RFC 6901: ~ as ~0, / as ~1)', async () => {
    const problem = await expectProblem(await score({ customer: { ...typical!.record, 'spend/day~x': 1 } }), 400);
    expect(problem.errors).toEqual([{ pointer: '/customer/spend~1day~0x', detail: 'unknown feature' }]);
  });

  it('rejects a missing required feature', async () => {
    const required = spec.spec.features.find((f) => !f.optional)?.name;
    if (required === undefined) return;
    const problem = await expectProblem(await score({ customer: withFeature(typical!.record, required, undefined) }), 400);
    expect(problem.errors).toContainEqual({ pointer: `/customer/${required}`, detail: 'missing required feature' });
  });

  it.each([
    ['neither customer nor customers', {}, ''],
    ['both customer and customers', { customer: {}, customers: [{}] }, ''],
    ['an empty batch', { customers: [] }, '/customers'],
    ['a customer that is not an object', { customer: [1, 2] }, '/customer'],
    ['customers that is not an array', { customers: {} }, '/customers'],
    ['an unknown top-level member', { customer: {}, extra: 1 }, '/extra'],
  ])('rejects %s', async (_, body, pointer) => {
    const problem = await expectProblem(await score(body), 400);
    expect(problem.errors?.map((e) => e.pointer)).toContain(pointer);
  });

  it.each([
    ['null', 'null'],
    ['an array', '[]'],
    ['a string', '"customer"'],
    ['a number', '42'],
    ['a null customer', '{"customer": null}'],
    ['deeply nested arrays', `{"customer": {"x": ${'['.repeat(5000)}${']'.repeat(5000)}}}`],
  ])('answers 400, never 500, for a body that is %s', async (_, text) => {
    await expectProblem(await score(text), 400);
  });

  it('answers 400 for malformed JSON, saying where', async () => {
    const problem = await expectProblem(await score('{"customer": {"x": 1,}}'), 400);
    expect(problem.title).toBe('Malformed JSON');
    expect(problem.detail).toMatch(/position|column|line/i);
  });

  it('answers 400 for an empty body', async () => {
    await expectProblem(await score(''), 400);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const plain = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'Content-Type': 'text/plain', Authorization: 'Bearer test-token-new' }, body: JSON.stringify(body) });
    const problem = await expectProblem(await score({ customer: typical!.record }, '', plain), 415);
    expect(problem.detail).toContain('text/plain');
    const untyped = (body: unknown): RequestInit => ({ method: 'POST', headers: { Authorization: 'Bearer test-token-new' }, body: JSON.stringify(body) });
    await expectProblem(await score({ customer: typical!.record }, '', untyped), 415);
  });

  it('answers 413 for a body over MAX_BODY_BYTES', async () => {
    const small = testEnv({ MAX_BODY_BYTES: 100 });
    const problem = await expectProblem(await score({ customer: typical!.record, padding: 'x'.repeat(200) }, '', postJson, small), 413);
    expect(problem.detail).toContain('100 bytes');
  });

  it('answers 413 for a body over the limit sent without Content-Length', async () => {
    const small = testEnv({ MAX_BODY_BYTES: 100 });
    const chunks = new TextEncoder().encode(JSON.stringify({ customer: typical!.record, padding: 'x'.repeat(200) }));
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(chunks);
        controller.close();
      },
    });
    const init = { ...postJson(''), body: stream, duplex: 'half' } as RequestInit;
    await expectProblem(await worker.request('/v1/score', init, small), 413);
  });

  it('answers 413 for more customers than MAX_BATCH', async () => {
    const few = testEnv({ MAX_BATCH: '2' });
    const problem = await expectProblem(await score({ customers: [typical!.record, typical!.record, typical!.record] }, '', postJson, few), 413);
    expect(problem.detail).toContain('at most 2');
  });

  it('answers 413 for more customers than MAX_BATCH before looking at their fields, even in an invalid body', async () => {
    const few = testEnv({ MAX_BATCH: '2' });
    await expectProblem(await score({ customers: [{ x: 'a' }, { x: 'b' }, { x: 'c' }], extra: 1 }, '', postJson, few), 413);
  });
});

/**
 * What the boundary echoes and logs of a hostile request (src/http/): a compressed
 * body is refused, not parsed as JSON and echoed; long member names are cut in the
 * problem; an internal error is logged with the route pattern, not the raw path.
 */
import { describe, expect, inject, it, vi } from 'vitest';
import worker from '../../../src/index.js';
import { MAX_ECHOED_NAME } from '../../../src/http/problem.js';
import { auth, expectProblem, postJson, testEnv } from '../helpers.js';

const reference = inject('ltvReference');
const env = testEnv({ RATE_LIMITER: undefined });
const customer = reference.cases[0]!.record;

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('Content-Encoding', () => {
  it('answers 415 with Accept-Encoding: identity for a gzip body, and echoes none of its bytes', async () => {
    for (const path of ['/v1/score', `/v2/models/${reference.name}/infer`, '/v1/segment']) {
      const body = await gzip(JSON.stringify({ customer }));
      const response = await worker.request(path, { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, body }, env);
      expect(response.headers.get('Accept-Encoding'), path).toBe('identity');
      const problem = await expectProblem(response, 415);
      expect(problem.detail, path).toBe('The request body has Content-Encoding "gzip", which this API does not decode; send it uncompressed.');
      expect(JSON.stringify(problem), path).not.toMatch(/\\u001f|\x1f/);
    }
  });

  it('refuses br and deflate alike, and reads a body sent with Content-Encoding: identity', async () => {
    for (const coding of ['br', 'deflate', 'gzip, identity']) {
      const response = await worker.request('/v1/score', { ...postJson({ customer }), headers: { ...auth(), 'Content-Type': 'application/json', 'Content-Encoding': coding } }, env);
      await expectProblem(response, 415);
    }
    const identity = await worker.request('/v1/score', { ...postJson({ customer }), headers: { ...auth(), 'Content-Type': 'application/json', 'Content-Encoding': 'identity' } }, env);
    expect(identity.status).toBe(200);
  });
});

describe('names echoed in a 400', () => {
  const long = (i: number) => `k${i}${'x'.repeat(100_000)}`;

  it('cuts unknown feature names to MAX_ECHOED_NAME characters: a 900 kB request gets a small answer', async () => {
    const keys = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [long(i), 1]));
    const response = await worker.request('/v1/score', postJson({ customer: { ...customer, ...keys } }), env);
    const text = await response.clone().text();
    const problem = await expectProblem(response, 400);
    expect(text.length).toBeLessThan(4_000);
    expect(problem.errors).toHaveLength(9);
    for (const [i, error] of problem.errors!.entries()) {
      expect(error).toEqual({ pointer: `/customer/${long(i).slice(0, MAX_ECHOED_NAME)}…`, detail: 'unknown feature' });
    }
  });

  it('cuts unknown member names of the envelope and of an OIP tensor', async () => {
    const score = await expectProblem(await worker.request('/v1/score', postJson({ customer, [long(1)]: 1 }), env), 400);
    expect(score.errors).toEqual([{ pointer: `/${long(1).slice(0, MAX_ECHOED_NAME)}…`, detail: 'unknown member' }]);
    const tensor = { name: reference.input, datatype: 'FP32', shape: [1, reference.width], data: Array(reference.width).fill(0), [long(2)]: 1 };
    const oip = await expectProblem(await worker.request(`/v2/models/${reference.name}/infer`, postJson({ inputs: [tensor] }), env), 400);
    expect(oip.errors).toEqual([{ pointer: `/inputs/0/${long(2).slice(0, MAX_ECHOED_NAME)}…`, detail: 'unknown member' }]);
  });

  it('never cuts a name inside a surrogate pair', async () => {
    const name = `${'a'.repeat(MAX_ECHOED_NAME - 1)}💸tail`;
    const problem = await expectProblem(await worker.request('/v1/score', postJson({ customer: { ...customer, [name]: 1 } }), env), 400);
    expect(problem.errors).toEqual([{ pointer: `/customer/${'a'.repeat(MAX_ECHOED_NAME - 1)}…`, detail: 'unknown feature' }]);
  });
});

describe('the internal_error log line', () => {
  it('names the route pattern that served the request, not the raw path', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const tensor = { name: reference.input, datatype: 'FP32', shape: [1, reference.width], data: Array(reference.width).fill(0) };
      // A setting that fails to parse is an internal error (src/config.ts) of the infer route, whose path has a parameter.
      const response = await worker.request(`/v2/models/${reference.name}/infer`, postJson({ inputs: [tensor] }), testEnv({ RATE_LIMITER: undefined, MAX_BATCH: 'not-a-number' }));
      await expectProblem(response, 500);
      const lines = logged.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>).filter((l) => l.event === 'internal_error');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ method: 'POST', route: '/v2/models/:model_name/infer' });
      expect(JSON.stringify(lines[0])).not.toContain(`/v2/models/${reference.name}/infer`);
    } finally {
      logged.mockRestore();
    }
  });
});

/**
 * POST /v1/segment in workerd: site keys bound to origins, CORS for those origins
 * only, a tier and never an LTV, thresholds from config, visitors from the feature store.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { featureKey } from '../../../src/feature-store/stored-record.js';
import worker from '../../../src/index.js';
import { expectProblem, testEnv } from '../helpers.js';

const reference = inject('ltvReference');
const sorted = [...reference.cases].sort((a, b) => a.ltv - b.ltv);
const low = sorted[0]!;
const high = sorted.at(-1)!;
const SITE = 'https://shop.example';
const e = testEnv({
  SEGMENT_SITES: JSON.stringify({ pk_test: [SITE] }),
  // low's LTV is below the medium threshold; high's just above the high one (a hair below its
  // reference value: the worker's float32 arithmetic may differ from onnxruntime-node's in the last bits).
  SEGMENT_THRESHOLDS: `${(low.ltv + high.ltv) / 2},${high.ltv * (1 - 1e-4)}`,
});

await Promise.all(
  [['seg-low', low], ['seg-high', high]].map(([id, c]) =>
    env.FEATURES.put(featureKey(id as string), JSON.stringify({ modelVersion: reference.version, publishedAt: 'now', features: (c as typeof low).record })),
  ),
);

const segment = (body: unknown, origin = SITE) =>
  worker.request('/v1/segment', { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: origin }, body: JSON.stringify(body) }, e);

describe('POST /v1/segment', () => {
  it('answers a tier, and only a tier, for an allowed origin, without a bearer token', async () => {
    expect(high.ltv).toBeGreaterThan(low.ltv);
    for (const [id, tier] of [['seg-high', 'high'], ['seg-low', 'low']] as const) {
      const response = await segment({ siteKey: 'pk_test', id });
      expect(response.status).toBe(200);
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe(SITE);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ tier });
      expect(text).not.toContain(String(high.ltv).slice(0, 6));
      expect(response.headers.get('Server-Timing') ?? '').not.toMatch(/ltv/i);
    }
  });

  it('refuses an origin the key is not bound to, and gives it no CORS header', async () => {
    const response = await segment({ siteKey: 'pk_test', id: 'seg-high' }, 'https://evil.example');
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
    await expectProblem(response, 403);
    await expectProblem(await segment({ siteKey: 'pk_nope', id: 'seg-high' }), 403);
  });

  it('answers preflights for site origins only', async () => {
    const preflight = (origin: string) =>
      worker.request('/v1/segment', { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } }, e);
    expect((await preflight(SITE)).headers.get('Access-Control-Allow-Origin')).toBe(SITE);
    expect((await preflight('https://evil.example')).headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('answers an unknown visitor with 404, the same for every reason', async () => {
    const problem = await expectProblem(await segment({ siteKey: 'pk_test', id: 'nobody' }), 404);
    expect(problem.title).toBe('Unknown visitor');
  });

  it('rate-limits a visitor of a site (SEGMENT_LIMITER: 60 a minute)', async () => {
    const from = (ip: string) =>
      worker.request('/v1/segment', { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: SITE, 'CF-Connecting-IP': ip }, body: '{"siteKey":"pk_test","id":"seg-low"}' }, e);
    const statuses = [];
    for (let i = 0; i < 70; i++) statuses.push((await from('203.0.113.9')).status);
    expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(60)).toContain(429);
    expect((await from('203.0.113.10')).status).toBe(200);
  });

  it('still requires a token on the other /v1 routes', async () => {
    const response = await worker.request('/v1/score', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"customer":{"id":"seg-high"}}' }, e);
    expect(response.status).toBe(401);
  });
});

/**
 * POST /v1/segment in workerd: site keys bound to origins, CORS for those origins
 * only, a tier and never an LTV, thresholds from config, visitors from the feature
 * store, and the visitor token that authorises each lookup: without a valid one a
 * known id answers exactly as an unknown one does.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { featureKey } from '../../../src/feature-store/stored-record.js';
import worker from '../../../src/index.js';
import type { ProblemBody } from '../../../src/http/problem.js';
import { readSegmentConfig } from '../../../src/segment/sites.js';
import { MAX_TOKEN_LIFETIME_SECONDS, signVisitorToken, verifyVisitorToken } from '../../../src/segment/visitor-token.js';
import { expectProblem, testEnv } from '../helpers.js';

const reference = inject('ltvReference');
const sorted = [...reference.cases].sort((a, b) => a.ltv - b.ltv);
const low = sorted[0]!;
const high = sorted.at(-1)!;
const SITE = 'https://shop.example';
const LOCAL = 'http://127.0.0.1:8787';
const SECRET = 'shop-secret-0123456789abcdef0123456789abcdef';
const OLD_SECRET = 'shop-old-secret-0123456789abcdef0123456789';
const sites = JSON.stringify({ pk_test: [SITE], pk_local: [LOCAL], pk_nosecret: [SITE] });
const thresholds = {
  // low's LTV is below the medium threshold; high's just above the high one (a hair below its
  // reference value: the worker's float32 arithmetic may differ from onnxruntime-node's in the last bits).
  SEGMENT_THRESHOLDS: `${(low.ltv + high.ltv) / 2},${high.ltv * (1 - 1e-4)}`,
};
const e = testEnv({ SEGMENT_SITES: sites, SEGMENT_SECRETS: JSON.stringify({ pk_test: SECRET, pk_local: SECRET }), ...thresholds });

await Promise.all(
  [['seg-low', low], ['seg-high', high]].map(([id, c]) =>
    env.FEATURES.put(featureKey(id as string), JSON.stringify({ modelVersion: reference.version, publishedAt: 'now', features: (c as typeof low).record })),
  ),
);

const now = () => Math.floor(Date.now() / 1000);
const token = (id: string, { secret = SECRET, siteKey = 'pk_test', expires = now() + 600 } = {}) => signVisitorToken(secret, siteKey, id, expires);

/** `origin: null` sends no Origin header. */
function segment(body: unknown, { origin = SITE as string | null, url = 'http://localhost/v1/segment', environment = e } = {}) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (origin !== null) headers.Origin = origin;
  return worker.request(url, { method: 'POST', headers, body: JSON.stringify(body) }, environment);
}

describe('POST /v1/segment', () => {
  it('answers a tier, and only a tier, for an allowed origin and a valid visitor token, without a bearer token', async () => {
    expect(high.ltv).toBeGreaterThan(low.ltv);
    for (const [id, tier] of [['seg-high', 'high'], ['seg-low', 'low']] as const) {
      const response = await segment({ siteKey: 'pk_test', id, token: await token(id) });
      expect(response.status).toBe(200);
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe(SITE);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ tier });
      expect(text).not.toContain(String(high.ltv).slice(0, 6));
      expect(response.headers.get('Server-Timing') ?? '').not.toMatch(/ltv/i);
    }
  });

  it('refuses an origin the key is not bound to, and gives it no CORS header', async () => {
    const response = await segment({ siteKey: 'pk_test', id: 'seg-high', token: await token('seg-high') }, { origin: 'https://evil.example' });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
    await expectProblem(response, 403);
    await expectProblem(await segment({ siteKey: 'pk_nope', id: 'seg-high', token: await token('seg-high') }), 403);
  });

  it('refuses a request without an Origin, even with a valid token', async () => {
    const problem = await expectProblem(await segment({ siteKey: 'pk_test', id: 'seg-high', token: await token('seg-high') }, { origin: null }), 403);
    expect(problem.detail).toContain('no Origin');
  });

  it('answers preflights for site origins only', async () => {
    const preflight = (origin: string) =>
      worker.request('/v1/segment', { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } }, e);
    expect((await preflight(SITE)).headers.get('Access-Control-Allow-Origin')).toBe(SITE);
    expect((await preflight('https://evil.example')).headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('needs a token: a body without one is a 400 naming it', async () => {
    const problem = await expectProblem(await segment({ siteKey: 'pk_test', id: 'seg-high' }), 400);
    expect(problem.errors?.map((error) => error.pointer)).toEqual(['/token']);
  });

  it('answers a known id with a bad token exactly as an unknown id with a valid one', async () => {
    const answer = async (id: string, t: string) => {
      const response = await segment({ siteKey: 'pk_test', id, token: t });
      const { requestId: _requestId, ...body } = (await response.json()) as ProblemBody;
      return { status: response.status, type: response.headers.get('Content-Type'), cache: response.headers.get('Cache-Control'), body };
    };
    const unknown = await answer('nobody', await token('nobody'));
    expect(unknown).toMatchObject({ status: 404, type: 'application/problem+json', body: { title: 'Unknown visitor' } });
    const valid = await token('seg-high');
    const bad: [string, string][] = [
      ['signed for another visitor', await token('seg-low')],
      ['signed for another site key', await token('seg-high', { siteKey: 'pk_local' })],
      ['signed with another secret', await token('seg-high', { secret: OLD_SECRET })],
      ['expired', await token('seg-high', { expires: now() - 1 })],
      ['living longer than a day', await token('seg-high', { expires: now() + MAX_TOKEN_LIFETIME_SECONDS + 60 })],
      // A character inside the signature: the last one carries two spare bits, and A↔B there decodes to the same bytes.
      ['with one character of its signature changed', flipCharacter(valid, valid.length - 10)],
      ['with its expiry changed', `${Number(valid.split('.')[0]) + 1}.${valid.split('.')[1]}`],
      ['malformed', 'not-a-token'],
      ['its signature alone', valid.split('.')[1]!],
    ];
    for (const [what, t] of bad) expect(await answer('seg-high', t), what).toEqual(unknown);
  });

  it('accepts a token signed with a secret being rotated out, listed after the new one', async () => {
    const rotating = testEnv({ SEGMENT_SITES: sites, SEGMENT_SECRETS: JSON.stringify({ pk_test: [SECRET, OLD_SECRET] }), ...thresholds });
    for (const secret of [SECRET, OLD_SECRET]) {
      const response = await segment({ siteKey: 'pk_test', id: 'seg-high', token: await token('seg-high', { secret }) }, { environment: rotating });
      expect(await response.json()).toEqual({ tier: 'high' });
    }
  });

  it('answers 503 for a site key without a secret: nobody can be looked up', async () => {
    const problem = await expectProblem(await segment({ siteKey: 'pk_nosecret', id: 'seg-high', token: await token('seg-high', { siteKey: 'pk_nosecret' }) }), 503);
    expect(problem.title).toBe('Visitor tokens not configured');
  });

  it('rate-limits a visitor of a site (SEGMENT_LIMITER: 60 a minute)', async () => {
    const t = await token('seg-low');
    const from = (ip: string) =>
      worker.request('/v1/segment', { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: SITE, 'CF-Connecting-IP': ip }, body: JSON.stringify({ siteKey: 'pk_test', id: 'seg-low', token: t }) }, e);
    // The limiter counts in fixed one-minute windows: a run that crosses a window's end gets up to
    // 60 more before the first 429, so that comes after 60 answers and within two windows' worth.
    const statuses: number[] = [];
    while (statuses.length < 121 && !statuses.includes(429)) statuses.push((await from('203.0.113.9')).status);
    const first429 = statuses.indexOf(429);
    expect(first429).toBeGreaterThanOrEqual(60);
    expect(statuses.slice(0, first429).every((s) => s === 200)).toBe(true);
    expect((await from('203.0.113.10')).status).toBe(200);
  });

  it('still requires a token on the other /v1 routes', async () => {
    const response = await worker.request('/v1/score', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"customer":{"id":"seg-high"}}' }, e);
    expect(response.status).toBe(401);
  });
});

describe('visitor tokens', () => {
  // Computed independently: printf 'ltv-segment-v1\npk_test\nC000042\n2000000000' | openssl dgst -sha256 -hmac <secret> -binary | base64 | tr '+/' '-_' | tr -d '='
  const vector = { secret: 'test-secret-0123456789abcdef0123456789', token: '2000000000.z2_fat7EOHQaE6gaYW_pkZQ5uTlQrHlCU5Cp-EpjSOk' };

  it('are HMAC-SHA-256 over the documented message, as openssl computes it', async () => {
    expect(await signVisitorToken(vector.secret, 'pk_test', 'C000042', 2_000_000_000)).toBe(vector.token);
    expect(await verifyVisitorToken([vector.secret], 'pk_test', 'C000042', vector.token, 2_000_000_000 - 3600)).toBe(true);
    expect(await verifyVisitorToken([vector.secret], 'pk_test', 'C000042', vector.token, 2_000_000_000)).toBe(false);
    expect(await verifyVisitorToken([vector.secret], 'pk_test', 'C000043', vector.token, 2_000_000_000 - 3600)).toBe(false);
  });

  it('sign ids with line breaks and any Unicode unambiguously', async () => {
    const tricky = 'a\nb😀';
    const t = await signVisitorToken(SECRET, 'pk_test', tricky, now() + 60);
    expect(await verifyVisitorToken([SECRET], 'pk_test', tricky, t, now())).toBe(true);
    expect(await verifyVisitorToken([SECRET], 'pk_test', 'a', t, now())).toBe(false);
  });

  it('need secrets of at least 32 characters and site keys on one line (configuration errors that never echo a secret)', () => {
    expect(() => readSegmentConfig({ SEGMENT_SECRETS: '{"pk_test":"short-secret"}' } as Partial<Env>)).toThrow(/SEGMENT_SECRETS\.pk_test must be a secret of at least 32 characters/);
    expect(() => readSegmentConfig({ SEGMENT_SECRETS: '{"pk_test":"short-secret"}' } as Partial<Env>)).not.toThrow(/short-secret/);
    expect(() => readSegmentConfig({ SEGMENT_SITES: '{"pk\\ntest":["https://a.example"]}' } as Partial<Env>)).toThrow(/on one line/);
  });
});

describe('a site key bound to loopback origins only (the demo key of npm run dev)', () => {
  it('is served on a loopback address, and refused (403) on any other host, token or not', async () => {
    const body = { siteKey: 'pk_local', id: 'seg-high', token: await token('seg-high', { siteKey: 'pk_local' }) };
    expect(await (await segment(body, { origin: LOCAL, url: 'http://127.0.0.1:8787/v1/segment' })).json()).toEqual({ tier: 'high' });
    const deployed = await segment(body, { origin: LOCAL, url: 'https://ltv-edge.example.workers.dev/v1/segment' });
    await expectProblem(deployed, 403);
  });

  it('gets its visitor tokens from the demo signer, on a loopback address only', async () => {
    const signer = (url: string) => worker.request(url, {}, e);
    const signed = await signer('http://127.0.0.1:8787/demo/visitor-token?siteKey=pk_local&id=seg-low');
    expect(signed.status).toBe(200);
    const { token: t } = (await signed.json()) as { token: string };
    expect(await (await segment({ siteKey: 'pk_local', id: 'seg-low', token: t }, { origin: LOCAL, url: 'http://127.0.0.1:8787/v1/segment' })).json()).toEqual({ tier: 'low' });
    await expectProblem(await signer('https://ltv-edge.example.workers.dev/demo/visitor-token?siteKey=pk_local&id=seg-low'), 404);
    await expectProblem(await signer('http://127.0.0.1:8787/demo/visitor-token?siteKey=pk_test&id=seg-low'), 404);
  });
});

/** `text` with the character at `index` replaced by another base64url character. */
function flipCharacter(text: string, index: number): string {
  return text.slice(0, index) + (text[index] === 'A' ? 'B' : 'A') + text.slice(index + 1);
}

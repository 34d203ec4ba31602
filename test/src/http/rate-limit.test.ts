/**
 * Rate limiting through the real Rate Limiting binding as local workerd emulates it:
 * TEST_RATE_LIMITER (limit 3 per 10 s, test/src/vitest.config.ts) stands in for
 * wrangler.toml's RATE_LIMITER so that a test can exhaust it.
 */
import { env as bindings } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { callerKey } from '../../../src/http/rate-limit.js';
import worker from '../../../src/index.js';
import { TOKEN, auth, expectProblem, testEnv } from '../helpers.js';

const limiter = (bindings as unknown as { TEST_RATE_LIMITER: RateLimit }).TEST_RATE_LIMITER;

describe('rate limiting', () => {
  it('wrangler.toml binds RATE_LIMITER, and local workerd serves it', async () => {
    expect(typeof bindings.RATE_LIMITER.limit).toBe('function');
    expect(await bindings.RATE_LIMITER.limit({ key: 'test:binding-present' })).toEqual({ success: true });
  });

  it('answers 429 problem+json with Retry-After once a token has used its budget, and keeps others apart', async () => {
    const env = testEnv({ RATE_LIMITER: limiter, API_TOKEN: `${TOKEN},rate-other` });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await worker.request('/v1/model', { headers: auth() }, env)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);

    const refused = await worker.request('/v1/model', { headers: auth() }, env);
    const problem = await expectProblem(refused, 429);
    expect(refused.headers.get('Retry-After')).toBe('10');
    expect(problem.detail).toContain('retry after 10 s');
    expect(refused.headers.get('X-Content-Type-Options')).toBe('nosniff');

    // Another token, and an anonymous caller from another IP, still have their budgets.
    expect((await worker.request('/v1/model', { headers: auth('rate-other') }, env)).status).toBe(200);
    const health = await worker.request('/v2/health/live', { headers: { 'CF-Connecting-IP': '203.0.113.9' } }, env);
    expect(health.status).toBe(200);
  });

  it('keys by a hash of the token, never the token itself, else by client IP', async () => {
    const request = (headers: Record<string, string>) => new Request('http://worker.test/v1/score', { headers });
    const key = await callerKey(request({ Authorization: 'Bearer secret-token', 'CF-Connecting-IP': '198.51.100.1' }));
    expect(key).toMatch(/^token:[0-9a-f]{32}$/);
    expect(key).not.toContain('secret');
    expect(await callerKey(request({ 'CF-Connecting-IP': '198.51.100.1' }))).toBe('ip:198.51.100.1');
    expect(await callerKey(request({ Authorization: 'Basic abc' }))).toBe('ip:unknown');
  });
});

/**
 * Per-caller rate limiting with Cloudflare's Rate Limiting binding (RATE_LIMITER,
 * `[[ratelimits]]` in wrangler.toml; local workerd emulates it).
 *
 * The key is the caller: a hash of the presented bearer token when there is one
 * (callers behind one NAT or bidding cluster keep separate budgets, and the token
 * itself never leaves the isolate), else the client IP (CF-Connecting-IP). It runs
 * before auth so that floods of unauthenticated requests are limited by IP too; a
 * caller inventing a token per request gets a fresh budget each time, but only a
 * 401 for it (see SECURITY.md). Without the binding (a test app, another host)
 * nothing is limited.
 */
import type { MiddlewareHandler } from 'hono';
import { ProblemException } from './problem.js';
import { presentedTokenDigest } from './token-digest.js';

/** The `period` of the binding in wrangler.toml: a refused caller can retry after at most this long. */
export const RATE_LIMIT_PERIOD_SECONDS = 10;

export const rateLimit = (): MiddlewareHandler<{ Bindings: Partial<Env> }> => {
  return async function rateLimit(c, next) {
    const limiter = c.env?.RATE_LIMITER;
    if (limiter !== undefined) {
      const key = await callerKey(c.req.raw);
      const { success } = await limiter.limit({ key });
      if (!success) {
        throw new ProblemException(429, {
          title: 'Too many requests',
          detail: `This caller sent more requests than its rate limit allows; retry after ${RATE_LIMIT_PERIOD_SECONDS} s.`,
          headers: { 'Retry-After': String(RATE_LIMIT_PERIOD_SECONDS) },
        });
      }
    }
    await next();
  };
};

/** `token:<first 16 bytes of SHA-256, hex>` or `ip:<address>`; `ip:unknown` when neither is known (local tests). */
export async function callerKey(request: Request): Promise<string> {
  const digest = presentedTokenDigest(request);
  if (digest !== undefined) {
    return `token:${Array.from(new Uint8Array(await digest, 0, 16), (b) => b.toString(16).padStart(2, '0')).join('')}`;
  }
  return `ip:${request.headers.get('CF-Connecting-IP') ?? 'unknown'}`;
}

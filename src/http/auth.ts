/**
 * Bearer-token auth for the scoring and model routes.
 *
 * Tokens come from the API_TOKEN secret, comma-separated so that a new token can
 * be added before the old one is removed. The presented token is compared with
 * every configured one in constant time: both sides are hashed first (SHA-256, so
 * lengths never differ; ./token-digest.ts hashes each only once) and compared with
 * `crypto.subtle.timingSafeEqual`, and the loop never stops early, so timing says
 * nothing about which token came close.
 * With no token configured the route refuses to serve (503) instead of opening up.
 * Tokens are never logged, nor echoed in a problem body.
 */
import type { MiddlewareHandler } from 'hono';
import { readConfig } from '../config.js';
import { ProblemException } from './problem.js';
import { configuredTokenDigests, presentedTokenDigest } from './token-digest.js';

export interface BearerAuthOptions {
  /** Realm named in `WWW-Authenticate`. Default `ltv-edge`. */
  realm?: string;
}

export const requireBearerToken = ({ realm = 'ltv-edge' }: BearerAuthOptions = {}): MiddlewareHandler<{ Bindings: Env }> => {
  return async function requireBearerToken(c, next) {
    const { apiTokens } = readConfig(c.env);
    if (apiTokens.length === 0) {
      throw new ProblemException(503, {
        title: 'Scoring not configured',
        detail: 'No API token is configured on the server (API_TOKEN), so scoring is refused rather than left open.',
      });
    }
    const presented = presentedTokenDigest(c.req.raw);
    if (presented === undefined || !(await matchesAny(presented, apiTokens))) {
      const reason = presented === undefined ? 'A bearer token is required: Authorization: Bearer <token>.' : 'The bearer token is not valid.';
      throw new ProblemException(401, {
        detail: reason,
        headers: { 'WWW-Authenticate': `Bearer realm="${realm}"${presented === undefined ? '' : ', error="invalid_token"'}` },
      });
    }
    await next();
  };
};

async function matchesAny(presented: Promise<ArrayBuffer>, tokens: readonly string[]): Promise<boolean> {
  const [given, known] = await Promise.all([presented, configuredTokenDigests(tokens)]);
  let matched = false;
  for (const candidate of known) matched = crypto.subtle.timingSafeEqual(given, candidate) || matched;
  return matched;
}

/**
 * Bearer-token auth for the scoring and model routes.
 *
 * Tokens come from the API_TOKEN secret, comma-separated so that a new token can
 * be added before the old one is removed. The presented token is compared with
 * every configured one in constant time: both sides are hashed first (SHA-256, so
 * lengths never differ) and compared with `crypto.subtle.timingSafeEqual`, and the
 * loop never stops early, so timing says nothing about which token came close.
 * With no token configured the route refuses to serve (503) instead of opening up.
 * Tokens are never logged, nor echoed in a problem body.
 */
import type { MiddlewareHandler } from 'hono';
import { readConfig } from '../config.js';
import { ProblemException } from './problem.js';

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
    const presented = bearerToken(c.req.header('Authorization'));
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

function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}

const encoder = new TextEncoder();

async function matchesAny(presented: string, tokens: readonly string[]): Promise<boolean> {
  const hash = (text: string) => crypto.subtle.digest('SHA-256', encoder.encode(text));
  const [given, ...known] = await Promise.all([hash(presented), ...tokens.map(hash)]);
  let matched = false;
  for (const candidate of known) matched = crypto.subtle.timingSafeEqual(given!, candidate) || matched;
  return matched;
}

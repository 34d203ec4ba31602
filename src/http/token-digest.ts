/**
 * SHA-256 digests of bearer tokens, computed once where once is enough.
 *
 * Auth compares digests (so that lengths never differ and the comparison can be
 * constant-time) and the rate limiter keys callers by a digest, so every scoring
 * request used to hash its token twice and every configured token once more: three
 * `crypto.subtle.digest` round trips for one header. Now:
 * - a request's token is hashed once, shared by both through a WeakMap keyed by the
 *   Request (gone with it; a token is never kept beyond its request);
 * - the configured tokens are hashed once per isolate and configuration, keyed by the
 *   token list `readConfig` caches per env object.
 */

const encoder = new TextEncoder();
const byRequest = new WeakMap<Request, Promise<ArrayBuffer>>();
const byTokenList = new WeakMap<readonly string[], Promise<ArrayBuffer[]>>();

function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', encoder.encode(text));
}

/** The bearer token of an `Authorization` header, or undefined when it has none. */
function bearerToken(header: string | null | undefined): string | undefined {
  const match = header == null ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}

/** The digest of `request`'s bearer token, or undefined when it has none; hashed once per request. */
export function presentedTokenDigest(request: Request): Promise<ArrayBuffer> | undefined {
  let digest = byRequest.get(request);
  if (digest === undefined) {
    const token = bearerToken(request.headers.get('Authorization'));
    if (token === undefined) return undefined;
    digest = sha256(token);
    byRequest.set(request, digest);
  }
  return digest;
}

/** The digests of the configured tokens, in order; hashed once per token list. */
export function configuredTokenDigests(tokens: readonly string[]): Promise<ArrayBuffer[]> {
  let digests = byTokenList.get(tokens);
  if (digests === undefined) {
    digests = Promise.all(tokens.map(sha256));
    byTokenList.set(tokens, digests);
  }
  return digests;
}

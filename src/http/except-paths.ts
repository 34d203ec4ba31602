/**
 * `exceptPaths(paths, middleware)`: runs `middleware` on every request except those
 * whose path is one of `paths`: exact (`/v1/segment`) or a prefix (`/docs/*`).
 *
 * Hono's own `except` (hono/combine) does this for any condition, and pays for the
 * generality on every request: it matches the path with a TrieRouter, then wraps the
 * middleware in `some` and `every`, and `every` composes a new chain of fresh closures
 * per call. With three of them on the scoring path that was ~5 KiB of garbage per
 * request of the ~44 KiB a one-customer score allocates (scripts/measure/commands/request-profile.ts
 * score alloc), and garbage is what makes the isolate stop for a scavenge. The paths
 * here are fixed strings: a Set lookup and a prefix test decide it, allocating nothing.
 */
import type { Env, MiddlewareHandler } from 'hono';

export function exceptPaths<E extends Env>(paths: readonly string[], middleware: MiddlewareHandler<E>): MiddlewareHandler<E> {
  // A "*" anywhere but a final "/*" would be a pattern this does not implement.
  const supported = (path: string) => path.startsWith('/') && path.indexOf('*') === (path.endsWith('/*') ? path.length - 1 : -1);
  const unsupported = paths.find((path) => !supported(path));
  if (unsupported !== undefined) throw new Error(`exceptPaths takes exact paths or prefixes ending in "/*", got ${JSON.stringify(unsupported)}`);
  const exact = new Set(paths.filter((path) => !path.endsWith('/*')));
  const prefixes = paths.filter((path) => path.endsWith('/*')).map((path) => path.slice(0, -1));
  return function exceptPaths(c, next) {
    const path = c.req.path;
    if (exact.has(path) || prefixes.some((prefix) => path.startsWith(prefix))) return next();
    return middleware(c, next);
  };
}

/**
 * The app's error handling, in one place: client faults (HTTPException) become
 * problem+json with their status; anything else is logged and answered with a
 * generic 500 that leaks nothing (no message, no stack). Unknown paths are 404;
 * a known path with the wrong method is 405 with an `Allow` header.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { routePath } from 'hono/route';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ProblemException, problemResponse } from './problem.js';

export const onError: ErrorHandler = function onError(error, c) {
  if (error instanceof ProblemException) {
    return problemResponse(c, error.status as ContentfulStatusCode, {
      ...(error.title === undefined ? {} : { title: error.title }),
      detail: error.message,
      errors: error.errors,
      headers: error.headers,
    });
  }
  if (error instanceof HTTPException && error.status < 500) {
    // Hono's own client errors (malformed JSON, unsupported media type …) carry a plain message.
    return problemResponse(c, error.status as ContentfulStatusCode, { detail: error.message || 'The request was refused.' });
  }
  logInternalError(c, error);
  return problemResponse(c, 500, { detail: 'The server failed to handle the request. It has been logged; the request id identifies it.' });
};

/**
 * Logs what failed and where, never the request body, its values or headers (tokens live there),
 * nor the raw path (it is caller text: `/v2/models/<anything>/infer`): the route pattern that
 * served the request instead, the last one matched (a middleware that threw matched earlier).
 */
function logInternalError(c: Context, error: unknown): void {
  const failure = error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { thrown: typeof error };
  const route = routePath(c, -1) || 'unmatched';
  console.error(JSON.stringify({ event: 'internal_error', requestId: c.get('requestId'), method: c.req.method, route, ...failure }));
}

/**
 * 404 for paths no route serves; 405 for paths served under other methods.
 * The method table is read from the app's routes once, after they are all mounted.
 */
export function notFound(app: { readonly routes: readonly { method: string; path: string }[] }): NotFoundHandler {
  let routes: { pattern: RegExp; method: string }[] | undefined;
  return function notFound(c) {
    routes ??= app.routes
      .filter((route) => route.method !== 'ALL')
      .map((route) => ({ pattern: pathPattern(route.path), method: route.method.toUpperCase() }));
    const allowed = new Set(routes.filter((route) => route.pattern.test(c.req.path)).map((route) => route.method));
    if (allowed.size > 0) {
      if (allowed.has('GET')) allowed.add('HEAD');
      allowed.add('OPTIONS');
      const allow = [...allowed].sort().join(', ');
      return problemResponse(c, 405, {
        detail: `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allow}`,
        headers: { Allow: allow },
      });
    }
    return problemResponse(c, 404, { detail: `No route serves ${c.req.path}; the API is described at /openapi.json` });
  };
}

/** `/v2/models/:name/infer` → a RegExp matching one path segment per parameter. */
function pathPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

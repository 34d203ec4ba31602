/**
 * `X-Model-Version` on every response, errors included, so that any answer can be
 * traced to the model that gave it. Absent only when ltv.json itself is unreadable.
 */
import type { MiddlewareHandler } from 'hono';

export const MODEL_VERSION_HEADER = 'X-Model-Version';

export const modelVersionHeader = (version: string | undefined): MiddlewareHandler => {
  return async function modelVersionHeader(c, next) {
    await next();
    if (version !== undefined) c.res.headers.set(MODEL_VERSION_HEADER, version);
  };
};

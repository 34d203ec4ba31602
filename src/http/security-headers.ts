/**
 * Security headers for a JSON API: nothing here is meant to be rendered, framed
 * or cached by intermediaries. Hono's secureHeaders sets the standard set; the
 * content security policy forbids everything, since no response is a page.
 */
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

export const apiSecurityHeaders = (): MiddlewareHandler => {
  const standard = secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    crossOriginResourcePolicy: 'same-origin',
    xFrameOptions: 'DENY',
  });
  return async function apiSecurityHeaders(c, next) {
    await standard(c, next);
    // Predictions and model metadata are per-request answers; no shared cache should keep them.
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
  };
};

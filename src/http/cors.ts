/**
 * CORS for the origins listed in ALLOWED_ORIGINS, and no others.
 *
 * Hono's cors middleware does the protocol; this decides the origin per request
 * from the config. Preflights (OPTIONS) are answered here, before auth, since a
 * browser never sends credentials on them. An origin not on the list gets no
 * `Access-Control-Allow-Origin`, so the browser withholds the response.
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { readConfig } from '../config.js';

export interface CorsOptions {
  /** How long a browser may cache a preflight, in seconds. Default 600. */
  maxAge?: number;
}

export const corsFromConfig = ({ maxAge = 600 }: CorsOptions = {}): MiddlewareHandler<{ Bindings: Env }> => {
  return cors({
    origin: function allowedOrigin(origin, c) {
      const { allowedOrigins } = readConfig(c.env);
      if (allowedOrigins.includes('*')) return '*';
      return allowedOrigins.includes(origin) ? origin : null;
    },
    allowMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    exposeHeaders: ['X-Model-Version', 'X-Request-Id', 'Server-Timing', 'WWW-Authenticate', 'Allow'],
    maxAge,
  });
};

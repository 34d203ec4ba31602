/**
 * CORS for POST /v1/segment: the origins of all configured site keys, and no others.
 * (The API's own CORS, ALLOWED_ORIGINS, is for token-bearing apps; a marketing site
 * gets access to this one route only.) Which key an origin may use is checked by the route.
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { readSegmentConfig } from './sites.js';

export const segmentCors = (): MiddlewareHandler<{ Bindings: Env }> =>
  cors({
    origin: function siteOrigin(origin, c) {
      for (const origins of readSegmentConfig(c.env).sites.values()) if (origins.includes(origin)) return origin;
      return null;
    },
    allowMethods: ['POST', 'OPTIONS'],
    allowHeaders: ['Content-Type'],
    maxAge: 600,
  });

/**
 * GET /demo/visitor-token?siteKey=pk_demo&id=…: the demo page's stand-in for a site's
 * back end, which is what signs visitor tokens in production (docs/callers.md).
 *
 * It signs only for a local site key (bound to loopback origins only, as pk_demo of
 * `npm run dev` is) and only for a request addressed to a loopback host, so it works
 * under `npm run dev` and in the browser test, and nowhere else: on a deployed worker
 * the request's host is its public name, and this answers 404 (src/segment/local-site.ts).
 */
import { Hono } from 'hono';
import { ProblemException } from '../http/problem.js';
import type { AppEnv } from '../types.js';
import { isLocalSite, isLoopbackHost } from './local-site.js';
import { readSegmentConfig } from './sites.js';
import { signVisitorToken } from './visitor-token.js';

/** An hour: a demo page's visit. */
const LIFETIME_SECONDS = 60 * 60;

export function demoSignerRoutes(): Hono<AppEnv> {
  return new Hono<AppEnv>().get('/demo/visitor-token', async (c) => {
    const siteKey = c.req.query('siteKey') ?? '';
    const id = c.req.query('id') ?? '';
    const { sites, secrets } = readSegmentConfig(c.env);
    const origins = sites.get(siteKey);
    const secret = secrets.get(siteKey)?.[0];
    if (!isLoopbackHost(new URL(c.req.url).hostname) || origins === undefined || !isLocalSite(origins) || secret === undefined) {
      throw new ProblemException(404, { detail: 'The demo signer serves local site keys (loopback origins only) on a loopback address only.' });
    }
    if (id === '' || id.length > 500) throw new ProblemException(400, { detail: 'expected ?id= with a visitor id of 1 to 500 characters' });
    const expires = Math.floor(Date.now() / 1000) + LIFETIME_SECONDS;
    c.header('Cache-Control', 'no-store');
    return c.json({ token: await signVisitorToken(secret, siteKey, id, expires), expires }, 200);
  });
}

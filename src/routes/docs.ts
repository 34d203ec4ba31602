/**
 * GET /docs: Swagger UI over /openapi.json, with every asset served by this worker
 * (swagger-ui-dist, pinned, bundled as text), so the page works without reaching
 * any third-party CDN and under a CSP that allows only this origin.
 */
import { Hono } from 'hono';
import bundle from 'swagger-ui-dist/swagger-ui-bundle.js';
import css from 'swagger-ui-dist/swagger-ui.css';
import type { AppEnv } from '../types.js';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ltv-edge API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });`;

/** Only this origin, so a page that tried to load from a CDN would visibly fail. */
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'";
const CACHE = 'public, max-age=3600';

export function docsRoutes(): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .get('/docs', (c) => c.html(PAGE, 200, { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'X-Frame-Options': 'DENY' }))
    .get('/docs/swagger-ui-bundle.js', (c) => c.body(bundle, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': CACHE }))
    .get('/docs/swagger-ui.css', (c) => c.body(css, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': CACHE }))
    .get('/docs/init.js', (c) => c.body(INIT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
}

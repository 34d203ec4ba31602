/**
 * GET /docs: Swagger UI over /openapi.json. The page and its one-line script are
 * served here; Swagger UI's own files (swagger-ui-dist, pinned) are static assets
 * under /docs/, copied into public/docs/ before each bundle (wrangler.toml [build],
 * scripts/build/docs-assets.ts) and served before the worker runs. So the page works
 * without reaching any third-party CDN, under a CSP that allows only this origin, and
 * the worker bundle does not carry Swagger UI.
 */
import { Hono } from 'hono';
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

export function docsRoutes(): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .get('/docs', (c) => c.html(PAGE, 200, { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'X-Frame-Options': 'DENY' }))
    .get('/docs/init.js', (c) => c.body(INIT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
}

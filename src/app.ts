/**
 * The Hono app: middleware in the order a request meets it, then the routes.
 * Built around a model state so that tests can build it around another.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { requestId } from 'hono/request-id';
import { requireBearerToken } from './http/auth.js';
import { limitBody } from './http/body-limit.js';
import { rateLimit } from './http/rate-limit.js';
import { requestLog } from './http/request-log.js';
import { workerVersionHeader } from './http/worker-version.js';
import { corsFromConfig } from './http/cors.js';
import { exceptPaths } from './http/except-paths.js';
import { notFound, onError } from './http/errors.js';
import { modelVersionHeader } from './http/model-version.js';
import { apiSecurityHeaders } from './http/security-headers.js';
import { throwOnInvalid } from './http/validation.js';
import type { ModelState } from './inference/model.js';
import { modelRoutes } from './routes/model.js';
import { oipRoutes } from './routes/oip.js';
import { scoreRoutes } from './routes/score.js';
import { segmentRoutes } from './routes/segment.js';
import { docsRoutes } from './routes/docs.js';
import { documentConfig, withServers } from './schemas/openapi-document.js';
import { segmentCors } from './segment/cors.js';
import { demoSignerRoutes } from './segment/demo-signer.js';
import type { AppEnv } from './types.js';

/** Routes that need a bearer token; health, readiness, server metadata and /openapi.json are public. */
const PROTECTED_PATHS = [
  '/v1/*',
  '/v2/models/:model_name',
  '/v2/models/:model_name/infer',
  '/v2/models/:model_name/versions/:model_version',
  '/v2/models/:model_name/versions/:model_version/infer',
];
/** Public despite the above: browsers with a site key (src/routes/segment.ts). */
const PUBLIC_PATHS = ['/v1/segment'];

export function createApp(state: ModelState): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid });

  // 1. A request id, echoed in X-Request-Id and in every problem body, so a report can be matched to the logs.
  app.use(requestId());
  // 1b. One JSON log line per request (route, status, versions, batch size, latency; no values).
  app.use(requestLog(state.manifest?.version));
  // 2. The model version on every response, and headers that keep browsers and caches from misusing JSON.
  app.use(modelVersionHeader(state.manifest?.version));
  app.use(workerVersionHeader());
  // (/docs is a page, with a policy of its own: src/routes/docs.ts.)
  app.use(exceptPaths(['/docs', '/docs/*'], apiSecurityHeaders()));
  // 3. CORS for the configured origins; preflights are answered here, before auth.
  // (/v1/segment is for marketing sites: CORS by site key, src/segment/cors.ts.)
  app.use(exceptPaths(['/v1/segment'], corsFromConfig()));
  app.use('/v1/segment', segmentCors());
  // 4. Oversized bodies are refused before anything reads them.
  app.use(limitBody());
  // 4b. Per-caller rate limit (token or client IP): 429 with Retry-After.
  app.use(rateLimit());
  // 5. Bearer token for scoring and model metadata.
  const auth = requireBearerToken();
  for (const path of PROTECTED_PATHS) app.use(path, exceptPaths(PUBLIC_PATHS, auth));

  app.route('/', scoreRoutes(state));
  app.route('/', modelRoutes(state));
  app.route('/', oipRoutes(state));
  app.route('/', segmentRoutes(state));
  app.route('/', docsRoutes());
  // The demo page's token signer: local site keys on a loopback address only (src/segment/demo-signer.ts).
  app.route('/', demoSignerRoutes());

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });
  // Generated from the same zod schemas that validate, once per isolate, on first use. (zod-openapi's
  // own doc31() regenerates it per request, and answers a generation failure with the error itself.)
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.get('/openapi.json', (c) => {
    document ??= app.getOpenAPI31Document(documentConfig(state.manifest?.version ?? 'unknown'));
    return c.json(withServers(document, c.req.url));
  });

  app.onError(onError);
  app.notFound(notFound(app));
  return app;
}

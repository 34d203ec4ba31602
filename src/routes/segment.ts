/**
 * POST /v1/segment: a visitor's coarse tier for a marketing page, never the LTV.
 *
 * Public (no bearer token): the caller is a browser with a site key, which must be
 * configured for the request's Origin (SEGMENT_SITES); a request without an Origin is
 * refused. What authorises the lookup is the visitor token that the site's back end
 * signed for this visitor (src/segment/visitor-token.ts): the public key alone gives
 * nothing. The visitor is looked up by id in the edge feature store, scored, and only
 * the tier leaves the worker; the thresholds come from the model's spec (training-set
 * quantiles) or SEGMENT_THRESHOLDS. Rate-limited per site key and client address
 * (SEGMENT_LIMITER). Threat model: SECURITY.md.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { resolveCustomers } from '../feature-store/resolve.js';
import { jsonBody } from '../http/json-body.js';
import { ProblemException } from '../http/problem.js';
import { throwOnInvalid } from '../http/validation.js';
import type { ModelState } from '../inference/model.js';
import { TAGS } from '../schemas/openapi-document.js';
import { problems, publicRoute } from '../schemas/problem.js';
import { servesSite } from '../segment/local-site.js';
import { readSegmentConfig, thresholdsFor, tierOf } from '../segment/sites.js';
import { verifyVisitorToken } from '../segment/visitor-token.js';
import type { AppEnv } from '../types.js';
import { readyModel, requireReadyModel } from './serving.js';

const SegmentRequestSchema = z
  .strictObject({
    siteKey: z.string().min(1).max(200).openapi({ description: 'Public site key, bound to the origins allowed to use it.', example: 'pk_demo' }),
    id: z.string().min(1).max(500).openapi({ description: "The visitor's first-party customer id.", example: 'C000001' }),
    token: z.string().min(1).max(200).openapi({
      description: "The visitor token the site's back end signed for this site key and id: `<expires>.<HMAC-SHA-256, base64url>` (docs/callers.md).",
      example: '1767225600.z2_fat7EOHQaE6gaYW_pkZQ5uTlQrHlCU5Cp-EpjSOk',
    }),
  })
  .openapi('SegmentRequest');

const SegmentResponseSchema = z
  .object({ tier: z.enum(['low', 'medium', 'high']).openapi({ description: 'Coarse value tier; the LTV itself is never sent.' }) })
  .openapi('SegmentResponse');

/** One answer for an unknown, stale or incomplete visitor and for a token that does not verify. */
const UNKNOWN_VISITOR = { title: 'Unknown visitor', detail: 'No usable stored features for this visitor, or the visitor token does not verify.' } as const;

export function segmentRoutes(state: ModelState): OpenAPIHono<AppEnv> {
  const problem = problems(400, 403, 404, 413, 415, 429, 500, 503);
  const route = createRoute({
    method: 'post',
    path: '/v1/segment',
    operationId: 'segmentVisitor',
    tags: [TAGS.segment.name],
    summary: "A visitor's value tier, for browsers (site key and visitor token, no bearer token)",
    description:
      'For marketing pages: the site key must be configured for the request’s Origin, and the visitor token signed by the site’s back end for this visitor. Only the coarse tier leaves the worker, never the value.',
    // No bearer token: the site key (bound to origins) and the visitor token, both in the body, authorise the request.
    security: publicRoute,
    middleware: [requireReadyModel(state), jsonBody()] as const,
    request: { body: { required: true, content: { 'application/json': { schema: SegmentRequestSchema } } } },
    responses: {
      200: { description: 'The tier.', content: { 'application/json': { schema: SegmentResponseSchema } } },
      ...problem,
      403: { ...problem[403], description: 'Unknown site key, no Origin, or an origin the key is not bound to.' },
      404: { ...problem[404], description: 'Unknown visitor, or a visitor token that does not verify: one answer for both.' },
    },
  });

  return new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid }).openapi(route, async (c) => {
    const model = readyModel(state);
    const { siteKey, id, token } = c.req.valid('json');
    const { sites, secrets, thresholds: override } = readSegmentConfig(c.env);
    const origins = sites.get(siteKey);
    const origin = c.req.header('Origin');
    if (origins === undefined || origin === undefined || !origins.includes(origin) || !servesSite(origins, c.req.url)) {
      throw new ProblemException(403, { title: 'Site not allowed', detail: 'Unknown site key, no Origin, or the key is not configured for this origin.' });
    }
    const limiter = c.env.SEGMENT_LIMITER;
    if (limiter !== undefined) {
      const { success } = await limiter.limit({ key: `${siteKey}:${c.req.header('CF-Connecting-IP') ?? 'local'}` });
      if (!success) throw new ProblemException(429, { title: 'Too many requests', detail: 'Rate limit for this site and visitor exceeded.', headers: { 'Retry-After': '60' } });
    }
    const thresholds = thresholdsFor(override, model.manifest.spec.tiers);
    if (thresholds === undefined) {
      throw new ProblemException(503, { title: 'No tiers', detail: 'The model has no tier thresholds and SEGMENT_THRESHOLDS is not set.' });
    }
    const siteSecrets = secrets.get(siteKey);
    if (siteSecrets === undefined) {
      throw new ProblemException(503, { title: 'Visitor tokens not configured', detail: 'No secret is configured for this site key (SEGMENT_SECRETS), so no visitor can be looked up.' });
    }

    // The token is checked and the store read together, whatever either says: a bad token
    // and an unknown id then cost the same work and get the same answer, so neither the
    // answer nor its timing tells a caller without a token which ids exist.
    const [authorised, { resolved }] = await Promise.all([
      verifyVisitorToken(siteSecrets, siteKey, id, token, Math.floor(Date.now() / 1000)),
      resolveCustomers(c.env.FEATURES, model.manifest.version, model.manifest.spec.features, [{ id }]),
    ]);
    const [visitor] = resolved;
    const encoded = authorised && visitor?.ok ? model.encoder.encode(visitor.record) : undefined;
    if (encoded === undefined || encoded.errors.length > 0) throw new ProblemException(404, UNKNOWN_VISITOR);
    const [ltv] = await model.predict(encoded.row, 1);
    c.header('Cache-Control', 'private, no-store');
    return c.json({ tier: tierOf(ltv!, thresholds) }, 200);
  });
}

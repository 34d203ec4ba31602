/**
 * POST /v1/segment: a visitor's coarse tier for a marketing page, never the LTV.
 *
 * Public (no bearer token): the caller is a browser with a site key, which must be
 * configured for the request's Origin (SEGMENT_SITES). The visitor is looked up by
 * id in the edge feature store, scored, and only the tier leaves the worker; the
 * thresholds come from the model's spec (training-set quantiles) or SEGMENT_THRESHOLDS.
 * Rate-limited per site key and client address (SEGMENT_LIMITER).
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { resolveCustomers } from '../feature-store/resolve.js';
import { jsonBody } from '../http/json-body.js';
import { ProblemException } from '../http/problem.js';
import { throwOnInvalid } from '../http/validation.js';
import type { ModelState } from '../inference/model.js';
import { problems } from '../schemas/problem.js';
import { readSegmentConfig, thresholdsFor, tierOf } from '../segment/sites.js';
import type { AppEnv } from '../types.js';
import { readyModel, requireReadyModel } from './serving.js';

const SegmentRequestSchema = z
  .strictObject({
    siteKey: z.string().min(1).openapi({ description: 'Public site key, bound to the origins allowed to use it.', example: 'pk_demo' }),
    id: z.string().min(1).max(500).openapi({ description: "The visitor's first-party customer id.", example: 'C000001' }),
  })
  .openapi('SegmentRequest');

const SegmentResponseSchema = z
  .object({ tier: z.enum(['low', 'medium', 'high']).openapi({ description: 'Coarse value tier; the LTV itself is never sent.' }) })
  .openapi('SegmentResponse');

export function segmentRoutes(state: ModelState): OpenAPIHono<AppEnv> {
  const route = createRoute({
    method: 'post',
    path: '/v1/segment',
    summary: "A visitor's value tier, for browsers (site key, no token)",
    middleware: [requireReadyModel(state), jsonBody()] as const,
    request: { body: { required: true, content: { 'application/json': { schema: SegmentRequestSchema } } } },
    responses: {
      200: { description: 'The tier.', content: { 'application/json': { schema: SegmentResponseSchema } } },
      ...problems(400, 403, 404, 415, 429, 503),
    },
  });

  return new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid }).openapi(route, async (c) => {
    const model = readyModel(state);
    const { siteKey, id } = c.req.valid('json');
    const { sites, thresholds: override } = readSegmentConfig(c.env);
    const origins = sites.get(siteKey);
    const origin = c.req.header('Origin');
    if (origins === undefined || (origin !== undefined && !origins.includes(origin))) {
      throw new ProblemException(403, { title: 'Site not allowed', detail: 'Unknown site key, or the key is not configured for this origin.' });
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

    const { resolved } = await resolveCustomers(c.env.FEATURES, model.manifest.version, model.manifest.spec.features, [{ id }]);
    const [visitor] = resolved;
    const encoded = visitor?.ok ? model.encoder.encode(visitor.record) : undefined;
    if (encoded === undefined || encoded.errors.length > 0) {
      // The same answer for every reason (unknown, stale, incomplete): a page needs no more, and a visitor learns nothing.
      throw new ProblemException(404, { title: 'Unknown visitor', detail: 'No usable stored features for this visitor.' });
    }
    const [ltv] = await model.predict(encoded.row, 1);
    c.header('Cache-Control', 'private, no-store');
    return c.json({ tier: tierOf(ltv!, thresholds) }, 200);
  });
}

/**
 * POST /v1/score: customers as JSON objects in, one LTV each out, in input order.
 *
 * The walk of one record: zod checks the envelope → the shared Encoder writes each
 * customer into its row of one Float32Array, collecting every field error of every
 * customer → one ORT run for the whole batch → predictions.
 */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { readConfig } from '../config.js';
import { jsonBody } from '../http/json-body.js';
import type { Located } from '../http/located.js';
import { type FieldProblem, ProblemException, invalidRequest, jsonPointer } from '../http/problem.js';
import { fieldProblems, throwOnInvalid } from '../http/validation.js';
import type { LoadedModel, ModelState } from '../inference/model.js';
import { TAGS } from '../schemas/openapi-document.js';
import { bearerSecurity, problems } from '../schemas/problem.js';
import { hasId, withStoredFeatures } from '../feature-store/score-by-id.js';
import { type ScoreResponseWithErrors, ScoreQuerySchema, ScoreResponseSchema, scoreRequestSchema } from '../schemas/score.js';
import type { AppEnv } from '../types.js';
import { predictionFields } from './prediction-fields.js';
import { predictTimed, readyModel, requireReadyModel } from './serving.js';

export function scoreRoutes(state: ModelState): OpenAPIHono<AppEnv> {
  const route = createRoute({
    method: 'post',
    path: '/v1/score',
    operationId: 'scoreCustomers',
    tags: [TAGS.scoring.name],
    summary: 'Predict the lifetime value of one or more customers',
    description:
      'One `customer` or a batch of `customers`, each by its feature values, by its id in the edge feature store, or both. Every field error of every customer is listed at once; a customer given by an unknown or stale id gets an item error in its place while the rest are scored.',
    security: bearerSecurity,
    middleware: [requireReadyModel(state), jsonBody(), limitBatch()] as const,
    request: {
      query: ScoreQuerySchema,
      body: { required: true, content: { 'application/json': { schema: scoreRequestSchema(state.manifest?.spec) } } },
    },
    responses: {
      200: { description: 'One prediction per customer, in input order.', content: { 'application/json': { schema: ScoreResponseSchema } } },
      ...problems(400, 401, 413, 415, 429, 500, 503),
    },
  });

  return new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid }).openapi(
    route,
    async (c) => {
      const model = readyModel(state);
      const strict = c.req.valid('query').strict === 'true';
      const customers = customersIn(c.req.valid('json'));
      // Customers given by id: stored features looked up in bulk and merged (src/feature-store/).
      const stored = await withStoredFeatures(c, model, customers, strict);
      const { rows, imputed, errors } = encodeCustomers(model, stored.scorable, strict);
      if (errors.length > 0) throw invalidRequest(errors, 'Invalid customer features');

      const outputs = stored.scorable.length === 0 ? {} : await predictTimed(c, model, rows, stored.scorable.length);
      const response: ScoreResponseWithErrors = {
        model: { name: model.manifest.name, version: model.manifest.version },
        predictions: stored.answer(imputed.map((names, i) => ({ ...predictionFields(model.manifest.head, outputs, i), imputed: names }))),
      };
      return c.json(response, 200);
    },
    // When zod rejects the envelope, the feature errors of the customers it could read are listed too.
    function listEveryError(result, c) {
      if (result.success) return undefined;
      const errors = fieldProblems(result.error.issues, result.target);
      if (result.target === 'json' && state.ready) {
        // @hono/zod-validator hands over the value it validated (its Hook type has `data`; zod-openapi's omits it).
        const customers = customersIn('data' in result ? result.data : undefined);
        // Customers given by id are left out: their features depend on the store.
        errors.push(...encodeCustomers(state.model, customers.filter((x) => !hasId(x.record)), c.req.query('strict') === 'true').errors);
      }
      throw invalidRequest(errors);
    },
  );
}

/**
 * 413 for more customers than MAX_BATCH, before validation looks at any of them:
 * the batch limit bounds the work any body can cause, valid or not.
 */
const limitBatch = (): MiddlewareHandler<AppEnv> => {
  return async function limitBatch(c, next) {
    const body: unknown = await c.req.json();
    const count = typeof body === 'object' && body !== null && 'customers' in body && Array.isArray(body.customers) ? body.customers.length : 0;
    const { maxBatch } = readConfig(c.env);
    if (count > maxBatch) {
      throw new ProblemException(413, {
        title: 'Too many customers',
        detail: `The request has ${count} customers; at most ${maxBatch} are scored per request.`,
      });
    }
    await next();
  };
};

/** The customers of a body, whether or not it passed validation; nothing for a body of another shape. */
function customersIn(body: unknown): Located[] {
  if (typeof body !== 'object' || body === null) return [];
  if ('customers' in body && Array.isArray(body.customers)) return body.customers.map((record, i) => ({ record, path: ['customers', i] }));
  return 'customer' in body && body.customer !== undefined ? [{ record: body.customer, path: ['customer'] }] : [];
}

/**
 * Encodes every customer into its row with the shared Encoder, collecting every
 * field error with its pointer. Entries that are not objects are zod's to report.
 */
function encodeCustomers(model: LoadedModel, customers: readonly Located[], strict: boolean) {
  const rows = new Float32Array(customers.length * model.width);
  const imputed: string[][] = [];
  const errors: FieldProblem[] = [];
  customers.forEach(({ record, path }, i) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return;
    const result = model.encoder.encodeInto(record, rows, i * model.width, { strict });
    for (const error of result.errors) errors.push({ pointer: jsonPointer([...path, error.field]), detail: error.message });
    imputed.push(result.imputed);
  });
  return { rows, imputed, errors };
}

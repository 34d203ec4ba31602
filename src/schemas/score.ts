/**
 * POST /v1/score: request and response, defined once for validation and for
 * /openapi.json.
 *
 * zod checks the envelope (one `customer` or a non-empty `customers` array of
 * objects). The feature values inside a customer are checked by the shared
 * Encoder (src/spec/encode.ts) while it encodes them, so that the trainer and the
 * worker accept exactly the same records; the documented properties of a
 * customer are generated from the same feature spec.
 */
import { z } from '@hono/zod-openapi';
import type { FeatureSpec } from '../spec/feature-spec.js';
import { ItemErrorSchema, idMembers } from './customer-id.js';
import { ARRAY_LIMITS } from './limits.js';
import { MISSING_LEVEL, OTHER_LEVEL } from '../spec/feature-spec.js';

/** A customer record: passed on as the object it arrived as (own keys only are read). */
export function customerSchema(spec: FeatureSpec | undefined) {
  return z
    .custom<Record<string, unknown>>(isPlainObject, { error: 'expected an object of feature values' })
    .openapi('Customer', spec === undefined ? { type: 'object' } : documentFeatures(spec));
}

export function scoreRequestSchema(spec: FeatureSpec | undefined) {
  const customer = customerSchema(spec);
  return z
    .strictObject({
      customer: customer.optional(),
      customers: z
        .array(customer)
        .min(1, 'expected at least one customer')
        .max(ARRAY_LIMITS.customers, `expected at most ${ARRAY_LIMITS.customers} customers`)
        .optional()
        .openapi({
          description: `Several customers, scored in one call: at most MAX_BATCH (default 1000; a deployment may raise it to ${ARRAY_LIMITS.customers}), else 413. A customer may be given by \`id\` (stored features, merged under any sent with it).`,
        }),
    })
    .superRefine((body, ctx) => {
      if ((body.customer === undefined) === (body.customers === undefined)) {
        ctx.addIssue({ code: 'custom', path: [], message: 'expected exactly one of "customer" or "customers"' });
      }
    })
    .openapi('ScoreRequest', {
      description: 'Exactly one of `customer` (one customer) or `customers` (a batch).',
      example: spec === undefined ? undefined : { customer: exampleCustomer(spec) },
    });
}

export const ScoreQuerySchema = z.object({
  strict: z
    .enum(['true', 'false'])
    .default('false')
    .openapi({
      param: { name: 'strict', in: 'query' },
      description: 'true: a missing feature is an error instead of being imputed.',
    }),
});

const PredictionSchema = z.object({
  ltv: z.number().openapi({ description: 'Predicted lifetime value (for a ZILN model, the expected value); always a finite number, never negative.' }),
  p_purchase: z.number().optional().openapi({ description: 'ZILN models only: probability that the customer spends anything in the target window.' }),
  ltv_p10: z.number().optional().openapi({ description: 'ZILN models only: 10th percentile of the predicted value (0 while the chance of no purchase is above 10 %).' }),
  ltv_p50: z.number().optional().openapi({ description: 'ZILN models only: median of the predicted value.' }),
  ltv_p90: z.number().optional().openapi({ description: 'ZILN models only: 90th percentile of the predicted value.' }),
  imputed: z.array(z.string()).openapi({ description: 'Features that were missing and imputed as in training, in spec order.' }),
  ...idMembers,
});

const ModelRefSchema = z.object({ name: z.string(), version: z.string() });

export const ScoreResponseSchema = z
  .object({
    model: ModelRefSchema,
    predictions: z.array(z.union([PredictionSchema, ItemErrorSchema])),
  })
  .openapi('ScoreResponse');

/** Any response of POST /v1/score: an item error may stand in for a customer given by id. */
export type ScoreResponseWithErrors = z.infer<typeof ScoreResponseSchema>;
/** A response in which every customer was scored: always so when no customer is given by id. */
export type ScoreResponse = { model: z.infer<typeof ModelRefSchema>; predictions: z.infer<typeof PredictionSchema>[] };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The customer object as the spec defines it, for the OpenAPI document. */
function documentFeatures(spec: FeatureSpec) {
  const properties: Record<string, { type: ('number' | 'string' | 'null')[]; description: string; examples?: string[] }> = {};
  for (const feature of spec.features) {
    const how = feature.optional ? 'optional: imputed when missing or null' : 'required';
    properties[feature.name] =
      feature.type === 'numeric'
        ? { type: ['number', 'null'], description: `Numeric; ${how}.` }
        : {
            type: ['string', 'null'],
            description: `Categorical; ${how}. Known levels: ${seenLevels(feature.levels).join(', ')}; any other value counts as unseen.`,
            examples: seenLevels(feature.levels).slice(0, 3),
          };
  }
  properties.id = { type: ['string'], description: 'Customer id in the edge feature store (npm run publish-store): its stored features fill in those not sent.' };
  return {
    type: 'object' as const,
    properties,
    required: spec.features.filter((f) => !f.optional).map((f) => f.name),
    additionalProperties: false,
    description: `Feature values of one customer (predicting ${spec.target.name}, ${spec.target.unit}).`,
  };
}

function seenLevels(levels: readonly string[]): string[] {
  return levels.filter((level) => level !== OTHER_LEVEL && level !== MISSING_LEVEL);
}

function exampleCustomer(spec: FeatureSpec): Record<string, number | string> {
  const example: Record<string, number | string> = {};
  for (const feature of spec.features) {
    example[feature.name] = feature.type === 'numeric' ? feature.transform.impute : (seenLevels(feature.levels)[0] ?? 'unknown');
  }
  return example;
}

/**
 * GET /v1/model: what a caller needs to build requests — the feature spec, the
 * model's identity and training metrics, the encoded columns and the limits.
 */
import { z } from '@hono/zod-openapi';
import { WorkerVersionSchema } from './worker-version.js';

const TransformSchema = z.object({ impute: z.number(), min: z.number(), max: z.number(), mean: z.number(), std: z.number() });

const FeatureSchema = z.discriminatedUnion('type', [
  z.object({ name: z.string(), type: z.literal('numeric'), optional: z.boolean(), transform: TransformSchema }),
  z.object({
    name: z.string(),
    type: z.literal('categorical'),
    optional: z.boolean(),
    levels: z.array(z.string()).openapi({ description: 'One-hot levels; the last two are "__other__" (unseen) and "__missing__".' }),
    transforms: z.array(TransformSchema),
  }),
]);

const ZilnHeadSchema = z
  .object({ muShift: z.number(), muScale: z.number(), muMin: z.number(), muMax: z.number(), sigmaFloor: z.number(), sigmaMax: z.number() })
  .openapi({ description: 'ZILN head only: how the network’s outputs become p, μ and σ, and the bounds on μ and σ (docs/ziln-head.md).' });

const MembersSchema = z
  .object({
    count: z.number().int().min(2),
    seeds: z.array(z.number().int()).openapi({ description: 'Seed of each member, in graph order.' }),
    rows: z.enum(['folds', 'bootstrap']).openapi({ description: '"folds": each member trained on the training split less its own validation fold; "bootstrap": on a resample of those rows.' }),
  })
  .openapi({ description: 'Several networks averaged in one graph (for ZILN, an equal-weight mixture whose quantiles the worker computes). Absent: a single network.' });

const CalibrationSchema = z
  .object({
    method: z.literal('isotonic-bins'),
    intercept: z.number(),
    knots: z.array(z.number()),
    slopes: z.array(z.number()),
    floor: z.number(),
    fittedOn: z.object({ rows: z.number().int(), bins: z.number().int() }),
  })
  .openapi({
    description:
      'The strictly increasing piecewise-linear map the graph applies to the members’ mean, f(m) = intercept + Σ slopes[i]·min(max(m − knots[i], 0), knots[i+1] − knots[i]), fitted on training rows the networks did not train on (docs/training.md).',
  });

export const ModelInfoSchema = z
  .object({
    name: z.string().openapi({ example: 'ltv' }),
    head: z.enum(['mse', 'ziln']).optional().openapi({ description: 'The output head; absent for models exported before heads existed (all "mse").' }),
    version: z.string().openapi({ description: 'Content hash of the ONNX graph and its spec.', example: '29176df8f59d65f0' }),
    createdAt: z.string(),
    metrics: z.record(z.string(), z.number()).openapi({ description: 'Test-split metrics from training.' }),
    hyperparameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.array(z.number())])),
    trainingData: z.object({
      sha256: z.string(),
      rows: z.number(),
      source: z.string().openapi({ description: 'File name of the training data (without its directory).', example: 'customers.csv' }),
    }),
    spec: z.object({
      format: z.string(),
      features: z.array(FeatureSchema).openapi({ description: 'Features in input order; send them by name in a customer object.' }),
      target: z.object({ name: z.string(), unit: z.string(), mean: z.number(), std: z.number(), ziln: ZilnHeadSchema.optional() }),
      io: z.object({
        input: z.string(),
        outputs: z.array(z.string()),
        widths: z
          .record(z.string(), z.number().int())
          .optional()
          .openapi({ description: 'Outputs wider than one column, by name: a graph of several members outputs member_p, member_mu and member_sigma as [batch, members].' }),
      }),
      members: MembersSchema.optional(),
      calibration: CalibrationSchema.optional(),
      tiers: z
        .object({ quantiles: z.array(z.number()), thresholds: z.array(z.number()) })
        .optional()
        .openapi({ description: 'The training-set quantiles of the LTV and their values, which POST /v1/segment cuts the tiers at.' }),
    }),
    inputColumns: z.array(z.string()).openapi({ description: 'Encoded column names in tensor order, for POST /v2/models/{model_name}/infer.' }),
    engine: z.enum(['compiled', 'ort']).optional().openapi({
      description:
        'What runs the graph: "compiled" (the project’s own WebAssembly kernels, for graphs in its operator subset) or "ort" (onnxruntime-web). Absent while the model is not ready.',
      example: 'compiled',
    }),
    limits: z.object({ maxBatch: z.number().int(), maxBodyBytes: z.number().int() }),
    runtime: z
      .object({
        wasmMemoryBytes: z.number().int().positive().openapi({
          description:
            'Current size of the engine’s WebAssembly memory in this isolate, in bytes (whole 64 KiB pages): fixed at load for the compiled engine; for onnxruntime-web it grows with the largest batch scored and never shrinks. With the JS heap it counts against the 128 MB a Worker isolate may use.',
          example: 720896,
        }),
      })
      .optional()
      .openapi({ description: 'This isolate’s memory, for operators; absent while the model is not ready.' }),
    workerVersion: WorkerVersionSchema.optional().openapi({ description: 'The Workers version serving this request.' }),
  })
  .openapi('ModelInfo');

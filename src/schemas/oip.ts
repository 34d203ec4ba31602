/**
 * The Open Inference Protocol (KServe v2) subset served under /v2: health, model
 * metadata and inference with a JSON tensor. Field names follow the protocol
 * (snake_case), not this API's own style.
 */
import { z } from '@hono/zod-openapi';
import { ARRAY_LIMITS } from './limits.js';
import { WorkerVersionSchema } from './worker-version.js';

export const LiveSchema = z.object({ live: z.boolean() }).openapi('ServerLive');
export const ReadySchema = z
  .object({
    ready: z.boolean(),
    engine: z.enum(['compiled', 'ort']).optional().openapi({ description: 'What runs the graph when ready: "compiled" (the project’s WebAssembly kernels) or "ort" (onnxruntime-web).' }),
    workerVersion: WorkerVersionSchema.optional(),
  })
  .openapi('Ready');

export const ModelNameParamSchema = z.object({
  model_name: z.string().openapi({ param: { name: 'model_name', in: 'path' }, example: 'ltv' }),
});

const TensorMetadataSchema = z.object({
  name: z.string(),
  datatype: z.literal('FP32'),
  shape: z.array(z.number().int()).openapi({ description: '-1 marks the free batch dimension.', example: [-1, 29] }),
  parameters: z
    .object({ columns: z.array(z.string()) })
    .optional()
    .openapi({ description: 'Input only: the encoded column names in order (see GET /v1/model for the spec).' }),
});

export const ModelMetadataSchema = z
  .object({
    name: z.string(),
    versions: z.array(z.string()),
    platform: z.string(),
    inputs: z.array(TensorMetadataSchema),
    outputs: z.array(TensorMetadataSchema),
  })
  .openapi('ModelMetadata');

export type ModelMetadata = z.infer<typeof ModelMetadataSchema>;

const parameters = z.record(z.string(), z.unknown()).optional();

export const InferRequestSchema = z
  .strictObject({
    id: z.string().optional(),
    parameters,
    inputs: z
      .array(
        z.strictObject({
          name: z.string(),
          shape: z.array(z.number().int().nonnegative()).max(ARRAY_LIMITS.shapeRank, `expected at most ${ARRAY_LIMITS.shapeRank} dimensions`),
          datatype: z.string(),
          parameters,
          // Checked element by element against `shape` by the handler, which lays the
          // values straight into the input tensor: zod would walk N×F elements for nothing.
          data: z.custom<unknown[]>(Array.isArray, { error: 'expected an array' }).openapi({
            type: 'array',
            items: { type: ['number', 'null', 'array'] },
            description: 'Row-major values, flat or nested by row; null marks a missing value (NaN in the tensor).',
          }),
        }),
      )
      // min and max rather than length(1): /openapi.json shows them as minItems and maxItems.
      .min(1, 'expected exactly one input tensor')
      .max(1, 'expected exactly one input tensor'),
    outputs: z
      .array(z.strictObject({ name: z.string(), parameters }))
      .max(ARRAY_LIMITS.outputs, `expected at most ${ARRAY_LIMITS.outputs} outputs`)
      .optional(),
  })
  .openapi('InferRequest');

export type InferRequest = z.infer<typeof InferRequestSchema>;

export const InferResponseSchema = z
  .object({
    model_name: z.string(),
    model_version: z.string(),
    id: z.string().optional(),
    outputs: z.array(
      z.object({
        name: z.string(),
        datatype: z.literal('FP32'),
        shape: z.array(z.number().int()),
        data: z.array(z.number()),
      }),
    ),
  })
  .openapi('InferResponse');

export type InferResponse = z.infer<typeof InferResponseSchema>;

/**
 * The Open Inference Protocol (KServe v2, Triton's HTTP/REST protocol) as served under
 * /v2: health, server and model metadata, model readiness and inference with a JSON
 * tensor. Field names follow the protocol (snake_case), not this API's own style;
 * each object carries the protocol's members, and a few marked as this server's own.
 */
import { z } from '@hono/zod-openapi';
import { ARRAY_LIMITS } from './limits.js';
import { WorkerVersionSchema } from './worker-version.js';

export const LiveSchema = z
  .object({ live: z.boolean().openapi({ description: 'Always true: a worker that answers is live.' }) })
  .openapi('ServerLive', { description: 'The protocol’s server live response.' });

export const ReadySchema = z
  .object({
    ready: z.boolean(),
    engine: z
      .enum(['compiled', 'ort'])
      .optional()
      .openapi({ description: 'This server’s own member: what runs the graph when ready, "compiled" (the project’s WebAssembly kernels) or "ort" (onnxruntime-web).' }),
    workerVersion: WorkerVersionSchema.optional().openapi({ description: 'This server’s own member: the Workers version that answered.' }),
  })
  .openapi('Ready', { description: 'The protocol’s server ready response.' });

export const ModelReadySchema = ReadySchema.extend({ name: z.string().openapi({ example: 'ltv' }) }).openapi('ModelReady', {
  description: 'The protocol’s model ready response: the model’s name and whether it can serve inference.',
});

export const ServerMetadataSchema = z
  .object({
    name: z.string().openapi({ example: 'ltv-edge' }),
    version: z.string().openapi({ description: 'The Workers version id serving the request, or "unknown" without the version metadata binding.' }),
    extensions: z.array(z.string()).openapi({ description: 'Protocol extensions supported: none (no binary tensor data, no classification, no model repository).', example: [] }),
  })
  .openapi('ServerMetadata', { description: 'The protocol’s server metadata response.' });

const modelName = z.string().openapi({ param: { name: 'model_name', in: 'path', description: 'The model’s name (GET /v1/model `name`), e.g. `ltv`.' }, example: 'ltv' });
const modelVersion = z.string().openapi({
  param: { name: 'model_version', in: 'path', description: 'The model’s version (GET /v1/model `version`, the X-Model-Version header); another answers 404.' },
  example: '29176df8f59d65f0',
});

export const ModelNameParamSchema = z.object({ model_name: modelName });
export const ModelVersionParamSchema = z.object({ model_name: modelName, model_version: modelVersion });

/** The protocol's `$parameters`: name → string, number or boolean. */
export const ParametersSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).openapi('Parameters', {
  description: 'Key/value parameters as the protocol defines them (values are strings, numbers or booleans). Unknown parameters are ignored, except those of unsupported extensions (docs/protocols.md).',
});

const TensorMetadataSchema = z
  .object({
    name: z.string(),
    datatype: z.literal('FP32'),
    shape: z.array(z.number().int()).openapi({ description: '-1 marks a variable dimension (the batch).', example: [-1, 29] }),
    parameters: z
      .object({ columns: z.array(z.string()) })
      .optional()
      .openapi({ description: 'This server’s own member, inputs only: the encoded column names in order (see GET /v1/model for the spec).' }),
  })
  .openapi('TensorMetadata');

export const ModelMetadataSchema = z
  .object({
    name: z.string(),
    versions: z.array(z.string()).openapi({ description: 'The one version served; it may be named in the …/versions/{model_version} paths.' }),
    platform: z.string().openapi({ description: 'The protocol’s platform name for an ONNX model.', example: 'onnx_onnxv1' }),
    inputs: z.array(TensorMetadataSchema),
    outputs: z.array(TensorMetadataSchema),
  })
  .openapi('ModelMetadata', { description: 'The protocol’s model metadata response.' });

export type ModelMetadata = z.infer<typeof ModelMetadataSchema>;

/** Values of an FP32 tensor; null marks a missing value (NaN in the tensor, imputed by the graph). */
const tensorValue: { type: ('number' | 'null')[] } = { type: ['number', 'null'] };

export const InferRequestSchema = z
  .strictObject({
    id: z.string().optional().openapi({ description: 'Echoed in the response.' }),
    parameters: ParametersSchema.optional(),
    inputs: z
      .array(
        z.strictObject({
          name: z.string(),
          shape: z
            .array(z.number().int().nonnegative())
            .max(ARRAY_LIMITS.shapeRank, `expected at most ${ARRAY_LIMITS.shapeRank} dimensions`)
            .openapi({ description: '[N, F]: N rows of the F encoded columns (GET /v2/models/{model_name}).', example: [1, 29] }),
          datatype: z.string().openapi({ description: 'Only FP32 is served.', example: 'FP32' }),
          parameters: ParametersSchema.optional(),
          // Checked element by element against `shape` by the handler, which lays the
          // values straight into the input tensor: zod would walk N×F elements for nothing.
          data: z.custom<unknown[]>(Array.isArray, { error: 'expected an array' }).openapi({
            // As the protocol's own schema has it: each element a value or an array (a row).
            type: 'array',
            items: { anyOf: [tensorValue, { type: 'array' as const, items: tensorValue }] },
            description: 'Row-major values, flat (N×F values) or nested by row (N arrays of F); null marks a missing value (NaN in the tensor, imputed as in training).',
          }),
        }),
      )
      // min and max rather than length(1): /openapi.json shows them as minItems and maxItems.
      .min(1, 'expected exactly one input tensor')
      .max(1, 'expected exactly one input tensor'),
    outputs: z
      .array(z.strictObject({ name: z.string(), parameters: ParametersSchema.optional() }))
      .max(ARRAY_LIMITS.outputs, `expected at most ${ARRAY_LIMITS.outputs} outputs`)
      .optional()
      .openapi({ description: 'The outputs to return; all of them when absent.' }),
  })
  .openapi('InferRequest', { description: 'The protocol’s inference request, with exactly one FP32 input tensor.' });

export type InferRequest = z.infer<typeof InferRequestSchema>;

export const InferResponseSchema = z
  .object({
    model_name: z.string(),
    model_version: z.string(),
    id: z.string().optional().openapi({ description: 'The request’s `id`, when it had one.' }),
    outputs: z.array(
      z.object({
        name: z.string(),
        datatype: z.literal('FP32'),
        shape: z.array(z.number().int()).openapi({ description: '[N, k]: a row per input row.', example: [1, 1] }),
        data: z.array(z.number()).openapi({ description: 'Row-major (flat) values, as JSON numbers.' }),
      }),
    ),
  })
  .openapi('InferResponse', { description: 'The protocol’s inference response: the requested output tensors, as JSON.' });

export type InferResponse = z.infer<typeof InferResponseSchema>;

/**
 * Open Inference Protocol (KServe v2, Triton's HTTP/REST protocol) routes, for the one
 * model served: server live, ready and metadata; model metadata, readiness and tensor
 * inference, each also under /versions/{model_version}. The model is served under its
 * manifest name (`ltv`) and version; another name or version is a 404, as the protocol
 * has it. What is and is not supported: docs/protocols.md.
 */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { readConfig } from '../config.js';
import { float32ForJson } from '../http/float32.js';
import { type FieldProblem, ProblemException, invalidRequest, jsonPointer } from '../http/problem.js';
import { protocolJsonBody } from '../http/protocol-body.js';
import { throwOnInvalid } from '../http/validation.js';
import { workerVersion } from '../http/worker-version.js';
import { outputColumns } from '../inference/engine.js';
import type { ModelState } from '../inference/model.js';
import {
  type InferRequest,
  type InferResponse,
  InferRequestSchema,
  InferResponseSchema,
  LiveSchema,
  ModelMetadataSchema,
  ModelNameParamSchema,
  ModelReadySchema,
  ModelVersionParamSchema,
  ReadySchema,
  ServerMetadataSchema,
} from '../schemas/oip.js';
import { TAGS } from '../schemas/openapi-document.js';
import { bearerSecurity, protocolProblems, publicRoute } from '../schemas/problem.js';
import { columnNames, encodedWidth } from '../spec/feature-spec.js';
import type { AppEnv } from '../types.js';
import { readInputTensor } from './oip-tensor.js';
import { predictTimed, readyModel, requireReadyModel } from './serving.js';

/** The model name when even ltv.json could not be read. */
const DEFAULT_MODEL_NAME = 'ltv';
/** The protocol's platform name for "an ONNX model encoded for ONNX Runtime"; the graph is run by this worker's engine. */
const PLATFORM = 'onnx_onnxv1';
const SERVER_NAME = 'ltv-edge';

const json = <S>(schema: S, description: string) => ({ description, content: { 'application/json': { schema } } });
const tags = [TAGS.protocol.name];
const VERSIONED = 'The same as without `/versions/{model_version}`, for the version named; another version answers 404.';

const serverLive = createRoute({
  method: 'get',
  path: '/v2/health/live',
  operationId: 'serverLive',
  tags,
  summary: 'Server live',
  description: 'Whether the server can receive and answer requests: a Kubernetes-style liveness probe.',
  security: publicRoute,
  responses: { 200: json(LiveSchema, 'Live.'), ...protocolProblems(429, 500) },
});

const serverReady = createRoute({
  method: 'get',
  path: '/v2/health/ready',
  operationId: 'serverReady',
  tags,
  summary: 'Server ready',
  description: 'Whether the model is loaded and can score: a readiness probe.',
  security: publicRoute,
  responses: { 200: json(ReadySchema, 'Ready.'), 503: json(ReadySchema, 'Not ready: the model failed to load.'), ...protocolProblems(429, 500) },
});

const serverMetadata = createRoute({
  method: 'get',
  path: '/v2',
  operationId: 'serverMetadata',
  tags,
  summary: 'Server metadata',
  description: 'The server’s name, version and the protocol extensions it supports (none).',
  security: publicRoute,
  responses: { 200: json(ServerMetadataSchema, 'The server.'), ...protocolProblems(429, 500) },
});

const modelReadyParts = {
  method: 'get',
  tags,
  summary: 'Model ready',
  security: publicRoute,
  responses: {
    200: json(ModelReadySchema, 'Ready.'),
    503: json(ModelReadySchema, 'Not ready: the model failed to load.'),
    ...protocolProblems(404, 429, 500),
  },
} as const;
const modelReady = createRoute({
  ...modelReadyParts,
  path: '/v2/models/{model_name}/ready',
  operationId: 'modelReady',
  description: 'Whether the named model can serve inference.',
  request: { params: ModelNameParamSchema },
});
const modelVersionReady = createRoute({
  ...modelReadyParts,
  path: '/v2/models/{model_name}/versions/{model_version}/ready',
  operationId: 'modelVersionReady',
  description: VERSIONED,
  request: { params: ModelVersionParamSchema },
});

const modelMetadataParts = {
  method: 'get',
  tags,
  summary: 'Model metadata',
  security: bearerSecurity,
  responses: { 200: json(ModelMetadataSchema, 'The model’s versions, platform and tensors.'), ...protocolProblems(401, 404, 429, 500, 503) },
} as const;
const modelMetadata = createRoute({
  ...modelMetadataParts,
  path: '/v2/models/{model_name}',
  operationId: 'modelMetadata',
  description: 'The model’s input tensor (FP32 [N, F], with its encoded columns in order) and output tensors.',
  request: { params: ModelNameParamSchema },
});
const modelVersionMetadata = createRoute({
  ...modelMetadataParts,
  path: '/v2/models/{model_name}/versions/{model_version}',
  operationId: 'modelVersionMetadata',
  description: VERSIONED,
  request: { params: ModelVersionParamSchema },
});

const inferParts = (state: ModelState) =>
  ({
    method: 'post' as const,
    tags,
    summary: 'Inference',
    security: bearerSecurity,
    middleware: [requireReadyModel(state), protocolJsonBody()],
    responses: {
      200: json(InferResponseSchema, 'The requested output tensors (all of them by default: ltv, and for a ZILN model p_purchase, mu, sigma), a row per input row.'),
      ...protocolProblems(400, 401, 404, 413, 415, 429, 500, 503),
    },
  });
const body = { required: true, content: { 'application/json': { schema: InferRequestSchema } } };
const modelInfer = (state: ModelState) =>
  createRoute({
    ...inferParts(state),
    path: '/v2/models/{model_name}/infer',
    operationId: 'modelInfer',
    description: 'Inference on one FP32 [N, F] tensor of encoded features (GET /v2/models/{model_name} names its columns); JSON tensor data only.',
    request: { params: ModelNameParamSchema, body },
  });
const modelVersionInfer = (state: ModelState) =>
  createRoute({
    ...inferParts(state),
    path: '/v2/models/{model_name}/versions/{model_version}/infer',
    operationId: 'modelVersionInfer',
    description: VERSIONED,
    request: { params: ModelVersionParamSchema, body },
  });

/** The model a request names, by `model_name` and, on the versioned paths, `model_version`. */
interface ModelParams {
  model_name: string;
  model_version?: string;
}

export function oipRoutes(state: ModelState): OpenAPIHono<AppEnv> {
  const name = state.manifest?.name ?? DEFAULT_MODEL_NAME;
  const quoted = (text: string) => JSON.stringify(text.slice(0, 100));
  /** 404 for another model or another version (the version is checked when ltv.json could be read). */
  const checkModel = ({ model_name, model_version }: ModelParams) => {
    if (model_name !== name) {
      throw new ProblemException(404, { detail: `No model named ${quoted(model_name)}; this server serves "${name}".` });
    }
    const version = state.manifest?.version;
    if (model_version !== undefined && version !== undefined && model_version !== version) {
      throw new ProblemException(404, { detail: `No version ${quoted(model_version)} of model "${name}"; this server serves version "${version}".` });
    }
  };
  // The Workers version rides along, so a health probe during a gradual deployment says which version answered.
  const versionOf = (c: Context<AppEnv>) => {
    const version = workerVersion(c.env);
    return version === undefined ? {} : { workerVersion: version };
  };
  const readiness = (c: Context<AppEnv>) =>
    state.ready ? c.json({ ready: true, engine: state.model.engine, ...versionOf(c) }, 200) : c.json({ ready: false, ...versionOf(c) }, 503);
  const modelReadiness = (c: Context<AppEnv>, params: ModelParams) => {
    checkModel(params);
    return state.ready
      ? c.json({ name, ready: true, engine: state.model.engine, ...versionOf(c) }, 200)
      : c.json({ name, ready: false, ...versionOf(c) }, 503);
  };
  const metadata = (c: Context<AppEnv>, params: ModelParams) => {
    checkModel(params);
    // Metadata needs ltv.json only; were that unreadable, readyModel answers 503.
    const { spec, version } = state.manifest ?? readyModel(state).manifest;
    return c.json(
      {
        name,
        versions: [version],
        platform: PLATFORM,
        inputs: [{ name: spec.io.input, datatype: 'FP32' as const, shape: [-1, encodedWidth(spec)], parameters: { columns: columnNames(spec) } }],
        outputs: spec.io.outputs.map((output) => ({ name: output, datatype: 'FP32' as const, shape: [-1, outputColumns(spec.io, output)] })),
      },
      200,
    );
  };
  const infer = async (c: Context<AppEnv>, params: ModelParams, request: InferRequest) => {
    checkModel(params);
    const model = readyModel(state);
    const { io } = model.manifest.spec;
    const unsupported = unsupportedOutputs(request, io.outputs);
    if (unsupported.length > 0) throw invalidRequest(unsupported, 'Invalid outputs');
    const { rows, count } = readInputTensor(request.inputs[0]!, { name: io.input, width: model.width, maxBatch: readConfig(c.env).maxBatch });

    const outputs = await predictTimed(c, model, rows, count);
    // The protocol's `outputs` selects tensors; without it, every output of the graph.
    const requested = request.outputs === undefined ? io.outputs : io.outputs.filter((n) => request.outputs!.some((o) => o.name === n));
    const response: InferResponse = {
      model_name: name,
      model_version: model.manifest.version,
      ...(request.id === undefined ? {} : { id: request.id }),
      outputs: requested.map((output) => ({
        name: output,
        datatype: 'FP32' as const,
        shape: [count, outputColumns(io, output)],
        data: Array.from(outputs[output]!, float32ForJson),
      })),
    };
    return c.json(response, 200);
  };

  return new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid })
    .openapi(serverLive, (c) => c.json({ live: true }, 200))
    .openapi(serverReady, (c) => readiness(c))
    .openapi(serverMetadata, (c) => c.json({ name: SERVER_NAME, version: workerVersion(c.env)?.id ?? 'unknown', extensions: [] }, 200))
    .openapi(modelReady, (c) => modelReadiness(c, c.req.valid('param')))
    .openapi(modelVersionReady, (c) => modelReadiness(c, c.req.valid('param')))
    .openapi(modelMetadata, (c) => metadata(c, c.req.valid('param')))
    .openapi(modelVersionMetadata, (c) => metadata(c, c.req.valid('param')))
    .openapi(modelInfer(state), (c) => infer(c, c.req.valid('param'), c.req.valid('json')))
    .openapi(modelVersionInfer(state), (c) => infer(c, c.req.valid('param'), c.req.valid('json')));
}

/**
 * Requested outputs this server cannot give: names the graph does not have, and the
 * classification extension (class labels instead of values), which it does not support.
 * `binary_data` is not refused: the tensor comes back as JSON `data`, which the clients
 * that ask for binary read as well (an output without `binary_data_size` is JSON).
 */
function unsupportedOutputs(request: InferRequest, known: readonly string[]): FieldProblem[] {
  return (request.outputs ?? []).flatMap((output, k) => [
    ...(known.includes(output.name)
      ? []
      : [{ pointer: jsonPointer(['outputs', k, 'name']), detail: `unknown output; the model outputs ${known.map((n) => `"${n}"`).join(', ')}` }]),
    ...(output.parameters?.classification === undefined
      ? []
      : [{ pointer: jsonPointer(['outputs', k, 'parameters', 'classification']), detail: 'the classification extension is not supported; the outputs are values' }]),
  ]);
}

/**
 * Open Inference Protocol (KServe v2) routes: health, model metadata and tensor
 * inference. The model is served under its manifest name (`ltv`); another name is
 * a 404, as the protocol has it.
 */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { readConfig } from '../config.js';
import { float32ForJson } from '../http/float32.js';
import { jsonBody } from '../http/json-body.js';
import { ProblemException, invalidRequest, jsonPointer } from '../http/problem.js';
import { throwOnInvalid } from '../http/validation.js';
import type { ModelState } from '../inference/model.js';
import { type InferResponse, InferRequestSchema, InferResponseSchema, LiveSchema, ModelMetadataSchema, ModelNameParamSchema, ReadySchema } from '../schemas/oip.js';
import { bearerSecurity, problems } from '../schemas/problem.js';
import { columnNames, encodedWidth } from '../spec/feature-spec.js';
import type { AppEnv } from '../types.js';
import { readInputTensor } from './oip-tensor.js';
import { workerVersion } from '../http/worker-version.js';
import { predictTimed, readyModel, requireReadyModel } from './serving.js';

/** The model name when even ltv.json could not be read. */
const DEFAULT_MODEL_NAME = 'ltv';

const json = <S>(schema: S, description: string) => ({ description, content: { 'application/json': { schema } } });

const live = createRoute({
  method: 'get',
  path: '/v2/health/live',
  summary: 'Liveness: the worker answers',
  responses: { 200: json(LiveSchema, 'Live.'), ...problems(429) },
});

const ready = createRoute({
  method: 'get',
  path: '/v2/health/ready',
  summary: 'Readiness: the model is loaded and can score',
  responses: { 200: json(ReadySchema, 'Ready.'), 503: json(ReadySchema, 'Not ready: the model failed to load.'), ...problems(429) },
});

const modelReady = createRoute({
  method: 'get',
  path: '/v2/models/{model_name}/ready',
  summary: 'Readiness of one model',
  request: { params: ModelNameParamSchema },
  responses: { 200: json(ReadySchema, 'Ready.'), 503: json(ReadySchema, 'Not ready.'), ...problems(404, 429) },
});

const metadata = createRoute({
  method: 'get',
  path: '/v2/models/{model_name}',
  summary: 'Model metadata: input and output tensors',
  security: bearerSecurity,
  request: { params: ModelNameParamSchema },
  responses: { 200: json(ModelMetadataSchema, 'The model’s tensors.'), ...problems(401, 404, 429, 503) },
});

const inferRoute = (state: ModelState) =>
  createRoute({
  method: 'post',
  path: '/v2/models/{model_name}/infer',
  summary: 'Inference on an FP32 [N, F] tensor of encoded features',
  security: bearerSecurity,
  middleware: [requireReadyModel(state), jsonBody()] as const,
  request: {
    params: ModelNameParamSchema,
    body: { required: true, content: { 'application/json': { schema: InferRequestSchema } } },
  },
  responses: { 200: json(InferResponseSchema, 'The requested output tensors (all of them by default: ltv, and for a ZILN model p_purchase, mu, sigma), [N, 1] each.'), ...problems(400, 401, 404, 413, 415, 429, 503) },
  });

export function oipRoutes(state: ModelState): OpenAPIHono<AppEnv> {
  const name = state.manifest?.name ?? DEFAULT_MODEL_NAME;
  const checkName = (requested: string) => {
    if (requested !== name) {
      throw new ProblemException(404, { detail: `No model named ${JSON.stringify(requested.slice(0, 100))}; this server serves "${name}".` });
    }
  };
  // The Workers version rides along, so a health probe during a gradual deployment says which version answered.
  const readiness = (c: Context) => {
    const version = workerVersion(c.env as Partial<Env>);
    const body = version === undefined ? {} : { workerVersion: version };
    return state.ready ? c.json({ ready: true, engine: state.model.engine, ...body }, 200) : c.json({ ready: false, ...body }, 503);
  };

  return new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid })
    .openapi(live, (c) => c.json({ live: true }, 200))
    .openapi(ready, (c) => readiness(c))
    .openapi(modelReady, (c) => {
      checkName(c.req.valid('param').model_name);
      return readiness(c);
    })
    .openapi(metadata, (c) => {
      checkName(c.req.valid('param').model_name);
      // Metadata needs ltv.json only; were that unreadable, readyModel answers 503.
      const { spec, version } = state.manifest ?? readyModel(state).manifest;
      const tensor = (tensorName: string, columns: number) => ({ name: tensorName, datatype: 'FP32' as const, shape: [-1, columns] });
      return c.json(
        {
          name,
          versions: [version],
          platform: 'onnxruntime_onnx',
          inputs: [{ ...tensor(spec.io.input, encodedWidth(spec)), parameters: { columns: columnNames(spec) } }],
          outputs: spec.io.outputs.map((output) => tensor(output, 1)),
        },
        200,
      );
    })
    .openapi(inferRoute(state), async (c) => {
      checkName(c.req.valid('param').model_name);
      const model = readyModel(state);
      const body = c.req.valid('json');
      const known = model.manifest.spec.io.outputs;
      const unknownOutputs = (body.outputs ?? []).flatMap((output, k) =>
        known.includes(output.name)
          ? []
          : [{ pointer: jsonPointer(['outputs', k, 'name']), detail: `unknown output; the model outputs ${known.map((n) => `"${n}"`).join(', ')}` }],
      );
      if (unknownOutputs.length > 0) throw invalidRequest(unknownOutputs, 'Invalid outputs');
      const { rows, count } = readInputTensor(body.inputs[0]!, {
        name: model.manifest.spec.io.input,
        width: model.width,
        maxBatch: readConfig(c.env).maxBatch,
      });

      const outputs = await predictTimed(c, model, rows, count);
      // The protocol's `outputs` selects tensors; without it, every output of the graph.
      const requested = body.outputs === undefined ? known : known.filter((n) => body.outputs!.some((o) => o.name === n));
      const response: InferResponse = {
        model_name: name,
        model_version: model.manifest.version,
        ...(body.id === undefined ? {} : { id: body.id }),
        outputs: requested.map((output) => ({ name: output, datatype: 'FP32' as const, shape: [count, 1], data: Array.from(outputs[output]!, float32ForJson) })),
      };
      return c.json(response, 200);
    });
}

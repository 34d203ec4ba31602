/**
 * GET /v1/model: the served model's manifest (feature spec, version, training
 * metrics) plus the encoded columns and this deployment's limits: everything a
 * caller needs to build requests; and, for operators, the isolate's WebAssembly memory.
 */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { readConfig } from '../config.js';
import { workerVersion } from '../http/worker-version.js';
import { throwOnInvalid } from '../http/validation.js';
import type { ModelState } from '../inference/model.js';
import { ModelInfoSchema } from '../schemas/model.js';
import { TAGS } from '../schemas/openapi-document.js';
import { bearerSecurity, problems } from '../schemas/problem.js';
import { columnNames } from '../spec/feature-spec.js';
import type { AppEnv } from '../types.js';
import { readyModel } from './serving.js';

const route = createRoute({
  method: 'get',
  path: '/v1/model',
  operationId: 'getModel',
  tags: [TAGS.model.name],
  summary: 'The model: feature spec, version, training metrics, limits',
  description: 'The served model’s manifest (feature spec, version, training metrics), its encoded input columns, this deployment’s limits, and for operators the isolate’s WebAssembly memory.',
  security: bearerSecurity,
  responses: {
    200: { description: 'The model’s manifest and this deployment’s limits.', content: { 'application/json': { schema: ModelInfoSchema } } },
    ...problems(401, 429, 500, 503),
  },
});

export function modelRoutes(state: ModelState): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid }).openapi(route, (c) => {
    // The manifest is enough to describe the model; without it, readyModel answers 503.
    const manifest = state.manifest ?? readyModel(state).manifest;
    const { maxBatch, maxBodyBytes } = readConfig(c.env);
    const { format: _format, onnxSha256: _onnxSha256, trainingData, ...described } = manifest;
    const version = workerVersion(c.env);
    const wasm = state.ready ? state.model.memoryBytes() : undefined;
    return c.json(
      {
        ...described,
        trainingData: { ...trainingData, source: fileName(trainingData.source) },
        inputColumns: columnNames(manifest.spec),
        ...(state.ready ? { engine: state.model.engine } : {}),
        limits: { maxBatch, maxBodyBytes },
        ...(wasm === undefined ? {} : { runtime: { wasmMemoryBytes: wasm } }),
        ...(version === undefined ? {} : { workerVersion: version }),
      },
      200,
    );
  });
}

/**
 * The file name of the training data, without its directory: the path is where the
 * trainer's machine kept it (`/home/…/customers.csv`), of no use to a caller and not
 * theirs to know. ltv.json keeps the path, which `npm run promote` reads by default.
 */
function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

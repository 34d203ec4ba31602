/**
 * The app floor: the worker of src/index.ts with a constant in place of the model engine,
 * so that `npm run bench:startup` can tell the app's own start-up (bundle evaluation, the
 * routes and their schemas, the request-path warm-up) from the engine's. Never deployed:
 * it is bundled with the real wrangler.toml (`wrangler deploy --dry-run` with this file as
 * the entry), so the rules, assets and bindings are the shipped ones.
 *
 * What stays as in src/index.ts: the manifest and its check against the ONNX bytes (the
 * model files are the app's, whatever engine reads them), the shared Encoder, createApp,
 * warmUpRequestPath. What goes: src/inference/'s engine (no session, no warm-up runs);
 * every prediction is 0.
 */
import manifestJson from '../../../../model/ltv.json';
import onnx from '../../../../model/ltv.onnx';
import { createApp } from '../../../../src/app.js';
import type { LoadedModel, ModelOutputs, ModelState } from '../../../../src/inference/model.js';
import { warmUpRequestPath } from '../../../../src/inference/warm-up.js';
import { Encoder } from '../../../../src/spec/encode.js';
import { columnNames } from '../../../../src/spec/feature-spec.js';
import { parseManifest } from '../../../../src/spec/manifest.js';

async function constantModel(): Promise<ModelState> {
  const manifest = parseManifest(manifestJson);
  const digest = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', onnx)), (b) => b.toString(16).padStart(2, '0')).join('');
  if (digest !== manifest.onnxSha256) return { ready: false, reason: 'ltv.onnx does not match ltv.json', manifest };
  const encoder = new Encoder(manifest.spec);
  const outputs = (count: number): ModelOutputs => Object.fromEntries(manifest.spec.io.outputs.map((name) => [name, new Float32Array(count)]));
  const model: LoadedModel = {
    manifest,
    encoder,
    width: encoder.width,
    columns: columnNames(manifest.spec),
    // Stands in for the compiled engine, which the shipped worker uses for this model.
    engine: 'compiled',
    predict: async (_rows, count) => new Float32Array(count),
    predictOutputs: async (_rows, count) => outputs(count),
    outputColumns: () => 1,
    memoryBytes: () => undefined,
  };
  return { ready: true, model, manifest };
}

const state = await constantModel();
const app = createApp(state);
await warmUpRequestPath(app, state.manifest, state.ready ? state.model.width : 0);

export default app satisfies ExportedHandler<Env>;

/**
 * The model the batch scorer runs, loaded by the worker's own code: the adapter
 * between the batch scorer and src/inference, and the one file that knows how.
 *
 * That is `loadModel` (src/inference/model.ts), as the worker calls it: the manifest
 * and the ONNX bytes checked against each other, the shared Encoder, the engine
 * chosen by src/inference/choose.ts (the compiled engine, the project's WebAssembly
 * kernels, for a graph in its subset; onnxruntime-web for any other), the graph's
 * signature checked against the spec, every output checked finite. In Node the
 * worker's imports (its .wasm modules, `cloudflare:workers`) are served as wrangler
 * and workerd serve them (./worker-imports.ts), so the code and the WebAssembly
 * bytes that run are the worker's.
 *
 * BUNDLE_ORT: a worker build carries onnxruntime-web only when it defines
 * BUNDLE_ORT (src/inference/ort/load.ts). Node is not a bundle and has ORT installed
 * anyway, so the scorer defines it, as a global, the way `--define BUNDLE_ORT:true`
 * does for a build: a graph outside the compiled subset is still scored (`auto`).
 *
 * src/inference/model.ts is typed for workerd (its Env, its WebAssembly module
 * imports), so it is imported here by a path the Node type check does not follow,
 * and typed by the slice of it used below; a drift fails the scorer's tests at their
 * first call.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GraphOutputs } from '../../src/head/answers.js';
import { ENGINE_KINDS, type EngineChoice, type EngineKind } from '../../src/inference/engine.js';
import { Encoder } from '../../src/spec/encode.js';
import type { ModelManifest } from '../../src/spec/manifest.js';
import { useWorkerImports } from './worker-imports.js';

export { type EngineChoice };
/** What `--engine` may name: `auto` (the worker's default) or one engine. */
export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', ...ENGINE_KINDS];

/** What the batch scorer needs of a model. */
export interface ScoringModel {
  readonly manifest: ModelManifest;
  /** The shared encoder for this model's spec. */
  readonly encoder: Encoder;
  /** Encoded columns per row. */
  readonly width: number;
  /** The engine that runs the graph: `compiled` or `ort`. */
  readonly engine: EngineKind;
  /** Every graph output for `count` encoded rows (row-major, NaN = missing), by name; all finite, or it throws. */
  run(rows: Float32Array, count: number): Promise<GraphOutputs>;
}

/** A model directory that cannot score: missing files, or the worker would refuse it too. */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

/** The slice of src/inference/model.ts used here. */
interface InferenceModule {
  loadModel(files: { onnx: Uint8Array; manifest: unknown }, options: { engine: EngineChoice; warmUpRuns: number }): Promise<
    | { ready: true; model: { manifest: ModelManifest; encoder: Encoder; width: number; engine: EngineKind; predictOutputs(rows: Float32Array, count: number): Promise<GraphOutputs> } }
    | { ready: false; reason: string }
  >;
}

const INFERENCE_MODULE = '../../src/inference/model.js';

/**
 * Loads `dir` (ltv.json and ltv.onnx) as the worker would, on the engine `choice`
 * picks (default `auto`, as the worker's ENGINE), or throws ModelLoadError with the reason.
 */
export async function openScoringModel(dir: string, choice: EngineChoice = 'auto'): Promise<ScoringModel> {
  const [json, onnx] = await Promise.all([readModelFile(dir, 'ltv.json'), readModelFile(dir, 'ltv.onnx')]);
  let manifest: unknown;
  try {
    manifest = JSON.parse(json.toString('utf8'));
  } catch (error) {
    throw new ModelLoadError(`${join(dir, 'ltv.json')}: not JSON (${(error as Error).message})`);
  }
  useWorkerImports();
  (globalThis as { BUNDLE_ORT?: boolean }).BUNDLE_ORT = true;
  const { loadModel } = (await import(INFERENCE_MODULE)) as InferenceModule;
  // One warm-up run: the readiness check. ORT's other warm-up runs in the worker are for its first request.
  // A plain Uint8Array over the file's bytes, as workerd hands the worker its model: a Node
  // Buffer's slice() is a view, not the copy the compiled engine's reader expects.
  const bytes = new Uint8Array(onnx.buffer, onnx.byteOffset, onnx.byteLength);
  const state = await loadModel({ onnx: bytes, manifest }, { engine: choice, warmUpRuns: 1 });
  if (!state.ready) throw new ModelLoadError(`${dir}: the model cannot score: ${state.reason}`);
  const { model } = state;
  return {
    manifest: model.manifest,
    encoder: model.encoder,
    width: model.width,
    engine: model.engine,
    run: (rows, count) => model.predictOutputs(rows, count),
  };
}

async function readModelFile(dir: string, name: string): Promise<Buffer> {
  try {
    return await readFile(join(dir, name));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelLoadError(`${join(dir, name)}: ${code === 'ENOENT' ? 'no such file (--model names a directory written by npm run train)' : `cannot read it (${code ?? 'unknown error'})`}`);
  }
}

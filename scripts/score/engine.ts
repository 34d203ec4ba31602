/**
 * The model the batch scorer runs, loaded by the worker's own code: the adapter
 * between the batch scorer and src/inference, and the one file that knows how.
 *
 * Today that is `loadModel` (src/inference/model.ts): the manifest and the ONNX
 * bytes checked against each other, the shared Encoder, and onnxruntime-web's
 * WebAssembly run by LtvSession, exactly as the worker loads them; in Node, ORT's
 * .wasm import is served as wrangler serves it (./worker-imports.ts). When
 * src/inference offers "the engine for this model", only this file changes.
 *
 * src/inference is typed for workerd (its Env, its WebAssembly module imports), so
 * it is imported here by a path the Node type check does not follow, and typed by
 * the slice of it used below; a drift fails the scorer's tests at their first call.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GraphOutputs } from '../../src/head/answers.js';
import { Encoder } from '../../src/spec/encode.js';
import type { ModelManifest } from '../../src/spec/manifest.js';
import { useCompiledWasmImports } from './worker-imports.js';

/** What the batch scorer needs of a model. */
export interface ScoringModel {
  readonly manifest: ModelManifest;
  /** The shared encoder for this model's spec. */
  readonly encoder: Encoder;
  /** Encoded columns per row. */
  readonly width: number;
  /** The engine that runs the graph, for summaries and benchmarks. */
  readonly engine: string;
  /** Every graph output for `count` encoded rows (row-major, NaN = missing), by name; all finite, or it throws. */
  run(rows: Float32Array, count: number): Promise<GraphOutputs>;
}

/** A model directory that cannot score: missing files, or the worker would refuse it too. */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

/** The slice of src/inference/model.ts used here. */
interface InferenceModule {
  loadModel(files: { onnx: Uint8Array; manifest: unknown }, options: { warmUpRuns: number }): Promise<
    | { ready: true; model: { manifest: ModelManifest; encoder: Encoder; width: number; predictOutputs(rows: Float32Array, count: number): Promise<GraphOutputs> } }
    | { ready: false; reason: string }
  >;
}

const INFERENCE_MODULE = '../../src/inference/model.js';

/** Loads `dir` (ltv.json and ltv.onnx) as the worker would, or throws ModelLoadError with the reason. */
export async function openScoringModel(dir: string): Promise<ScoringModel> {
  const [json, onnx] = await Promise.all([readModelFile(dir, 'ltv.json'), readModelFile(dir, 'ltv.onnx')]);
  let manifest: unknown;
  try {
    manifest = JSON.parse(json.toString('utf8'));
  } catch (error) {
    throw new ModelLoadError(`${join(dir, 'ltv.json')}: not JSON (${(error as Error).message})`);
  }
  useCompiledWasmImports();
  const { loadModel } = (await import(INFERENCE_MODULE)) as InferenceModule;
  // One warm-up run: the readiness check. The worker's other warm-up runs are for its first request.
  const state = await loadModel({ onnx, manifest }, { warmUpRuns: 1 });
  if (!state.ready) throw new ModelLoadError(`${dir}: the model cannot score: ${state.reason}`);
  const { model } = state;
  return {
    manifest: model.manifest,
    encoder: model.encoder,
    width: model.width,
    engine: 'onnxruntime-web (WebAssembly, 1 thread)',
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

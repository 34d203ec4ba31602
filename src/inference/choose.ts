/**
 * The engine for a model: the compiled engine when the graph is in its subset, else
 * onnxruntime-web if this build carries it (./ort/load.ts); ENGINE forces either.
 * Decided once per isolate, at load; the refusal that sent a graph to ORT is kept
 * for the log.
 */
import kernels from './compiled/kernels.wasm';
import { CompiledEngine } from './compiled/engine.js';
import { UnsupportedGraphError } from './compiled/plan.js';
import type { Engine, EngineChoice } from './engine.js';
import { createOrtEngine } from './ort/load.js';

export interface ChosenEngine {
  engine: Engine;
  /** Why the compiled engine does not serve this graph, when ORT serves it under `auto`. */
  refused?: string;
}

const NO_ORT = 'onnxruntime-web, which runs any graph, is not in this build (deploy with --define BUNDLE_ORT:true to include it)';

export async function chooseEngine(onnx: Uint8Array, choice: EngineChoice): Promise<ChosenEngine> {
  if (choice === 'ort') return { engine: (await createOrtEngine(onnx)) ?? fail(`ENGINE is "ort", but ${NO_ORT}`) };
  try {
    return { engine: CompiledEngine.create(onnx, kernels) };
  } catch (error) {
    if (choice === 'compiled' || !(error instanceof UnsupportedGraphError)) throw error;
    const ort = await createOrtEngine(onnx);
    if (ort === undefined) throw new UnsupportedGraphError(error.node, error.opType, `${error.message.replace(/^node "[^"]*" \([^)]*\): /, '')}; ${NO_ORT}`);
    return { engine: ort, refused: error.message };
  }
}

function fail(message: string): never {
  throw new Error(message);
}

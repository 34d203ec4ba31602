/**
 * onnxruntime-web, configured for workerd: the WebAssembly CPU backend, one
 * thread, no proxy worker, its WebAssembly bundled by wrangler (see ./wasm-hook.ts).
 *
 * `onnxruntime-web/wasm` resolves to dist/ort.wasm.bundle.min.mjs, the build that
 * embeds the emscripten glue: workerd can neither fetch nor dynamically import it.
 * Nothing is configured at import time; `createOrtSession` sets ORT's flags right
 * before the first session, the moment they are read.
 */
import * as ort from 'onnxruntime-web/wasm';
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm';
import { PLACEHOLDER, withPrecompiledWasm } from './wasm-hook.js';

export { ort };

/** ORT instantiates its WebAssembly once per isolate, during the first session. */
let instantiated = false;

const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  executionProviders: ['wasm'],
  graphOptimizationLevel: 'all',
  // ORT's own log goes to the console; its errors reach us as exceptions anyway.
  logSeverityLevel: 3,
};

/** Whether ORT's WebAssembly was instantiated through the hook in this isolate (for the workerd tests). */
export function instantiatedThroughHook(): boolean {
  return instantiated;
}

/** Creates a session for the ONNX bytes `model`; the first call also starts ORT's WebAssembly. */
export async function createOrtSession(model: Uint8Array): Promise<ort.InferenceSession> {
  if (instantiated) return ort.InferenceSession.create(model, SESSION_OPTIONS);
  // No threads to spare in a Worker (nor Web Workers to run them): one thread, in this isolate.
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmBinary = PLACEHOLDER;
  return withPrecompiledWasm(ortWasm, () => ort.InferenceSession.create(model, SESSION_OPTIONS), () => {
    instantiated = true;
  });
}

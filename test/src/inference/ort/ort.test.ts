/**
 * onnxruntime-web in workerd (the workers-ort project only): the loader hook and the
 * ORT engine, with the real bundled files. If an onnxruntime-web upgrade changes how
 * ORT loads its WebAssembly, the first test fails with the reason (and an ORT build's
 * start-up fails with it).
 */
import { describe, expect, it, vi } from 'vitest';
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm';
import manifestJson from '../../../../model/ltv.json';
import onnx from '../../../../model/ltv.onnx';
import { type ModelState, loadModel } from '../../../../src/inference/model.js';
import { OrtEngine } from '../../../../src/inference/ort/engine.js';
import { ortInBundle } from '../../../../src/inference/ort/load.js';
import { instantiatedThroughHook } from '../../../../src/inference/ort/ort.js';
import { HookError, PLACEHOLDER, withPrecompiledWasm } from '../../../../src/inference/ort/wasm-hook.js';
import { expectConcurrentAsSequential } from '../concurrent.js';

function reasonOf(state: ModelState): string {
  return state.ready ? 'ready' : state.reason;
}

describe('loading onnxruntime-web in workerd', () => {
  it('is in this build (BUNDLE_ORT), starts through the precompiled-module hook and serves the bundled model', async () => {
    expect(ortInBundle()).toBe(true);
    const state = await loadModel({ onnx, manifest: manifestJson }, { engine: 'ort', warmUpRuns: 1 });
    expect(reasonOf(state)).toBe('ready');
    expect(state.ready && state.model.engine).toBe('ort');
    // Whichever load came first in this isolate (this one or the worker's start-up) went through the hook.
    expect(instantiatedThroughHook()).toBe(true);
  });

  it('needs the hook: workerd refuses to compile WebAssembly from bytes, and the original instantiate is back', async () => {
    await expect(WebAssembly.instantiate(PLACEHOLDER)).rejects.toThrow(/disallowed/i);
  });

  it('has the shared WebAssembly memory the threaded ORT build imports', () => {
    expect(WebAssembly.Module.imports(ortWasm).map((i) => i.kind)).toContain('memory');
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('reports a HookError, and restores instantiate, when ORT does not come through the placeholder', async () => {
    const original = WebAssembly.instantiate;
    await expect(withPrecompiledWasm(ortWasm, async () => 'initialised some other way')).rejects.toThrow(HookError);
    await expect(withPrecompiledWasm(ortWasm, () => WebAssembly.instantiate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 0])))).rejects.toThrow(HookError);
    expect(WebAssembly.instantiate).toBe(original);
  });

  it('runs the graph WARM_UP_RUNS times at load when ORT serves (3000 by default), at least once', async () => {
    const runs = vi.spyOn(OrtEngine.prototype, 'run');
    try {
      for (const [options, expected] of [[{}, 3000], [{ warmUpRuns: 10 }, 10], [{ warmUpRuns: 0 }, 1]] as const) {
        runs.mockClear();
        expect((await loadModel({ onnx, manifest: manifestJson }, { ...options, engine: 'ort' })).ready).toBe(true);
        expect(runs, JSON.stringify(options)).toHaveBeenCalledTimes(expected);
      }
    } finally {
      runs.mockRestore();
    }
  });

  it('runs concurrent predictions one at a time, each with its own result', async () => {
    const state = await loadModel({ onnx, manifest: manifestJson }, { engine: 'ort', warmUpRuns: 1 });
    if (!state.ready) throw new Error(state.reason);
    await expectConcurrentAsSequential(state.model);
  });
});

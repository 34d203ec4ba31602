/**
 * ORT in workerd: the loader hook and the model loader, with the real bundled
 * files. If an onnxruntime-web upgrade changes how ORT loads its WebAssembly, the
 * first test fails with the reason (and the worker's own start-up fails with it).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm';
import manifestJson from '../../model/ltv.json';
import onnx from '../../model/ltv.onnx';
import { type ModelState, loadModel } from '../../src/inference/model.js';
import { instantiatedThroughHook } from '../../src/inference/ort/ort.js';
import { LtvSession } from '../../src/inference/ort/session.js';
import { HookError, PLACEHOLDER, withPrecompiledWasm } from '../../src/inference/ort/wasm-hook.js';
import { parseManifest } from '../../src/spec/manifest.js';

const manifest = parseManifest(manifestJson);
const clone = () => structuredClone(manifest);

function reasonOf(state: ModelState): string {
  return state.ready ? 'ready' : state.reason;
}

describe('loading onnxruntime-web in workerd', () => {
  it('starts ORT through the precompiled-module hook and serves the bundled model', async () => {
    const state = await loadModel({ onnx, manifest: manifestJson });
    expect(reasonOf(state)).toBe('ready');
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

  it('runs the graph WARM_UP_RUNS times at load (3000 by default), at least once', async () => {
    const runs = vi.spyOn(LtvSession.prototype, 'run');
    try {
      for (const [options, expected] of [[{}, 3000], [{ warmUpRuns: 10 }, 10], [{ warmUpRuns: 0 }, 1]] as const) {
        runs.mockClear();
        expect((await loadModel({ onnx, manifest: manifestJson }, options)).ready).toBe(true);
        expect(runs, JSON.stringify(options)).toHaveBeenCalledTimes(expected);
      }
    } finally {
      runs.mockRestore();
    }
  });

  it('runs concurrent predictions one at a time, each with its own result', async () => {
    const state = await loadModel({ onnx, manifest: manifestJson });
    if (!state.ready) throw new Error(state.reason);
    const { model } = state;
    const rows = Array.from({ length: 8 }, (_, k) => new Float32Array(model.width).fill(k - 3));
    const sequential: number[] = [];
    for (const row of rows) sequential.push((await model.predict(row, 1))[0]!);
    const concurrent = await Promise.all(rows.map(async (row) => (await model.predict(row, 1))[0]!));
    expect(concurrent).toEqual(sequential);
  });
});

describe('loading a model that cannot serve', () => {
  let logged: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    logged = vi.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterEach(() => {
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('"event":"model_not_ready"'));
    vi.restoreAllMocks();
  });

  it('is not ready, with the JSON path, when ltv.json is invalid', async () => {
    const broken = { ...clone(), spec: { ...clone().spec, features: [] } };
    expect(reasonOf(await loadModel({ onnx, manifest: broken }))).toMatch(/\/spec\/features/);
  });

  it('is not ready when ltv.onnx is not the file ltv.json names', async () => {
    const other = new Uint8Array(onnx.byteLength);
    other.set(new Uint8Array(onnx));
    other[other.length - 1]! ^= 0xff;
    expect(reasonOf(await loadModel({ onnx: other, manifest: manifestJson }))).toMatch(/SHA-256/);
  });

  it('is not ready when the graph does not read the spec’s input', async () => {
    const renamed = clone();
    renamed.spec.io.input = 'not_the_input';
    expect(reasonOf(await loadModel({ onnx, manifest: renamed }))).toMatch(/GraphMismatchError/);
  });

  it('is not ready when the bytes are not an ONNX model', async () => {
    const garbage = new TextEncoder().encode('not an onnx model');
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', garbage));
    const named = { ...clone(), onnxSha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('') };
    const state = await loadModel({ onnx: garbage, manifest: named });
    expect(state.ready).toBe(false);
    expect(state.manifest?.onnxSha256).toBe(named.onnxSha256);
  });
});

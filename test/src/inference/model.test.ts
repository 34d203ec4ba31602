/**
 * The model loader in workerd, on whichever engine this project serves with (the
 * compiled engine in `workers`, ORT in `workers-ort`): a model that loads names its
 * engine; one that cannot serve is not ready, with a reason that says why.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import manifestJson from '../../../model/ltv.json';
import onnx from '../../../model/ltv.onnx';
import { CompiledEngine } from '../../../src/inference/compiled/engine.js';
import { type ModelState, loadModel } from '../../../src/inference/model.js';
import { parseManifest } from '../../../src/spec/manifest.js';
import { servingEngine } from '../helpers.js';
import { expectConcurrentAsSequential } from './concurrent.js';

const manifest = parseManifest(manifestJson);
const clone = () => structuredClone(manifest);
/** What this project's ENGINE var makes the loader pick for the shipped model. */
const expectedEngine = servingEngine;

function reasonOf(state: ModelState): string {
  return state.ready ? 'ready' : state.reason;
}

describe('loading the bundled model', () => {
  it(`serves it on the ${expectedEngine} engine, as ENGINE asks`, async () => {
    const state = await loadModel({ onnx, manifest: manifestJson });
    expect(reasonOf(state)).toBe('ready');
    expect(state.ready && state.model.engine).toBe(expectedEngine);
    expect(state.ready && state.model.memoryBytes()).toBeGreaterThan(0);
  });

  it('runs the compiled engine once at load, the readiness check, whatever WARM_UP_RUNS says', async () => {
    const runs = vi.spyOn(CompiledEngine.prototype, 'run');
    try {
      const state = await loadModel({ onnx, manifest: manifestJson }, { engine: 'compiled', warmUpRuns: 3000 });
      expect(state.ready && state.model.engine).toBe('compiled');
      expect(runs).toHaveBeenCalledTimes(1);
    } finally {
      runs.mockRestore();
    }
  });

  it('runs concurrent predictions, each with its own result', async () => {
    const state = await loadModel({ onnx, manifest: manifestJson });
    if (!state.ready) throw new Error(state.reason);
    await expectConcurrentAsSequential(state.model);
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

import { describe, expect, it } from 'vitest';
import { heInit } from '../../../../scripts/mlp/init.js';
import type { AdamStepScalars } from '../../../../scripts/mlp/kernels/kernels.js';
import { referenceKernels as ref } from '../../../../scripts/mlp/kernels/reference.js';
import { WasmKernels } from '../../../../scripts/mlp/kernels/wasm.js';
import type { MlpParams } from '../../../../scripts/mlp/params.js';
import { Rng } from '../../../../scripts/math/rng.js';
import { TrainStep } from '../../../../scripts/mlp/step.js';

/** Shapes around the kernels' tiles (4 × 8, 2 × 4, 4-wide lanes): multiples, one off, tiny, and the real layers. */
const SHAPES: Array<[rows: number, inSize: number, outSize: number]> = [
  [1, 1, 1],
  [3, 5, 7],
  [4, 8, 8],
  [5, 9, 17],
  [7, 13, 3],
  [9, 6, 12],
  [32, 40, 500],
  [33, 500, 100],
  [32, 100, 1],
];

function normals(rng: Rng, n: number, zeroShare = 0): Float32Array {
  return Float32Array.from({ length: n }, () => (rng.next() < zeroShare ? 0 : rng.normal()));
}

/** Worst |a − b| relative to the largest magnitude of `b` (the reference). */
function relativeError(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let scale = 1e-6;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k]! - b[k]!));
  return worst / scale;
}

/** A copy of `values` in the kernels' memory. */
function inWasm(k: WasmKernels, values: Float32Array): Float32Array {
  const out = k.floats(values.length);
  out.set(values);
  return out;
}

describe('SIMD kernels vs the reference kernels', () => {
  const rng = new Rng(11);

  it.each(SHAPES)('denseForward and relu agree on [%i, %i] × [%i]', (rows, inSize, outSize) => {
    const k = new WasmKernels(4 * (rows * inSize + inSize * outSize + outSize + rows * outSize) + 1024);
    const x = normals(rng, rows * inSize, 0.4); // ReLU-like zeros: the reference skips them
    const w = normals(rng, inSize * outSize);
    const b = normals(rng, outSize);
    const want = new Float32Array(rows * outSize);
    ref.denseForward(x, w, b, want, rows, inSize, outSize);
    const got = k.floats(rows * outSize);
    k.denseForward(inWasm(k, x), inWasm(k, w), inWasm(k, b), got, rows, inSize, outSize);
    expect(relativeError(got, want)).toBeLessThan(1e-5);
    ref.relu(want, want.length);
    k.relu(got, got.length);
    expect(relativeError(got, want)).toBeLessThan(1e-5);
    expect(got.filter((v) => v < 0)).toHaveLength(0);
  });

  it.each(SHAPES)('weightGrad agrees on [%i, %i] × [%i]', (rows, inSize, outSize) => {
    const k = new WasmKernels(4 * (rows * inSize + rows * outSize + inSize * outSize + outSize) + 1024);
    const x = normals(rng, rows * inSize, 0.4);
    const delta = normals(rng, rows * outSize);
    const gW = new Float32Array(inSize * outSize);
    const gb = new Float32Array(outSize);
    ref.weightGrad(x, delta, gW, gb, rows, inSize, outSize);
    const sgW = k.floats(inSize * outSize).fill(123); // overwritten, not accumulated into
    const sgb = k.floats(outSize).fill(123);
    k.weightGrad(inWasm(k, x), inWasm(k, delta), sgW, sgb, rows, inSize, outSize);
    expect(relativeError(sgW, gW)).toBeLessThan(1e-5);
    expect(relativeError(sgb, gb)).toBeLessThan(1e-5);
  });

  it.each(SHAPES)('inputGrad agrees on [%i, %i] × [%i]', (rows, inSize, outSize) => {
    const k = new WasmKernels(4 * (2 * rows * inSize + rows * outSize + inSize * outSize) + 1024);
    const delta = normals(rng, rows * outSize);
    const w = normals(rng, inSize * outSize);
    const act = normals(rng, rows * inSize, 0.3).map((v) => Math.max(v, 0)); // off and dropped units are 0
    const want = new Float32Array(rows * inSize);
    ref.inputGrad(delta, w, act, want, rows, inSize, outSize, 1.25);
    const got = k.floats(rows * inSize).fill(123);
    k.inputGrad(inWasm(k, delta), inWasm(k, w), inWasm(k, act), got, rows, inSize, outSize, 1.25);
    expect(relativeError(got, want)).toBeLessThan(1e-5);
    act.forEach((a, i) => {
      if (a === 0) expect(got[i]).toBe(0);
    });
  });

  it.each([1, 3, 4, 7, 1001])('adam agrees on %i values over 20 steps, moments exactly', (n) => {
    const k = new WasmKernels(24 * n + 1024);
    const theta = normals(rng, n);
    const m = new Float64Array(n);
    const v = new Float64Array(n);
    const sTheta = inWasm(k, theta);
    const sGrad = k.floats(n);
    const sm = k.doubles(n);
    const sv = k.doubles(n);
    for (let t = 1; t <= 20; t++) {
      // Gradients that span magnitudes, including ones whose square underflows float32.
      const grad = Float32Array.from({ length: n }, (_, i) => rng.normal() * 10 ** -(i % 25));
      sGrad.set(grad);
      const step: AdamStepScalars = { decay: 1e-3, lr: 1e-2, b1: 0.9, b2: 0.999, eps: 1e-8, c1: 1 - 0.9 ** t, c2: 1 - 0.999 ** t };
      ref.adam(theta, grad, m, v, step);
      k.adam(sTheta, sGrad, sm, sv, step);
      // θ is float32 either way; the SIMD step differs by a few float32 roundings.
      for (let i = 0; i < n; i++) expect(Math.abs(sTheta[i]! - theta[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(theta[i]!)));
      sTheta.set(theta); // keep θ the same, so the next step's moments can be compared exactly
      expect(Array.from(sm)).toEqual(Array.from(m));
      expect(Array.from(sv)).toEqual(Array.from(v));
    }
  });

  it('rejects arrays outside its memory, and running out of memory, with a message that says so', () => {
    const k = new WasmKernels(64);
    const outside = new Float32Array(4);
    expect(() => k.relu(outside, 4)).toThrow("WasmKernels.relu: the array is not in the kernels' memory");
    expect(() => k.relu(k.floats(2), 4)).toThrow('WasmKernels.relu: need 4 values, the array has 2');
    expect(() => k.floats(1e6)).toThrow('WasmKernels.floats: 4000000 bytes do not fit');
  });
});

describe('TrainStep with SIMD kernels', () => {
  const SIZES = [40, 50, 20, 1];
  const BATCH = 30;

  function train(kernels: 'simd' | 'reference', steps: number, dropout = 0): { params: MlpParams; losses: number[]; val: number } {
    const rng = new Rng(5);
    const params = heInit(SIZES, rng.fork());
    const step = new TrainStep(params, { capacity: BATCH, kernels, dropout, l2: 1e-4, rng: rng.fork() });
    const data = new Rng(6);
    const x = normals(data, 4 * BATCH * SIZES[0]!);
    const y = Float32Array.from({ length: 4 * BATCH }, (_, r) => Math.tanh(x[r * SIZES[0]!]! - x[r * SIZES[0]! + 1]!));
    const losses: number[] = [];
    for (let s = 0; s < steps; s++) {
      const b = s % 4;
      losses.push(step.run(x.subarray(b * BATCH * SIZES[0]!, (b + 1) * BATCH * SIZES[0]!), y.subarray(b * BATCH, (b + 1) * BATCH), BATCH, 1e-3));
    }
    return { params: step.params, losses, val: step.evaluate(x, y, 4 * BATCH) };
  }

  it('follows the reference kernels closely over 40 steps, with dropout', () => {
    const simd = train('simd', 40, 0.1);
    const reference = train('reference', 40, 0.1);
    expect(simd.losses[39]).toBeLessThan(simd.losses[0]! * 0.8); // it learns
    simd.losses.forEach((loss, s) => expect(Math.abs(loss - reference.losses[s]!)).toBeLessThan(1e-4 * Math.max(1, reference.losses[s]!)));
    expect(Math.abs(simd.val - reference.val)).toBeLessThan(1e-4);
    simd.params.layers.forEach((layer, l) => {
      expect(relativeError(layer.weights, reference.params.layers[l]!.weights)).toBeLessThan(1e-3);
      expect(relativeError(layer.bias, reference.params.layers[l]!.bias)).toBeLessThan(1e-3);
    });
  });

  it('gives bit-identical params run after run', () => {
    const a = train('simd', 12, 0.1);
    const b = train('simd', 12, 0.1);
    expect(a.losses).toEqual(b.losses);
    a.params.layers.forEach((layer, l) => {
      expect(Array.from(layer.weights)).toEqual(Array.from(b.params.layers[l]!.weights));
      expect(Array.from(layer.bias)).toEqual(Array.from(b.params.layers[l]!.bias));
    });
  });
});

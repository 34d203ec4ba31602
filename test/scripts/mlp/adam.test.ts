import { describe, expect, it } from 'vitest';
import * as adam from '../../../scripts/mlp/adam.js';
import type { MlpParams } from '../../../scripts/mlp/params.js';

/** One layer [1, 2]: weights [1, -2], biases [0.5, 0]. */
function params(): MlpParams {
  return { layers: [{ inSize: 1, outSize: 2, weights: Float32Array.of(1, -2), bias: Float32Array.of(0.5, 0) }] };
}

function grads(w0: number, w1: number, b0: number, b1: number): MlpParams {
  return { layers: [{ inSize: 1, outSize: 2, weights: Float32Array.of(w0, w1), bias: Float32Array.of(b0, b1) }] };
}

describe('adam', () => {
  it('starts with zero moments at t = 0 and the paper defaults', () => {
    const state = adam.init(params());
    expect(state).toMatchObject({ b1: 0.9, b2: 0.999, eps: 1e-8, l2: 0, t: 0 });
    expect(Array.from(state.m[0]!.weights)).toEqual([0, 0]);
    expect(Array.from(state.v[0]!.bias)).toEqual([0, 0]);
  });

  it('matches two steps computed by hand (lr = 0.1)', () => {
    const p = params();
    const state = adam.init(p);

    // Step 1: m̂ = g and v̂ = g², so each parameter moves by lr·g/(|g| + eps) ≈ lr·sign(g).
    adam.update(grads(0.5, -0.1, 0.2, 0), state, p, 0.1);
    const layer = p.layers[0]!;
    expect(state.t).toBe(1);
    expect(state.m[0]!.weights[0]).toBeCloseTo(0.05, 8); // (1 − 0.9)·0.5; 8 digits: gradients arrive as float32
    expect(state.v[0]!.weights[0]).toBeCloseTo(0.00025, 8); // (1 − 0.999)·0.25
    expect(layer.weights[0]).toBeCloseTo(0.9, 6);
    expect(layer.weights[1]).toBeCloseTo(-1.9, 6);
    expect(layer.bias[0]).toBeCloseTo(0.4, 6);
    expect(layer.bias[1]).toBe(0); // zero gradient: 0 / (0 + eps) = 0

    // Step 2, weight 0 with g = −0.3:
    //   m = 0.9·0.05 + 0.1·(−0.3) = 0.015,    m̂ = 0.015 / (1 − 0.9²)    = 0.0789473684
    //   v = 0.999·0.00025 + 0.001·0.09 = 0.00033975,  v̂ = v / (1 − 0.999²) = 0.1699599800
    //   w = 0.9 − 0.1·0.0789473684 / √0.1699599800 = 0.8808501989
    // Weight 1 keeps g = −0.1: m̂ = −0.1 and v̂ = 0.01 exactly, so it moves by lr again.
    adam.update(grads(-0.3, -0.1, 0.2, 0), state, p, 0.1);
    expect(state.t).toBe(2);
    expect(state.m[0]!.weights[0]).toBeCloseTo(0.015, 8);
    expect(state.v[0]!.weights[0]).toBeCloseTo(0.00033975, 8);
    expect(layer.weights[0]).toBeCloseTo(0.8808501989, 6);
    expect(layer.weights[1]).toBeCloseTo(-1.8, 6);
    expect(layer.bias[0]).toBeCloseTo(0.3, 6);
  });

  it('adds the coupled L2 gradient l2·w to weights only', () => {
    const p = params();
    const state = adam.init(p, { l2: 0.5 });
    // Zero data gradient: weights see g = 0.5·[1, −2] = [0.5, −1] and step by lr·sign; biases stay.
    adam.update(grads(0, 0, 0, 0), state, p, 0.1);
    const layer = p.layers[0]!;
    expect(state.m[0]!.weights[1]).toBeCloseTo(-0.1, 8); // 0.1 · (0.5 · −2)
    expect(layer.weights[0]).toBeCloseTo(0.9, 6);
    expect(layer.weights[1]).toBeCloseTo(-1.9, 6);
    expect(Array.from(layer.bias)).toEqual([0.5, 0]);
  });

  it('rejects gradients of another shape, naming both', () => {
    const p = params();
    const state = adam.init(p);
    const wrong: MlpParams = { layers: [{ inSize: 2, outSize: 1, weights: new Float32Array(2), bias: new Float32Array(1) }] };
    expect(() => adam.update(wrong, state, p, 0.1)).toThrow('adam: grads vs params: layer 0: [2, 1]');
  });
});

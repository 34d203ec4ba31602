/**
 * Adam (Kingma & Ba, 2015, Algorithm 1) as an `init(params)` / `update(grads, state,
 * params, lr)` pair with explicit state, in the style of optax:
 *
 *   import * as adam from './adam.js';
 *   const state = adam.init(params, { l2: 1e-4 });
 *   adam.update(grads, state, params, lr);   // every step
 *
 * "Pure-ish": `update` mutates `state` and `params` in place instead of returning
 * new ones, because a [500, 100] network has ~70k parameters and allocating three
 * fresh copies per step would spend the step's time in the garbage collector.
 * The learning rate is an argument, not state, so a schedule stays the caller's.
 */
import { assertSameLayout } from './init.js';
import type { Kernels } from './kernels/kernels.js';
import { referenceKernels } from './kernels/reference.js';
import type { MlpParams } from './params.js';

export interface AdamOptions {
  /** Decay rate of the first moment (mean of gradients). Default 0.9. */
  b1?: number;
  /** Decay rate of the second moment (uncentred variance of gradients). Default 0.999. */
  b2?: number;
  /** Added to √v̂ to avoid division by zero. Default 1e-8. */
  eps?: number;
  /**
   * Coupled L2 penalty on weights (not biases): g ← g + l2·w before the moments,
   * i.e. the gradient of (l2/2)·Σw². Default 0. (Not AdamW's decoupled decay.)
   */
  l2?: number;
}

/** One moment estimate per parameter, same layout as the params, in Float64. */
export interface Moments {
  weights: Float64Array;
  bias: Float64Array;
}

export interface AdamState {
  readonly b1: number;
  readonly b2: number;
  readonly eps: number;
  readonly l2: number;
  /** Steps taken so far; the bias corrections use it. 0 after `init`. */
  t: number;
  /** First moment estimates m, per layer. */
  m: Moments[];
  /** Second moment estimates v, per layer. */
  v: Moments[];
  /** Where the moments live and which loop updates them (see kernels/). */
  readonly kernels: Kernels;
}

/**
 * Zeroed moments shaped like `params`. Moments are Float64 so that v = Σ g² does not
 * underflow for tiny gradients the way it would in float32; it costs ~1 MB.
 * With SIMD `kernels`, the params and grads given to `update` must be theirs too.
 */
export function init(params: MlpParams, options: AdamOptions = {}, kernels: Kernels = referenceKernels): AdamState {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8, l2 = 0 } = options;
  if (!(b1 >= 0 && b1 < 1) || !(b2 >= 0 && b2 < 1)) throw new Error(`adam: b1 and b2 must be in [0, 1), got ${b1} and ${b2}`);
  if (!(eps > 0)) throw new Error(`adam: eps must be > 0, got ${eps}`);
  if (!(l2 >= 0)) throw new Error(`adam: l2 must be >= 0, got ${l2}`);
  const zeros = (): Moments[] =>
    params.layers.map((layer) => ({
      weights: kernels.doubles(layer.weights.length),
      bias: kernels.doubles(layer.bias.length),
    }));
  return { b1, b2, eps, l2, t: 0, m: zeros(), v: zeros(), kernels };
}

/**
 * One Adam step with learning rate `lr`:
 *   t ← t + 1;  m ← b1·m + (1−b1)·g;  v ← b2·v + (1−b2)·g²
 *   θ ← θ − lr · m̂ / (√v̂ + eps),  m̂ = m / (1 − b1ᵗ),  v̂ = v / (1 − b2ᵗ)
 * with g = grad + l2·θ for weights (biases get no penalty).
 */
export function update(grads: MlpParams, state: AdamState, params: MlpParams, lr: number): void {
  assertSameLayout(grads, params, 'adam: grads vs params');
  if (state.m.length !== params.layers.length) {
    throw new Error(`adam: state has ${state.m.length} layers, params have ${params.layers.length}`);
  }
  if (!(lr >= 0)) throw new Error(`adam: lr must be >= 0, got ${lr}`);
  state.t += 1;
  const c1 = 1 - state.b1 ** state.t;
  const c2 = 1 - state.b2 ** state.t;
  params.layers.forEach((layer, l) => {
    const g = grads.layers[l]!;
    const m = state.m[l]!;
    const v = state.v[l]!;
    if (m.weights.length !== layer.weights.length || m.bias.length !== layer.bias.length) {
      throw new Error(
        `adam: layer ${l}: state has ${m.weights.length} + ${m.bias.length} moments, params have ${layer.weights.length} + ${layer.bias.length}`,
      );
    }
    const { b1, b2, eps } = state;
    state.kernels.adam(layer.weights, g.weights, m.weights, v.weights, { decay: state.l2, lr, b1, b2, eps, c1, c2 });
    state.kernels.adam(layer.bias, g.bias, m.bias, v.bias, { decay: 0, lr, b1, b2, eps, c1, c2 });
  });
}

/**
 * The trainer's inner loops behind one interface, so that the same orchestration
 * (Backprop's forward and backward, Adam's update) runs either on plain typed-array
 * loops (`reference`, the definition every test compares against) or on WebAssembly
 * SIMD kernels (`simd`, several times faster).
 *
 * Arrays the kernels work on must come from the kernels' own `floats`/`doubles`:
 * the SIMD kernels can only reach their WebAssembly memory, so they hand out views
 * into it and reject anything else. The reference kernels accept any typed array.
 * Matrices are row-major float32; optimizer moments float64.
 */
import { referenceKernels } from './reference.js';
import { trainingFootprint, WasmKernels } from './wasm.js';

export type KernelsName = 'simd' | 'reference';

export const KERNEL_NAMES: readonly KernelsName[] = ['simd', 'reference'];

export interface Kernels {
  readonly name: KernelsName;
  /** A zeroed float32 array the kernels can work on; lives as long as the kernels. */
  floats(length: number): Float32Array;
  /** A zeroed float64 array the kernels can work on (Adam's moments). */
  doubles(length: number): Float64Array;
  /** Whether the kernels can work on `array` in place (else the caller copies it into one of theirs). */
  owns(array: Float32Array | Float64Array): boolean;

  /** out[r, j] = bias[j] + Σ_i x[r, i] · w[i, j] for r < rows; w is [inSize, outSize]. No activation. */
  denseForward(x: Float32Array, w: Float32Array, bias: Float32Array, out: Float32Array, rows: number, inSize: number, outSize: number): void;
  /** v ← v < 0 ? 0 : v on the first n values (NaN stays NaN, so divergence is seen). */
  relu(values: Float32Array, n: number): void;
  /** gW[i, j] = Σ_r x[r, i] · delta[r, j] and gb[j] = Σ_r delta[r, j], both overwritten. */
  weightGrad(x: Float32Array, delta: Float32Array, gW: Float32Array, gb: Float32Array, rows: number, inSize: number, outSize: number): void;
  /**
   * dPrev[r, i] = act[r, i] > 0 ? scale · Σ_j delta[r, j] · w[i, j] : 0: the delta of
   * the layer below through W, ReLU and the dropout scale (act is stored after both,
   * so 0 means off or dropped).
   */
  inputGrad(
    delta: Float32Array,
    w: Float32Array,
    act: Float32Array,
    dPrev: Float32Array,
    rows: number,
    inSize: number,
    outSize: number,
    scale: number,
  ): void;
  /** One Adam update of one parameter array; see adam.ts for the formula. */
  adam(theta: Float32Array, grad: Float32Array, m: Float64Array, v: Float64Array, step: AdamStepScalars): void;
}

/** The per-step scalars of Adam: hyper-parameters, learning rate and bias corrections. */
export interface AdamStepScalars {
  /** Coupled L2 coefficient for this array (0 for biases). */
  decay: number;
  lr: number;
  b1: number;
  b2: number;
  eps: number;
  /** 1 − b1ᵗ and 1 − b2ᵗ. */
  c1: number;
  c2: number;
}

/**
 * Kernels for a training step over `sizes` ([in, ...hidden, out]) with batches of up
 * to `capacity` rows: the SIMD kernels get a memory sized for exactly that.
 */
export function createKernels(name: KernelsName, sizes: readonly number[], capacity: number): Kernels {
  switch (name) {
    case 'reference':
      return referenceKernels;
    case 'simd':
      return new WasmKernels(trainingFootprint(sizes, capacity));
    default:
      throw new Error(`kernels must be one of ${KERNEL_NAMES.join(', ')}, got ${String(name)}`);
  }
}

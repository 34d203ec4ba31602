/**
 * The SIMD kernels: simd.wasm (built from ./assembly/simd.ts by `npm run build:kernels`,
 * committed, and checked byte-for-byte against a fresh build by a test) run on a
 * WebAssembly.Memory that holds the working copy of everything a training step
 * touches: params, gradients, Adam moments, activations. Keeping them there means a
 * step copies only the batch in, instead of every weight in and out on every call.
 *
 * The memory is sized once, up front, for the arrays the caller will ask for
 * (`trainingFootprint`), because growing a WebAssembly.Memory detaches every view
 * already handed out. Allocation is a bump pointer: nothing is ever freed, and the
 * memory goes with the kernels when they are dropped.
 */
import { readFileSync } from 'node:fs';
import type { AdamStepScalars, Kernels } from './kernels.js';

interface SimdExports {
  dense_forward(x: number, w: number, b: number, out: number, rows: number, inSize: number, outSize: number): void;
  relu(p: number, n: number): void;
  weight_grad(x: number, delta: number, gw: number, gb: number, rows: number, inSize: number, outSize: number): void;
  input_grad(delta: number, w: number, act: number, dPrev: number, rows: number, inSize: number, outSize: number, scale: number): void;
  adam(theta: number, grad: number, m: number, v: number, n: number, decay: number, lr: number, b1: number, b2: number, eps: number, c1: number, c2: number): void;
}

export const SIMD_WASM_URL = new URL('./simd.wasm', import.meta.url);

const PAGE = 65_536;
/** v128 loads need no alignment in WebAssembly, but aligned ones are faster on every CPU. */
const ALIGN = 16;

let compiled: WebAssembly.Module | undefined;

/** Compiled once per process; synchronous, because fit() is. */
function simdModule(): WebAssembly.Module {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(readFileSync(SIMD_WASM_URL));
    } catch (error) {
      // Relaxed SIMD is on by default from V8 11.4 (Node 22); Node 20 rejects the module.
      throw new Error(
        `${SIMD_WASM_URL.pathname}: Node ${process.version} cannot compile the SIMD kernels (${error instanceof Error ? error.message : String(error)}); ` +
          "they need WebAssembly relaxed SIMD, on by default from Node 22, which `npm run …` uses; or train with --kernels reference",
      );
    }
  }
  return compiled;
}

/**
 * Bytes of kernel memory that a training step over `sizes` ([in, ...hidden, out]) with
 * batches of up to `capacity` rows asks for: params and gradients (float32), Adam's
 * two moments (float64), the activations and deltas of every layer, and staging for
 * the input batch and dLoss/dOutput; plus alignment padding.
 */
export function trainingFootprint(sizes: readonly number[], capacity: number): number {
  let params = 0;
  let arrays = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    params += sizes[l]! * sizes[l + 1]! + sizes[l + 1]!;
    arrays += 2;
  }
  const units = sizes.slice(1).reduce((a, b) => a + b, 0);
  const io = sizes[0]! + 2 * sizes[sizes.length - 1]!;
  const floats = 2 * params + capacity * (2 * units + io);
  return 4 * floats + 8 * 2 * params + ALIGN * (6 * arrays + 2 * sizes.length + 8);
}

export class WasmKernels implements Kernels {
  readonly name = 'simd';
  private readonly memory: WebAssembly.Memory;
  private readonly k: SimdExports;
  private next = ALIGN; // keep 0 unused, so a stray null pointer is not a valid array

  /** Kernels with room for `bytes` bytes of arrays. */
  constructor(bytes: number) {
    if (!Number.isFinite(bytes) || bytes < 0) throw new Error(`WasmKernels: bytes must be >= 0, got ${bytes}`);
    this.memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((bytes + ALIGN) / PAGE)) });
    const instance = new WebAssembly.Instance(simdModule(), { env: { memory: this.memory } });
    this.k = instance.exports as unknown as SimdExports;
  }

  floats(length: number): Float32Array {
    return new Float32Array(this.memory.buffer, this.reserve(length * 4, 'floats'), length);
  }

  doubles(length: number): Float64Array {
    return new Float64Array(this.memory.buffer, this.reserve(length * 8, 'doubles'), length);
  }

  owns(array: Float32Array | Float64Array): boolean {
    return array.buffer === this.memory.buffer;
  }

  denseForward(x: Float32Array, w: Float32Array, bias: Float32Array, out: Float32Array, rows: number, inSize: number, outSize: number): void {
    this.need(x, rows * inSize, 'denseForward: x');
    this.need(w, inSize * outSize, 'denseForward: w');
    this.need(bias, outSize, 'denseForward: bias');
    this.need(out, rows * outSize, 'denseForward: out');
    this.k.dense_forward(x.byteOffset, w.byteOffset, bias.byteOffset, out.byteOffset, rows, inSize, outSize);
  }

  relu(values: Float32Array, n: number): void {
    this.need(values, n, 'relu');
    this.k.relu(values.byteOffset, n);
  }

  weightGrad(x: Float32Array, delta: Float32Array, gW: Float32Array, gb: Float32Array, rows: number, inSize: number, outSize: number): void {
    this.need(x, rows * inSize, 'weightGrad: x');
    this.need(delta, rows * outSize, 'weightGrad: delta');
    this.need(gW, inSize * outSize, 'weightGrad: gW');
    this.need(gb, outSize, 'weightGrad: gb');
    this.k.weight_grad(x.byteOffset, delta.byteOffset, gW.byteOffset, gb.byteOffset, rows, inSize, outSize);
  }

  inputGrad(
    delta: Float32Array,
    w: Float32Array,
    act: Float32Array,
    dPrev: Float32Array,
    rows: number,
    inSize: number,
    outSize: number,
    scale: number,
  ): void {
    this.need(delta, rows * outSize, 'inputGrad: delta');
    this.need(w, inSize * outSize, 'inputGrad: w');
    this.need(act, rows * inSize, 'inputGrad: act');
    this.need(dPrev, rows * inSize, 'inputGrad: dPrev');
    this.k.input_grad(delta.byteOffset, w.byteOffset, act.byteOffset, dPrev.byteOffset, rows, inSize, outSize, scale);
  }

  adam(theta: Float32Array, grad: Float32Array, m: Float64Array, v: Float64Array, s: AdamStepScalars): void {
    const n = theta.length;
    this.need(grad, n, 'adam: grad');
    this.need(m, n, 'adam: m');
    this.need(v, n, 'adam: v');
    this.need(theta, n, 'adam: theta');
    this.k.adam(theta.byteOffset, grad.byteOffset, m.byteOffset, v.byteOffset, n, s.decay, s.lr, s.b1, s.b2, s.eps, s.c1, s.c2);
  }

  private reserve(bytes: number, what: string): number {
    if (!Number.isInteger(bytes) || bytes < 0) throw new Error(`WasmKernels.${what}: length must be a non-negative integer, got ${bytes}`);
    const start = this.next;
    const end = start + bytes;
    if (end > this.memory.buffer.byteLength) {
      throw new Error(
        `WasmKernels.${what}: ${bytes} bytes do not fit: ${start} of ${this.memory.buffer.byteLength} already used ` +
          '(the memory is sized up front; the footprint given to the constructor is too small)',
      );
    }
    this.next = Math.ceil(end / ALIGN) * ALIGN;
    return start;
  }

  /** The kernel reads or writes `length` values of `array`: it must be one of ours and long enough. */
  private need(array: Float32Array | Float64Array, length: number, what: string): void {
    if (array.buffer !== this.memory.buffer) {
      throw new Error(`WasmKernels.${what}: the array is not in the kernels' memory; allocate it with floats()/doubles()`);
    }
    if (array.length < length) throw new Error(`WasmKernels.${what}: need ${length} values, the array has ${array.length}`);
  }
}

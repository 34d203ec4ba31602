/**
 * The compiled engine's WebAssembly kernels (./assembly/kernels.ts, built into
 * ./kernels.wasm by `npm run build:kernels`), instantiated on a memory the engine
 * sizes once. Pointers are byte offsets into that memory, sizes are elements.
 *
 * The module arrives compiled: in workerd by wrangler's rule for *.wasm (workerd may
 * not compile WebAssembly from bytes at run time), in Node from the file's bytes.
 */

export interface KernelExports {
  dense(x: number, w: number, bias: number, out: number, rows: number, inSize: number, outSize: number, relu: number): void;
  binary(op: number, a: number, as0: number, as1: number, b: number, bs0: number, bs1: number, out: number, rows: number, cols: number): void;
  where(cond: number, cs0: number, cs1: number, x: number, xs0: number, xs1: number, y: number, ys0: number, ys1: number, out: number, rows: number, cols: number): void;
  unary(op: number, x: number, out: number, n: number): void;
  is_nan(x: number, out: number, n: number): void;
  clip(x: number, out: number, n: number, lo: number, hi: number): void;
  copy_rows(src: number, srcStride: number, dst: number, dstStride: number, rows: number, runBytes: number): void;
  heap_base(): number;
  pack_panels(src: number, dst: number, inSize: number, outSize: number): void;
}

/** Operation codes, as the module exports them (constants of ./assembly/kernels.ts). */
export interface KernelCodes {
  binary: Record<'Add' | 'Sub' | 'Mul' | 'Div' | 'Max' | 'Min', number>;
  unary: Record<'Neg' | 'Relu' | 'Sigmoid' | 'Softplus' | 'Exp' | 'Log', number>;
}

/** Panels of the dense kernel: W is stored 8 columns at a time. */
export const PANEL = 8;
export const PAGE = 65_536;
/** v128 loads need no alignment in WebAssembly, but aligned ones are faster. */
export const ALIGN = 16;

export interface Kernels {
  readonly memory: WebAssembly.Memory;
  readonly k: KernelExports;
  readonly codes: KernelCodes;
  /** The first byte free for tensors: below it lie the module's own static data. */
  readonly base: number;
  /** Grows the memory to at least `bytes` (before any view of it is taken: growing detaches them). */
  reserve(bytes: number): void;
}

export function instantiateKernels(module: WebAssembly.Module): Kernels {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const exports = instance.exports as unknown as KernelExports & Record<string, WebAssembly.Global>;
  const code = (name: string): number => {
    const global = exports[name];
    if (!(global instanceof WebAssembly.Global)) throw new Error(`kernels.wasm exports no constant ${name}: rebuild it with npm run build:kernels`);
    return global.value as number;
  };
  return {
    memory,
    k: exports,
    base: Math.ceil(exports.heap_base() / ALIGN) * ALIGN,
    reserve(bytes: number) {
      const pages = Math.ceil(bytes / PAGE) - memory.buffer.byteLength / PAGE;
      if (pages > 0) memory.grow(pages);
    },
    codes: {
      binary: { Add: code('ADD'), Sub: code('SUB'), Mul: code('MUL'), Div: code('DIV'), Max: code('MAX'), Min: code('MIN') },
      unary: { Neg: code('NEG'), Relu: code('RELU'), Sigmoid: code('SIGMOID'), Softplus: code('SOFTPLUS'), Exp: code('EXP'), Log: code('LOG') },
    },
  };
}

/** Floats of W ([inSize, outSize]) packed into panels (the kernels' pack_panels). */
export function panelFloats(inSize: number, outSize: number): number {
  return Math.ceil(outSize / PANEL) * PANEL * inSize;
}

/**
 * The compiled engine: an ONNX graph planned into kernel calls (./plan.ts) and run
 * on the project's WebAssembly kernels (./kernels.ts), with no runtime in between.
 *
 * Rows are scored in chunks of at most `rowsPerChunk`: every value of the graph has
 * the batch as its first axis and rows never mix (./plan.ts), so a chunk is a
 * smaller batch. That keeps the memory fixed whatever the batch (sized once, at
 * load: the weights, packed, and one chunk's activations), and a chunk's
 * activations in cache between steps. The calls a chunk makes are bound once per
 * row count and reused.
 *
 * Everything here is synchronous: a call runs to the end without yielding, so
 * concurrent requests of one isolate cannot interleave inside the engine.
 */
import type { Engine, TensorInfo } from '../engine.js';
import { collapse } from './broadcast.js';
import { type KernelExports, type Kernels, ALIGN, PANEL, instantiateKernels, panelFloats } from './kernels.js';
import { readOnnxModel } from './onnx-model.js';
import { BATCH, type Dim, type Plan, type Slot, type Step, isBatchStep, planGraph, reads } from './plan.js';

export interface CompiledOptions {
  /** Rows per chunk (default 128): the activations of one chunk are what the memory holds. */
  rowsPerChunk?: number;
}

interface Layout {
  /** Byte offset of each slot's data (constants once, batched slots per chunk). */
  at: Map<Slot, number>;
  /** Packed weights and padded bias of each dense step. */
  dense: Map<Step, { w: number; bias: number }>;
  /** Where a weight matrix is put before it is packed (at load only; the chunk's activations use it later). */
  staging: number;
  bytes: number;
}

type Call = () => void;

export class CompiledEngine implements Engine {
  readonly kind = 'compiled';
  readonly input: { name: string; width: number };
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly (TensorInfo & { width: number })[];
  private readonly rowsPerChunk: number;
  private readonly kernels: Kernels;
  private readonly layout: Layout;
  private readonly f32: Float32Array;
  /** The calls of a chunk of n rows, by n (at most two sizes in steady use: full chunks and one tail). */
  private readonly bound = new Map<number, Call[]>();

  private constructor(
    private readonly plan: Plan,
    module: WebAssembly.Module,
    options: CompiledOptions,
  ) {
    this.rowsPerChunk = options.rowsPerChunk ?? 128;
    if (!Number.isInteger(this.rowsPerChunk) || this.rowsPerChunk < 1) throw new RangeError(`rowsPerChunk must be a positive integer, got ${this.rowsPerChunk}`);
    this.input = { name: plan.input.name, width: plan.input.width };
    this.inputs = [{ name: plan.input.name, type: 'float32', shape: [BATCH, plan.input.width] }];
    this.outputs = plan.outputs.map(({ name, width }) => ({ name, width, type: 'float32', shape: [BATCH, width] }));
    this.kernels = instantiateKernels(module);
    this.layout = layOut(plan, this.rowsPerChunk, this.kernels.base);
    this.kernels.reserve(this.layout.bytes);
    this.f32 = new Float32Array(this.kernels.memory.buffer);
    this.load();
  }

  /**
   * Reads and plans `onnx`, sizes the memory and loads the constants. Throws
   * UnsupportedGraphError (naming the node and operator) for a graph outside the
   * subset, OnnxFormatError or WireError for bytes that are not a readable model.
   */
  static create(onnx: Uint8Array, module: WebAssembly.Module, options: CompiledOptions = {}): CompiledEngine {
    return new CompiledEngine(planGraph(readOnnxModel(onnx)), module, options);
  }

  /** Bytes of WebAssembly memory this engine holds (fixed at load). */
  memoryBytes(): number {
    return this.kernels.memory.buffer.byteLength;
  }

  /** The engine seam's run: the outputs asked for, by name (see `runAll`). */
  run(rows: Float32Array, count: number, names: readonly string[]): Promise<Readonly<Record<string, Float32Array>>> {
    try {
      const values = this.runAll(rows, count);
      const byName: Record<string, Float32Array> = {};
      this.outputs.forEach((o, i) => {
        if (names.includes(o.name)) byName[o.name] = values[i]!;
      });
      return Promise.resolve(byName);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Every output for `count` rows of `rows` (row-major [count, width], NaN = missing):
   * one array of count × width values per output, in graph order. Synchronous.
   */
  runAll(rows: Float32Array, count: number): Float32Array[] {
    const { width } = this.input;
    if (!Number.isInteger(count) || count < 1 || rows.length < count * width) {
      throw new RangeError(`expected ${count} rows of ${width} values, got ${rows.length} values`);
    }
    const results = this.plan.outputs.map((o) => new Float32Array(count * o.width));
    const inputAt = this.layout.at.get(this.plan.input.slot)! >> 2;
    for (let start = 0; start < count; start += this.rowsPerChunk) {
      const n = Math.min(this.rowsPerChunk, count - start);
      this.f32.set(rows.subarray(start * width, (start + n) * width), inputAt);
      for (const call of this.calls(n)) call();
      this.plan.outputs.forEach((o, i) => {
        const at = this.layout.at.get(o.slot)! >> 2;
        results[i]!.set(this.f32.subarray(at, at + n * o.width), start * o.width);
      });
    }
    return results;
  }

  /** Constants into memory, weights packed, then the steps on constants alone, once. */
  private load(): void {
    const bytes = new Uint8Array(this.kernels.memory.buffer);
    for (const [slot, at] of this.layout.at) {
      if (slot.batched || slot.known === undefined) continue;
      if (slot.known instanceof Float32Array) this.f32.set(slot.known, at >> 2);
      else bytes.set(slot.known, at);
    }
    for (const step of this.plan.steps) {
      if (step.kind !== 'dense') continue;
      const { w, bias } = this.layout.dense.get(step)!;
      this.f32.set(step.weights, this.layout.staging >> 2);
      this.kernels.k.pack_panels(this.layout.staging, w, step.inSize, step.outSize);
      if (step.bias !== undefined) this.f32.set(step.bias, bias >> 2);
    }
    for (const call of this.bindSteps(this.plan.steps.filter((s) => !isBatchStep(s)), 0)) call();
  }

  private calls(n: number): Call[] {
    let calls = this.bound.get(n);
    if (calls === undefined) {
      // Bounded: callers that send many different batch sizes re-bind rather than grow the map.
      if (this.bound.size >= 16) this.bound.clear();
      calls = this.bindSteps(this.plan.steps.filter(isBatchStep), n);
      this.bound.set(n, calls);
    }
    return calls;
  }

  /** The kernel calls of `steps` with the batch at `n` rows. */
  private bindSteps(steps: Step[], n: number): Call[] {
    const { k, codes } = this.kernels;
    const at = (slot: Slot) => this.layout.at.get(slot)!;
    const dims = (slot: Slot): number[] => slot.shape.map((d) => (d === BATCH ? n : d));
    return steps.map((step): Call => {
      switch (step.kind) {
        case 'dense': {
          const { w, bias } = this.layout.dense.get(step)!;
          const rows = size(dims(step.x)) / step.inSize;
          const args = [at(step.x), w, bias, at(step.out), rows, step.inSize, step.outSize, step.relu ? 1 : 0] as const;
          return () => k.dense(...args);
        }
        case 'unary': {
          const args = [codes.unary[step.op], at(step.x), at(step.out), size(dims(step.x))] as const;
          return () => k.unary(...args);
        }
        case 'isnan': {
          const args = [at(step.x), at(step.out), size(dims(step.x))] as const;
          return () => k.is_nan(...args);
        }
        case 'clip': {
          const args = [at(step.x), at(step.out), size(dims(step.x)), step.lo, step.hi] as const;
          return () => k.clip(...args);
        }
        case 'binary': {
          const op = codes.binary[step.op];
          return walk(dims(step.out), [step.a, step.b].map((s) => ({ at: at(s), shape: dims(s), bytes: 4 })), at(step.out), (p, r, c, rs, cs, out) =>
            k.binary(op, p[0]!, rs[0]!, cs[0]!, p[1]!, rs[1]!, cs[1]!, out, r, c),
          );
        }
        case 'where':
          return walk(dims(step.out), [step.cond, step.x, step.y].map((s) => ({ at: at(s), shape: dims(s), bytes: s.dtype === 'bool' ? 1 : 4 })), at(step.out), (p, r, c, rs, cs, out) =>
            k.where(p[0]!, rs[0]!, cs[0]!, p[1]!, rs[1]!, cs[1]!, p[2]!, rs[2]!, cs[2]!, out, r, c),
          );
        case 'concat':
          return concat(k, dims(step.out), step.axis, step.inputs.map((s) => ({ at: at(s), shape: dims(s) })), at(step.out));
      }
    });
  }
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

type Kernel2d = (pointers: number[], rows: number, cols: number, rowStrides: number[], colStrides: number[], out: number) => void;

/** A broadcast elementwise step: the collapsed walk (./broadcast.ts), looping in JavaScript over any axes beyond two. */
function walk(out: number[], operands: { at: number; shape: number[]; bytes: number }[], outAt: number, kernel: Kernel2d): Call {
  const w = collapse(out, operands.map((o) => o.shape));
  const base = operands.map((o) => o.at);
  if (w.outer.length === 0) return () => kernel(base, w.rows, w.cols, w.rowStrides, w.colStrides, outAt);
  const block = w.rows * w.cols;
  return () => {
    let outPos = outAt;
    const visit = (axis: number, pointers: number[]): void => {
      if (axis === w.outer.length) {
        kernel(pointers, w.rows, w.cols, w.rowStrides, w.colStrides, outPos);
        outPos += block * 4;
        return;
      }
      const { count, strides } = w.outer[axis]!;
      for (let i = 0; i < count; i++) visit(axis + 1, pointers.map((p, o) => p + i * strides[o]! * operands[o]!.bytes));
    };
    visit(0, base);
  };
}

/** Concat along `axis`: each input's runs copied into its place in every outer block of the result. */
function concat(k: KernelExports, out: number[], axis: number, inputs: { at: number; shape: number[] }[], outAt: number): Call {
  const outer = size(out.slice(0, axis));
  const outRun = size(out.slice(axis)) * 4;
  let offset = 0;
  const copies = inputs.map(({ at, shape }) => {
    const run = size(shape.slice(axis)) * 4;
    const args = [at, run, outAt + offset, outRun, outer, run] as const;
    offset += run;
    return args;
  });
  return () => {
    for (const args of copies) k.copy_rows(...args);
  };
}

/**
 * Where every slot lives: constants (and the packed weights) first, then the batched
 * slots of one chunk, reusing a slot's bytes once its last reader has run. Graph
 * outputs live to the end of the chunk, when they are copied out.
 */
function layOut(plan: Plan, rowsPerChunk: number, base: number): Layout {
  const at = new Map<Slot, number>();
  const dense = new Map<Step, { w: number; bias: number }>();
  let next = base;
  const reserve = (bytes: number): number => {
    const start = next;
    next = Math.ceil((start + bytes) / ALIGN) * ALIGN;
    return start;
  };
  const elementBytes = (slot: Slot) => (slot.dtype === 'bool' ? 1 : 4);
  const constantBytes = (slot: Slot) => size(slot.shape as number[]) * elementBytes(slot);

  for (const step of plan.steps) {
    for (const slot of [...reads(step), step.out]) {
      if (!slot.batched && !at.has(slot)) at.set(slot, reserve(Math.max(constantBytes(slot), 4)));
    }
    if (step.kind === 'dense') {
      const padded = Math.ceil(step.outSize / PANEL) * PANEL;
      dense.set(step, { w: reserve(panelFloats(step.inSize, step.outSize) * 4), bias: reserve(padded * 4) });
    }
  }

  // Batched slots: a simple best-fit allocator over one chunk's steps.
  const batchSteps = plan.steps.filter(isBatchStep);
  const lastRead = new Map<Slot, number>();
  batchSteps.forEach((step, i) => reads(step).forEach((slot) => lastRead.set(slot, i)));
  for (const o of plan.outputs) lastRead.set(o.slot, Number.POSITIVE_INFINITY);
  const rowBytes = (slot: Slot) => size((slot.shape as Dim[]).slice(1) as number[]) * elementBytes(slot);
  const free: { at: number; bytes: number }[] = [];
  const blocks = new Map<Slot, { at: number; bytes: number }>();
  const place = (slot: Slot): void => {
    if (blocks.has(slot)) return;
    const bytes = Math.ceil((rowsPerChunk * rowBytes(slot)) / ALIGN) * ALIGN;
    const fit = free.filter((b) => b.bytes >= bytes).sort((a, b) => a.bytes - b.bytes)[0];
    const block = fit ?? { at: reserve(bytes), bytes };
    if (fit !== undefined) free.splice(free.indexOf(fit), 1);
    blocks.set(slot, block);
    at.set(slot, block.at);
  };
  // The batched slots come last: at load, before any chunk runs, their bytes stage the weights for packing.
  const batchStart = next;
  place(plan.input.slot);
  batchSteps.forEach((step, i) => {
    for (const [slot, block] of blocks) {
      if ((lastRead.get(slot) ?? -1) < i && slot !== plan.input.slot) {
        blocks.delete(slot);
        free.push(block);
      }
    }
    place(step.out);
  });
  for (const o of plan.outputs) place(o.slot);
  const staging = batchStart;
  const weights = Math.max(0, ...plan.steps.map((s) => (s.kind === 'dense' ? s.weights.length * 4 : 0)));
  next = Math.max(next, staging + weights);
  return { at, dense, staging, bytes: next };
}

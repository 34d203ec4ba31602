/**
 * From an ONNX graph to the steps the compiled engine runs, or a refusal that names
 * the node and its operator.
 *
 * The declared subset (./operators.ts) is what a float32 MLP exported by this
 * project, PyTorch or Keras needs: MatMul, Gemm, Add, Sub, Mul, Div, Neg, Relu,
 * Max, Min, Clip, IsNaN, Where, Sigmoid, Softplus, Exp, Log, Concat, Identity and
 * Constant, in the default ONNX domain, opsets 11 to 23. Values are float32 or
 * bool. The graph reads one input, [batch, width], and every value computed from
 * it keeps the batch as its first axis; so each row is computed independently and
 * the engine can run any number of rows in chunks of a fixed size (./engine.ts).
 *
 * What is planned here is symbolic in the batch: shapes hold BATCH where the row
 * count goes. Weights and the other constants the kernels take as numbers (MatMul's
 * matrix, Gemm's B and C, Clip's bounds, a bias fused into its MatMul) must be known
 * when planning: initializers, Constant nodes, or an Identity of either.
 */
import { BroadcastError, broadcastShape } from './broadcast.js';
import { type AttributeValue, DataType, type OnnxModel, type OnnxNode, type OnnxTensor, dataTypeName } from './onnx-model.js';

export const BATCH = 'batch';
export type Dim = number | typeof BATCH;
export type DType = 'float32' | 'bool';

/** The operators the compiled engine runs. */
export const OPERATORS = [
  'Add', 'Clip', 'Concat', 'Constant', 'Div', 'Exp', 'Gemm', 'Identity', 'IsNaN', 'Log',
  'MatMul', 'Max', 'Min', 'Mul', 'Neg', 'Relu', 'Sigmoid', 'Softplus', 'Sub', 'Where',
] as const;

/** Opsets of the default domain whose versions of these operators have the float semantics implemented here. */
export const MIN_OPSET = 11;
export const MAX_OPSET = 23;

export type BinaryOp = 'Add' | 'Sub' | 'Mul' | 'Div' | 'Max' | 'Min';
export type UnaryOp = 'Neg' | 'Relu' | 'Sigmoid' | 'Softplus' | 'Exp' | 'Log';

/** A tensor the steps read or write: a graph value, or a constant made while planning. */
export interface Slot {
  id: number;
  dtype: DType;
  /** BATCH only as the first axis, and only when `batched`. */
  shape: Dim[];
  batched: boolean;
  /** The data, when known while planning (initializers, Constant nodes). */
  known?: Float32Array | Uint8Array;
}

interface StepBase {
  /** The ONNX node the step comes from, for messages. */
  node: string;
  out: Slot;
}

export type Step =
  | (StepBase & { kind: 'dense'; x: Slot; inSize: number; outSize: number; weights: Float32Array; bias: Float32Array | undefined; relu: boolean })
  | (StepBase & { kind: 'binary'; op: BinaryOp; a: Slot; b: Slot })
  | (StepBase & { kind: 'where'; cond: Slot; x: Slot; y: Slot })
  | (StepBase & { kind: 'unary'; op: UnaryOp; x: Slot })
  | (StepBase & { kind: 'isnan'; x: Slot })
  | (StepBase & { kind: 'clip'; x: Slot; lo: number; hi: number })
  | (StepBase & { kind: 'concat'; inputs: Slot[]; axis: number });

export interface Plan {
  input: { name: string; slot: Slot; width: number };
  outputs: { name: string; slot: Slot; width: number }[];
  /** In order: steps on constants only (run once, at load), then the per-chunk ones. */
  steps: Step[];
  slots: Slot[];
}

/** The graph is outside the compiled engine's subset: which node, which operator, and why. */
export class UnsupportedGraphError extends Error {
  override name = 'UnsupportedGraphError';
  constructor(
    readonly node: string | undefined,
    readonly opType: string | undefined,
    detail: string,
  ) {
    super(node === undefined ? detail : `node "${node}" (${opType}): ${detail}`);
  }
}

/** Whether a step needs the batch (runs per chunk) or only constants (runs once). */
export function isBatchStep(step: Step): boolean {
  return step.out.batched;
}

const FLOAT32_MAX = 3.4028234663852886e38;

export function planGraph(model: OnnxModel): Plan {
  const version = model.opsets.get('');
  if (version === undefined) throw new UnsupportedGraphError(undefined, undefined, 'the model imports no default ONNX operator set');
  if (version < MIN_OPSET || version > MAX_OPSET) {
    throw new UnsupportedGraphError(undefined, undefined, `opset ${version} of the default domain; the compiled engine implements opsets ${MIN_OPSET} to ${MAX_OPSET}`);
  }
  return new Planner(model).plan();
}

class Planner {
  private readonly slots: Slot[] = [];
  private readonly values = new Map<string, Slot>();
  private readonly steps: Step[] = [];
  /** Initializers whose data type the engine does not take: refused when a node reads one. */
  private readonly unreadable = new Map<string, OnnxTensor>();

  constructor(private readonly model: OnnxModel) {}

  plan(): Plan {
    const { graph } = this.model;
    for (const tensor of graph.initializers) {
      if (tensor.data === undefined) this.unreadable.set(tensor.name, tensor);
      else this.values.set(tensor.name, this.constant(tensor.dims, tensor.dataType === DataType.BOOL ? 'bool' : 'float32', tensor.data));
    }
    // Before IR 4, initializers were listed among the inputs too: those are not fed.
    const fed = graph.inputs.filter((i) => !this.values.has(i.name) && !this.unreadable.has(i.name));
    if (fed.length !== 1) throw new UnsupportedGraphError(undefined, undefined, `the graph reads ${fed.length} inputs (${fed.map((i) => i.name).join(', ')}); the compiled engine runs graphs with exactly one`);
    const input = fed[0]!;
    const shape = input.shape;
    if (input.elemType !== DataType.FLOAT || shape === undefined || shape.length !== 2 || typeof shape[0] === 'number' || typeof shape[1] !== 'number') {
      const described = shape === undefined ? 'no shape' : `[${shape.map((d) => d ?? '?').join(', ')}]`;
      throw new UnsupportedGraphError(undefined, undefined, `input "${input.name}" is ${dataTypeName(input.elemType ?? 0)} ${described}; the compiled engine takes float32 [batch, width] with a free batch`);
    }
    const width = shape[1];
    const inputSlot = this.slot('float32', [BATCH, width]);
    this.values.set(input.name, inputSlot);

    for (const node of graph.nodes) this.node(node);

    const outputs = graph.outputs.map((output) => {
      const slot = this.values.get(output.name);
      if (slot === undefined) throw new UnsupportedGraphError(undefined, undefined, `output "${output.name}" is computed by no node`);
      if (!slot.batched || slot.shape.length !== 2 || slot.dtype !== 'float32') {
        throw new UnsupportedGraphError(undefined, undefined, `output "${output.name}" is ${slot.dtype} [${slot.shape.join(', ')}]; the compiled engine returns float32 [batch, k] outputs`);
      }
      return { name: output.name, slot, width: slot.shape[1] as number };
    });
    const steps = fuse(this.steps, new Set(outputs.map((o) => o.slot)));
    // Constant steps first: they run once, at load. (Each reads only constants, all made before it.)
    steps.sort((a, b) => Number(isBatchStep(a)) - Number(isBatchStep(b)));
    return { input: { name: input.name, slot: inputSlot, width }, outputs, steps, slots: this.slots };
  }

  private node(node: OnnxNode): void {
    const fail = (detail: string): never => {
      throw new UnsupportedGraphError(node.name, node.opType, detail);
    };
    if (node.domain !== '') fail(`operator domain "${node.domain}" is not the default ONNX domain; the compiled engine runs only ${OPERATORS.join(', ')}`);
    if (!(OPERATORS as readonly string[]).includes(node.opType)) fail(`operator ${node.opType} is not in the compiled engine's subset (${OPERATORS.join(', ')})`);
    const optional = node.opType === 'Clip' ? [1, 2] : node.opType === 'Gemm' ? [2] : [];
    const inputs = node.inputs.map((name, i) => {
      if (name === '') {
        if (!optional.includes(i)) fail(`input ${i} is omitted`);
        return undefined;
      }
      const unreadable = this.unreadable.get(name);
      if (unreadable !== undefined) fail(`reads initializer "${name}" of type ${dataTypeName(unreadable.dataType)}; the compiled engine takes float32 and bool`);
      const slot = this.values.get(name);
      if (slot === undefined) fail(`reads "${name}", which no earlier node computes (the nodes must be in topological order)`);
      return slot;
    });
    if (node.outputs.length !== 1 || node.outputs[0] === '') fail(`has ${node.outputs.length} outputs; the compiled engine runs nodes with one`);
    const output = node.outputs[0]!;
    const out = planNode(node, inputs, this, fail);
    this.values.set(output, out);
  }

  /** A new slot. */
  slot(dtype: DType, shape: Dim[], known?: Float32Array | Uint8Array): Slot {
    const slot: Slot = { id: this.slots.length, dtype, shape, batched: shape[0] === BATCH };
    if (known !== undefined) slot.known = known;
    this.slots.push(slot);
    return slot;
  }

  constant(dims: number[], dtype: DType, data: Float32Array | Uint8Array): Slot {
    return this.slot(dtype, [...dims], data);
  }

  emit(step: Step): Slot {
    this.steps.push(step);
    return step.out;
  }
}

type Fail = (detail: string) => never;

/** Plans one node; returns the slot of its output. */
function planNode(node: OnnxNode, inputs: (Slot | undefined)[], p: Planner, fail: Fail): Slot {
  const float = (slot: Slot | undefined, what: string): Slot => {
    if (slot === undefined) return fail(`${what} is missing`);
    if (slot.dtype !== 'float32') fail(`${what} is ${slot.dtype}; expected float32`);
    return slot;
  };
  const count = (min: number, max: number): void => {
    if (inputs.length < min || inputs.length > max) fail(`has ${inputs.length} inputs; expected ${min === max ? min : `${min} to ${max}`}`);
  };
  const noAttributes = (...allowed: string[]): void => {
    for (const name of node.attributes.keys()) if (!allowed.includes(name)) fail(`attribute "${name}" is not supported`);
  };
  const broadcast = (slots: Slot[]): Dim[] => broadcastDims(slots.map((s) => s.shape), fail);

  switch (node.opType) {
    case 'Identity': {
      count(1, 1);
      noAttributes();
      return inputs[0]!;
    }
    case 'Constant': {
      count(0, 0);
      if (node.attributes.size !== 1) fail(`has ${node.attributes.size} value attributes; expected exactly one`);
      const [name, value] = [...node.attributes][0]!;
      if (name === 'value' && value?.kind === 'tensor') {
        const t = value.value;
        if (t.data === undefined) fail(`its value is ${dataTypeName(t.dataType)}; the compiled engine takes float32 and bool`);
        return p.constant(t.dims, t.dataType === DataType.BOOL ? 'bool' : 'float32', t.data!);
      }
      if (name === 'value_float' && value?.kind === 'float') return p.constant([], 'float32', Float32Array.of(value.value));
      if (name === 'value_floats' && value?.kind === 'floats') return p.constant([value.value.length], 'float32', Float32Array.from(value.value));
      return fail(`its ${name} attribute is not a float32 or bool value`);
    }
    case 'Add': case 'Sub': case 'Mul': case 'Div': {
      count(2, 2);
      noAttributes();
      const a = float(inputs[0], 'input A');
      const b = float(inputs[1], 'input B');
      return p.emit({ kind: 'binary', node: node.name, op: node.opType, a, b, out: p.slot('float32', broadcast([a, b])) });
    }
    case 'Max': case 'Min': {
      if (inputs.length < 1) fail('has no inputs');
      noAttributes();
      const operands = inputs.map((s, i) => float(s, `input ${i}`));
      // Variadic: folded pairwise, which NaN propagation and the order of equal values do not notice.
      let acc = operands[0]!;
      for (const next of operands.slice(1)) {
        acc = p.emit({ kind: 'binary', node: node.name, op: node.opType, a: acc, b: next, out: p.slot('float32', broadcast([acc, next])) });
      }
      return acc;
    }
    case 'Neg': case 'Relu': case 'Sigmoid': case 'Softplus': case 'Exp': case 'Log': {
      count(1, 1);
      noAttributes();
      const x = float(inputs[0], 'input');
      return p.emit({ kind: 'unary', node: node.name, op: node.opType, x, out: p.slot('float32', [...x.shape]) });
    }
    case 'IsNaN': {
      count(1, 1);
      noAttributes();
      const x = float(inputs[0], 'input');
      return p.emit({ kind: 'isnan', node: node.name, x, out: p.slot('bool', [...x.shape]) });
    }
    case 'Where': {
      count(3, 3);
      noAttributes();
      const cond = inputs[0]!;
      if (cond.dtype !== 'bool') fail(`condition is ${cond.dtype}; expected bool`);
      const x = float(inputs[1], 'input X');
      const y = float(inputs[2], 'input Y');
      return p.emit({ kind: 'where', node: node.name, cond, x, y, out: p.slot('float32', broadcast([cond, x, y])) });
    }
    case 'Clip': {
      count(1, 3);
      noAttributes();
      const x = float(inputs[0], 'input');
      // Omitted bounds are float32's lowest and highest values (not infinities): onnxruntime clips ±Infinity to them.
      const lo = inputs[1] === undefined ? -FLOAT32_MAX : scalar(inputs[1], 'min', fail);
      const hi = inputs[2] === undefined ? FLOAT32_MAX : scalar(inputs[2], 'max', fail);
      return p.emit({ kind: 'clip', node: node.name, x, lo, hi, out: p.slot('float32', [...x.shape]) });
    }
    case 'Concat': {
      if (inputs.length < 1) fail('has no inputs');
      noAttributes('axis');
      const operands = inputs.map((s, i) => float(s, `input ${i}`));
      const rank = operands[0]!.shape.length;
      const axisAttr = int(node.attributes.get('axis'), undefined, 'axis', fail);
      const axis = axisAttr < 0 ? axisAttr + rank : axisAttr;
      if (axis < 0 || axis >= rank) fail(`axis ${axisAttr} is outside a rank-${rank} tensor`);
      const shape = [...operands[0]!.shape];
      let size = 0;
      for (const [i, s] of operands.entries()) {
        if (s.shape.length !== rank || s.shape.some((d, k) => k !== axis && d !== shape[k])) {
          fail(`input ${i} is [${s.shape.join(', ')}], input 0 is [${shape.join(', ')}]: only axis ${axis} may differ`);
        }
        const d = s.shape[axis]!;
        if (d === BATCH) fail('concatenating along the batch axis is not in the compiled subset');
        size += d as number;
      }
      shape[axis] = size;
      if (operands.some((s) => s.batched) && !operands.every((s) => s.batched)) fail('mixes values with and without the batch axis');
      return p.emit({ kind: 'concat', node: node.name, inputs: operands, axis, out: p.slot('float32', shape) });
    }
    case 'MatMul': {
      count(2, 2);
      noAttributes();
      const a = float(inputs[0], 'input A');
      const b = float(inputs[1], 'input B');
      if (a.shape.length < 2) fail(`input A is [${a.shape.join(', ')}]; the compiled engine multiplies [..., M, K] by [K, N]`);
      const weights = known(b, 'input B', fail);
      if (b.shape.length !== 2) fail(`input B is [${b.shape.join(', ')}]; the compiled engine multiplies by a [K, N] matrix`);
      const [k, n] = b.shape as [number, number];
      if (a.shape[a.shape.length - 1] !== k) fail(`input A is [${a.shape.join(', ')}] and input B [${k}, ${n}]: the inner dimensions differ`);
      return p.emit({ kind: 'dense', node: node.name, x: a, inSize: k, outSize: n, weights, bias: undefined, relu: false, out: p.slot('float32', [...a.shape.slice(0, -1), n]) });
    }
    case 'Gemm': {
      count(2, 3);
      noAttributes('alpha', 'beta', 'transA', 'transB');
      const alpha = floatAttribute(node.attributes.get('alpha'), 1, 'alpha', fail);
      const beta = floatAttribute(node.attributes.get('beta'), 1, 'beta', fail);
      const transA = int(node.attributes.get('transA'), 0, 'transA', fail);
      const transB = int(node.attributes.get('transB'), 0, 'transB', fail);
      const a = float(inputs[0], 'input A');
      const b = float(inputs[1], 'input B');
      if (a.shape.length !== 2 || b.shape.length !== 2) fail(`inputs are [${a.shape.join(', ')}] and [${b.shape.join(', ')}]; Gemm multiplies matrices`);
      if (transA !== 0) fail('transA = 1 (a transposed batch) is not in the compiled subset');
      const raw = known(b, 'input B', fail);
      const [b0, b1] = b.shape as [number, number];
      const [k, n] = transB !== 0 ? [b1, b0] : [b0, b1];
      if (a.shape[1] !== k) fail(`A is [${a.shape.join(', ')}] and B${transB !== 0 ? 'ᵀ' : ''} is [${k}, ${n}]: the inner dimensions differ`);
      // Y = alpha · A·B + beta · C, with alpha folded into B: one float32 rounding apart from computing alpha · (A·B).
      const weights = new Float32Array(k * n);
      for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) weights[i * n + j] = alpha * (transB !== 0 ? raw[j * k + i]! : raw[i * n + j]!);
      const outShape: Dim[] = [a.shape[0]!, n];
      const c = inputs[2];
      const biasOf = c === undefined || beta === 0 ? undefined : rowBias(c, n, beta);
      const product = p.emit({ kind: 'dense', node: node.name, x: a, inSize: k, outSize: n, weights, bias: biasOf, relu: false, out: p.slot('float32', outShape) });
      if (c === undefined || beta === 0 || biasOf !== undefined) return product;
      // C varies along the rows: added after the product, scaled by beta first unless beta is 1.
      float(c, 'input C');
      let term = c;
      if (beta !== 1) term = p.emit({ kind: 'binary', node: node.name, op: 'Mul', a: c, b: p.constant([], 'float32', Float32Array.of(beta)), out: p.slot('float32', [...c.shape]) });
      const shape = broadcast([product, term]);
      if (shape.length !== 2 || shape[0] !== outShape[0] || shape[1] !== n) fail(`C of shape [${c.shape.join(', ')}] does not broadcast to [${outShape.join(', ')}]`);
      return p.emit({ kind: 'binary', node: node.name, op: 'Add', a: product, b: term, out: p.slot('float32', shape) });
    }
    default:
      return fail('not planned');
  }
}

/** The broadcast shape, with the batch kept symbolic: it may meet only itself or 1, and must stay the first axis. */
function broadcastDims(shapes: Dim[][], fail: Fail): Dim[] {
  const batchedRank = Math.max(0, ...shapes.filter((s) => s[0] === BATCH).map((s) => s.length));
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  if (batchedRank > 0 && batchedRank < rank) fail(`shapes ${shapes.map((s) => `[${s.join(', ')}]`).join(' and ')} would move the batch off the first axis`);
  // The batch as a size no constant axis has (a prime above any real dimension), so that numpy's rules apply unchanged.
  const STAND_IN = 2_147_483_629;
  try {
    const out = broadcastShape(shapes.map((s) => s.map((d) => (d === BATCH ? STAND_IN : d))));
    if (out.some((d, i) => d === STAND_IN && i !== 0)) fail('the batch would not be the first axis');
    return out.map((d) => (d === STAND_IN ? BATCH : d));
  } catch (error) {
    if (error instanceof BroadcastError) return fail(error.message.replaceAll(String(STAND_IN), BATCH));
    throw error;
  }
}

function known(slot: Slot, what: string, fail: Fail): Float32Array {
  if (slot.known === undefined || !(slot.known instanceof Float32Array)) return fail(`${what} must be a constant (an initializer or Constant node) for the compiled engine`);
  return slot.known;
}

/** A scalar bound ([] or [1]) known while planning. */
function scalar(slot: Slot, what: string, fail: Fail): number {
  const data = known(slot, what, fail);
  if (data.length !== 1 || slot.shape.length > 1) fail(`${what} is [${slot.shape.join(', ')}]; expected a scalar`);
  return data[0]!;
}

/** beta · C as a per-column bias of width n, when C is known and broadcasts along rows ([], [1], [n], [1, n], [1, 1]); else undefined. */
function rowBias(c: Slot, n: number, beta: number): Float32Array | undefined {
  if (c.known === undefined || !(c.known instanceof Float32Array)) return undefined;
  const dims = c.shape as number[];
  const rows = dims.length === 2 ? dims[0] : 1;
  const cols = dims.length === 0 ? 1 : dims[dims.length - 1];
  if (dims.length > 2 || rows !== 1 || (cols !== 1 && cols !== n)) return undefined;
  const data = c.known;
  return Float32Array.from({ length: n }, (_, j) => beta * data[cols === 1 ? 0 : j]!);
}

function int(value: AttributeValue | undefined, fallback: number | undefined, name: string, fail: Fail): number {
  if (value === undefined) return fallback ?? fail(`attribute "${name}" is required`);
  if (value.kind !== 'int') return fail(`attribute "${name}" is not an int`);
  return value.value;
}

function floatAttribute(value: AttributeValue | undefined, fallback: number, name: string, fail: Fail): number {
  if (value === undefined) return fallback;
  if (value.kind !== 'float') return fail(`attribute "${name}" is not a float`);
  return value.value;
}

/**
 * Folds a bias Add and a Relu into the MatMul (or Gemm) before them, where the
 * intermediate values feed nothing else and are not graph outputs: one pass over
 * the activations instead of three. onnxruntime fuses the same patterns.
 */
function fuse(steps: Step[], outputs: Set<Slot>): Step[] {
  const readers = new Map<Slot, number>();
  for (const step of steps) for (const slot of reads(step)) readers.set(slot, (readers.get(slot) ?? 0) + 1);
  const only = (slot: Slot) => readers.get(slot) === 1 && !outputs.has(slot);
  const result: Step[] = [];
  for (const step of steps) {
    const dense = result.findLast((s): s is Extract<Step, { kind: 'dense' }> => s.kind === 'dense' && s.out.batched && only(s.out));
    if (dense !== undefined && reads(step).includes(dense.out)) {
      if (step.kind === 'binary' && step.op === 'Add' && dense.bias === undefined && !dense.relu) {
        const other = step.a === dense.out ? step.b : step.a;
        const bias = other.known instanceof Float32Array ? columnBias(other, dense.outSize) : undefined;
        if (bias !== undefined && sameDims(step.out.shape, dense.out.shape)) {
          dense.bias = bias;
          dense.out = step.out;
          dense.node = `${dense.node} + ${step.node}`;
          continue;
        }
      }
      if (step.kind === 'unary' && step.op === 'Relu' && !dense.relu) {
        dense.relu = true;
        dense.out = step.out;
        dense.node = `${dense.node} + ${step.node}`;
        continue;
      }
    }
    result.push(step);
  }
  return result;
}

/** A known operand that adds one value per column of an [..., n] result: shape [n], [1, n], [1] or []. */
function columnBias(slot: Slot, n: number): Float32Array | undefined {
  const dims = slot.shape as number[];
  if (dims.slice(0, -1).some((d) => d !== 1)) return undefined;
  const cols = dims.length === 0 ? 1 : dims[dims.length - 1]!;
  const data = slot.known as Float32Array;
  if (cols === n) return data;
  if (cols === 1) return new Float32Array(n).fill(data[0]!);
  return undefined;
}

function sameDims(a: Dim[], b: Dim[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function reads(step: Step): Slot[] {
  switch (step.kind) {
    case 'dense': case 'unary': case 'isnan': case 'clip': return [step.x];
    case 'binary': return [step.a, step.b];
    case 'where': return [step.cond, step.x, step.y];
    case 'concat': return step.inputs;
  }
}

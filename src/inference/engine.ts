/**
 * The engine seam: one interface between the model loader (./model.ts) and whatever
 * runs the ONNX graph. Encoded rows [count, width] go in, named outputs come out.
 *
 *   compiled  the graph planned onto the project's own WebAssembly kernels
 *             (./compiled/), for a declared operator subset; no runtime to start
 *   ort       onnxruntime-web (./ort/): any ONNX graph, ~0.5 s of initialisation per
 *             isolate, and a 14 MB .wasm that only builds which need it carry
 *
 * Which one serves a model is decided once, at load, by ./choose.ts.
 */
import { type GraphIO, outputWidth } from '../spec/feature-spec.js';

export const ENGINE_KINDS = ['compiled', 'ort'] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];
/** What the ENGINE var asks for: `auto` is compiled when the graph is in its subset, else ORT. */
export type EngineChoice = 'auto' | EngineKind;

/** A graph input or output as an engine reads it: element type and shape (a number, or a name or undefined for a free dimension). */
export interface TensorInfo {
  name: string;
  type: string;
  shape: readonly (number | string | undefined)[];
}

export interface Engine {
  readonly kind: EngineKind;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /**
   * The named outputs for `count` rows of `rows` (row-major [count, width], NaN =
   * missing): each a row-major array of count × (its width) values.
   */
  run(rows: Float32Array, count: number, outputs: readonly string[]): Promise<Readonly<Record<string, Float32Array>>>;
  /** Bytes of WebAssembly memory the engine holds, for operators; undefined if not known. */
  memoryBytes(): number | undefined;
}

/** The graph does not read or write what the spec says it does. */
export class GraphMismatchError extends Error {
  override name = 'GraphMismatchError';
}

/** The graph ran but produced something unusable (a model fault, never a client's). */
export class InferenceError extends Error {
  override name = 'InferenceError';
}

/** Columns of graph output `name`: the spec's io.widths entry, else 1 (manifests written before outputs had widths). */
export function outputColumns(io: GraphIO, name: string): number {
  return outputWidth(io, name);
}

/**
 * The engine's graph against the spec: exactly the spec's input, float32 [batch,
 * width] with the batch free; every output the spec names, float32 [batch, columns].
 */
export function checkSignature(engine: Engine, io: GraphIO, width: number): void {
  const names = engine.inputs.map((i) => i.name);
  const extra = names.filter((name) => name !== io.input);
  if (extra.length > 0 || !names.includes(io.input)) {
    throw new GraphMismatchError(
      `the graph reads inputs [${names.join(', ')}], but the spec provides only "${io.input}"` +
        (extra.length > 0 ? `; nothing feeds [${extra.join(', ')}]` : ''),
    );
  }
  checkTensor(engine.inputs, io.input, 'input', width);
  const outputs = engine.outputs.map((o) => o.name);
  const missing = io.outputs.filter((name) => !outputs.includes(name));
  if (missing.length > 0) throw new GraphMismatchError(`the graph has no outputs [${missing.join(', ')}]; it has [${outputs.join(', ')}]`);
  for (const name of io.outputs) checkTensor(engine.outputs, name, 'output', outputColumns(io, name));
}

/** A float32 tensor of shape [batch, columns], the batch dimension free. */
function checkTensor(tensors: readonly TensorInfo[], name: string, role: string, columns: number): void {
  const value = tensors.find((t) => t.name === name);
  if (value === undefined || value.type !== 'float32') throw new GraphMismatchError(`${role} "${name}" is not a float32 tensor`);
  const [batch, width] = value.shape;
  const fixedBatch = typeof batch === 'number' && batch >= 0;
  if (value.shape.length !== 2 || width !== columns || fixedBatch) {
    throw new GraphMismatchError(`${role} "${name}" has shape [${value.shape.join(', ')}], expected [batch, ${columns}]`);
  }
}

/** Each of `names` from `values`, checked: count × columns values, all finite (else an InferenceError naming the output and row). */
export function checkedOutputs(values: Readonly<Record<string, Float32Array>>, io: GraphIO, names: readonly string[], count: number): Float32Array[] {
  return names.map((name) => {
    const data = values[name];
    const columns = outputColumns(io, name);
    if (data === undefined || data.length !== count * columns) {
      throw new InferenceError(`output ${name} has ${data?.length ?? 'no'} values, expected ${count} rows × ${columns}`);
    }
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw new InferenceError(`output ${name} row ${Math.floor(i / columns)} is ${data[i]}`);
    }
    return data;
  });
}

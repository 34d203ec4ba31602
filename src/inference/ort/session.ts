/**
 * An ORT session for the LTV graph, checked against the feature spec, that turns
 * encoded rows into predictions. Tensors are built here, at the boundary, and
 * never leave this module: callers pass and get plain Float32Arrays.
 */
import type { GraphIO } from '../../spec/feature-spec.js';
import { createOrtSession, ort } from './ort.js';

/** The graph does not read or write what the spec says it does. */
export class GraphMismatchError extends Error {
  override name = 'GraphMismatchError';
}

/** The graph ran but produced something unusable (a model fault, never a client's). */
export class InferenceError extends Error {
  override name = 'InferenceError';
}

export class LtvSession {
  /** Runs one at a time: see `run`. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly io: GraphIO,
    readonly width: number,
  ) {}

  /**
   * Creates the session and checks its signature: exactly the spec's input, float32
   * [batch, width]; every output the spec names, float32 [batch, 1].
   */
  static async create(onnx: Uint8Array, io: GraphIO, width: number): Promise<LtvSession> {
    const session = await createOrtSession(onnx);
    checkSignature(session, io, width);
    return new LtvSession(session, io, width);
  }

  /**
   * Predicts `count` rows of `rows` (row-major [count, width], NaN = missing) and
   * returns one array of `count` values per output, in `io.outputs` order.
   *
   * Runs are queued rather than overlapped: ORT-web's `run` keeps per-run state on
   * the WebAssembly stack across `await`s, so two interleaved runs on one isolate
   * could restore each other's stack. A run takes microseconds, so the queue costs nothing.
   */
  run(rows: Float32Array, count: number): Promise<Float32Array[]> {
    const result = this.queue.then(() => this.runNow(rows, count));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async runNow(rows: Float32Array, count: number): Promise<Float32Array[]> {
    const size = count * this.width;
    if (!(count > 0) || rows.length < size) {
      throw new RangeError(`expected ${count} rows of ${this.width} values, got ${rows.length} values`);
    }
    const input = new ort.Tensor('float32', rows.subarray(0, size), [count, this.width]);
    const results = await this.session.run({ [this.io.input]: input }, this.io.outputs);
    return this.io.outputs.map((name) => {
      const tensor = results[name];
      if (tensor === undefined || tensor.type !== 'float32' || !(tensor.data instanceof Float32Array)) {
        throw new InferenceError(`output ${name} is missing or not float32`);
      }
      if (tensor.dims.length !== 2 || tensor.dims[0] !== count || tensor.dims[1] !== 1) {
        throw new InferenceError(`output ${name} has shape [${tensor.dims.join(', ')}], expected [${count}, 1]`);
      }
      const bad = tensor.data.findIndex((value) => !Number.isFinite(value));
      if (bad >= 0) throw new InferenceError(`output ${name} row ${bad} is ${tensor.data[bad]}`);
      return tensor.data;
    });
  }
}

function checkSignature(session: ort.InferenceSession, io: GraphIO, width: number): void {
  const extra = session.inputNames.filter((name) => name !== io.input);
  if (extra.length > 0 || !session.inputNames.includes(io.input)) {
    throw new GraphMismatchError(
      `the graph reads inputs [${session.inputNames.join(', ')}], but the spec provides only "${io.input}"` +
        (extra.length > 0 ? `; nothing feeds [${extra.join(', ')}]` : ''),
    );
  }
  checkTensor(session.inputMetadata, io.input, 'input', width);
  const missing = io.outputs.filter((name) => !session.outputNames.includes(name));
  if (missing.length > 0) {
    throw new GraphMismatchError(`the graph has no outputs [${missing.join(', ')}]; it has [${session.outputNames.join(', ')}]`);
  }
  for (const name of io.outputs) checkTensor(session.outputMetadata, name, 'output', 1);
}

/** A float32 tensor of shape [batch, columns], the batch dimension free. */
function checkTensor(metadata: readonly ort.InferenceSession.ValueMetadata[], name: string, role: string, columns: number): void {
  const value = metadata.find((m) => m.name === name);
  if (value === undefined || !value.isTensor || value.type !== 'float32') {
    throw new GraphMismatchError(`${role} "${name}" is not a float32 tensor`);
  }
  const [batch, width] = value.shape;
  const fixedBatch = typeof batch === 'number' && batch >= 0;
  if (value.shape.length !== 2 || width !== columns || fixedBatch) {
    throw new GraphMismatchError(`${role} "${name}" has shape [${value.shape.join(', ')}], expected [batch, ${columns}]`);
  }
}

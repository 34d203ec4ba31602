/**
 * onnxruntime-web behind the engine seam (../engine.ts): any ONNX graph. Tensors are
 * built here, at the boundary, and never leave this module: callers pass and get
 * plain Float32Arrays.
 */
import { type Engine, InferenceError, type TensorInfo } from '../engine.js';
import { createOrtSession, ort } from './ort.js';
import { wasmMemoryBytes } from './wasm-hook.js';

export class OrtEngine implements Engine {
  readonly kind = 'ort';
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** Runs one at a time: see `run`. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly session: ort.InferenceSession) {
    this.inputs = session.inputMetadata.map(info);
    this.outputs = session.outputMetadata.map(info);
  }

  /** A session for `onnx`; the first one of an isolate also starts ORT's WebAssembly (~0.5 s of CPU). */
  static async create(onnx: Uint8Array): Promise<OrtEngine> {
    return new OrtEngine(await createOrtSession(onnx));
  }

  /**
   * Runs are queued rather than overlapped: ORT-web's `run` keeps per-run state on
   * the WebAssembly stack across `await`s, so two interleaved runs on one isolate
   * could restore each other's stack. A run takes microseconds, so the queue costs nothing.
   */
  run(rows: Float32Array, count: number, outputs: readonly string[]): Promise<Readonly<Record<string, Float32Array>>> {
    const result = this.queue.then(() => this.runNow(rows, count, outputs));
    this.queue = result.catch(() => undefined);
    return result;
  }

  memoryBytes(): number | undefined {
    return wasmMemoryBytes();
  }

  private async runNow(rows: Float32Array, count: number, outputs: readonly string[]): Promise<Record<string, Float32Array>> {
    const input = this.inputs[0]!;
    const width = input.shape[1] as number;
    const size = count * width;
    if (!(count > 0) || rows.length < size) throw new RangeError(`expected ${count} rows of ${width} values, got ${rows.length} values`);
    const feeds = { [input.name]: new ort.Tensor('float32', rows.subarray(0, size), [count, width]) };
    const results = await this.session.run(feeds, [...outputs]);
    return Object.fromEntries(
      outputs.map((name) => {
        const tensor = results[name];
        if (tensor === undefined || tensor.type !== 'float32' || !(tensor.data instanceof Float32Array)) {
          throw new InferenceError(`output ${name} is missing or not float32`);
        }
        if (tensor.dims.length !== 2 || tensor.dims[0] !== count) {
          throw new InferenceError(`output ${name} has shape [${tensor.dims.join(', ')}], expected [${count}, columns]`);
        }
        return [name, tensor.data];
      }),
    );
  }
}

function info(value: ort.InferenceSession.ValueMetadata): TensorInfo {
  return value.isTensor ? { name: value.name, type: value.type, shape: value.shape.map((d) => (typeof d === 'number' && d < 0 ? undefined : d)) } : { name: value.name, type: 'not a tensor', shape: [] };
}

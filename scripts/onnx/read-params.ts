/**
 * The network's weights read back out of an LTV graph written by ./ltv-graph.ts:
 * the inverse of the exporter for the MLP part, so that a plain TypeScript forward
 * pass can run exactly the weights an `.onnx` file holds (the benchmark's peer of
 * onnxruntime; the shipped model's weights live nowhere else).
 *
 * The file is decoded with the protobufjs module generated from onnx.proto that
 * onnxruntime-web ships (the same independent decoder test/scripts/onnx uses), not
 * with our own writer's field numbers.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { DenseLayer, MlpParams } from '../mlp/params.js';

interface DecodedTensor {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

interface OnnxSchema {
  onnx: {
    ModelProto: {
      decode(bytes: Uint8Array): object;
      toObject(message: object, options: object): { graph: { initializer: DecodedTensor[] } };
    };
  };
}

const FLOAT = 1;
const ZILN_COLUMNS = ['logit', 'raw_mu', 'raw_sigma'] as const;

function schemaPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('onnxruntime-web')), '..', 'lib', 'onnxjs', 'ort-schema', 'protobuf', 'onnx.js');
}

/**
 * The MLP of the LTV graph in `onnx`: hidden layers `layer<i>/weight|bias`, then the
 * output layer, either `layer<n>/weight|bias` (MSE head, [H, 1]) or the ZILN head's
 * three [H, 1] columns `head/{logit,raw_mu,raw_sigma}/weight|bias` put back side by
 * side into one [H, 3] layer, as the trainer holds it. `where` names the file in errors.
 */
export function readMlpParams(onnx: Uint8Array, where = 'ltv.onnx'): MlpParams {
  let schema: OnnxSchema;
  try {
    schema = createRequire(import.meta.url)(schemaPath()) as OnnxSchema;
  } catch (error) {
    throw new Error(`${where}: cannot load onnxruntime-web's onnx.proto decoder at ${schemaPath()}: ${String(error)}`, { cause: error });
  }
  const { ModelProto } = schema.onnx;
  let model: ReturnType<typeof ModelProto.toObject>;
  try {
    model = ModelProto.toObject(ModelProto.decode(onnx), { longs: Number, defaults: true });
  } catch (error) {
    throw new Error(`${where}: not a readable ONNX model: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const tensors = new Map(model.graph.initializer.map((t) => [t.name, t]));
  const floats = (name: string, dims: number[]): Float32Array => {
    const t = tensors.get(name);
    if (t === undefined) throw new Error(`${where}: no initializer "${name}"`);
    if (t.dataType !== FLOAT) throw new Error(`${where}: initializer "${name}" has data type ${t.dataType}, expected float (${FLOAT})`);
    if (t.dims.join(',') !== dims.join(',')) throw new Error(`${where}: initializer "${name}" has shape [${t.dims.join(', ')}], expected [${dims.join(', ')}]`);
    const n = dims.reduce((a, b) => a * b, 1);
    if (t.rawData.byteLength !== 4 * n) throw new Error(`${where}: initializer "${name}" holds ${t.rawData.byteLength} bytes of raw data, expected ${4 * n}`);
    // Copied: raw data is little-endian and may sit at any offset of the decoded buffer.
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    return Float32Array.from({ length: n }, (_, i) => view.getFloat32(4 * i, true));
  };
  const dense = (prefix: string): DenseLayer => {
    const dims = tensors.get(`${prefix}/weight`)?.dims;
    if (dims?.length !== 2) throw new Error(`${where}: no [in, out] initializer "${prefix}/weight"`);
    const [inSize, outSize] = dims as [number, number];
    return { inSize, outSize, weights: floats(`${prefix}/weight`, [inSize, outSize]), bias: floats(`${prefix}/bias`, [outSize]) };
  };

  const layers: DenseLayer[] = [];
  while (tensors.has(`layer${layers.length}/weight`)) layers.push(dense(`layer${layers.length}`));
  if (tensors.has('head/logit/weight')) {
    const columns = ZILN_COLUMNS.map((name) => dense(`head/${name}`));
    const inSize = columns[0]!.inSize;
    const weights = new Float32Array(inSize * 3);
    columns.forEach((c, j) => {
      if (c.inSize !== inSize || c.outSize !== 1) throw new Error(`${where}: head/${ZILN_COLUMNS[j]}/weight is [${c.inSize}, ${c.outSize}], expected [${inSize}, 1]`);
      for (let i = 0; i < inSize; i++) weights[i * 3 + j] = c.weights[i]!;
    });
    layers.push({ inSize, outSize: 3, weights, bias: Float32Array.from(columns, (c) => c.bias[0]!) });
  }
  if (layers.length === 0) throw new Error(`${where}: no layer0/weight initializer: not an LTV graph`);
  return { layers };
}

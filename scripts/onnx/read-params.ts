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
 * The one network of an LTV graph; throws for a graph of several members
 * (readMemberParams reads those).
 */
export function readMlpParams(onnx: Uint8Array, where = 'ltv.onnx'): MlpParams {
  const members = readMemberParams(onnx, where);
  if (members.length !== 1) throw new Error(`${where}: the graph averages ${members.length} networks; read them with readMemberParams`);
  return members[0]!;
}

/**
 * The networks of the LTV graph in `onnx`, in graph order. One network: hidden
 * layers `layer<i>/weight|bias`, then the output layer, either `layer<n>/weight|bias`
 * (MSE head, [H, 1]) or the ZILN head's three [H, 1] columns
 * `head/{logit,raw_mu,raw_sigma}/weight|bias` put back side by side into one [H, 3]
 * layer, as the trainer holds it. K members: hidden layers `member<k>/layer<i>`, and
 * the last layers as block-diagonal [ΣH, K] products (`head/weight` for MSE, the
 * three `head/<column>/weight` for ZILN), member k's rows and column k taken back
 * out. `where` names the file in errors.
 */
export function readMemberParams(onnx: Uint8Array, where = 'ltv.onnx'): MlpParams[] {
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
  const hiddenOf = (prefix: string): DenseLayer[] => {
    const layers: DenseLayer[] = [];
    while (tensors.has(`${prefix}layer${layers.length}/weight`)) layers.push(dense(`${prefix}layer${layers.length}`));
    return layers;
  };

  if (!tensors.has('member0/layer0/weight')) {
    const layers = hiddenOf('');
    if (tensors.has('head/logit/weight')) layers.push(lastLayers(ZILN_COLUMNS.map((name) => dense(`head/${name}`)), [layers.at(-1)?.outSize ?? 0], where)[0]!);
    if (layers.length === 0) throw new Error(`${where}: no layer0/weight initializer: not an LTV graph`);
    return [{ layers }];
  }
  const hidden: DenseLayer[][] = [];
  while (tensors.has(`member${hidden.length}/layer0/weight`)) hidden.push(hiddenOf(`member${hidden.length}/`));
  const sizes = hidden.map((layers) => layers.at(-1)!.outSize);
  const columns = tensors.has('head/logit/weight') ? ZILN_COLUMNS.map((name) => dense(`head/${name}`)) : [dense('head')];
  const lasts = lastLayers(columns, sizes, where);
  return hidden.map((layers, k) => ({ layers: [...layers, lasts[k]!] }));
}

/**
 * The members' last layers ([H_k, columns.length] each) from the head's products,
 * one per column of the trainer's output layer, each [ΣH, K] with member k's block
 * in rows offset_k … offset_k + H_k − 1 of column k.
 */
function lastLayers(columns: readonly DenseLayer[], sizes: readonly number[], where: string): DenseLayer[] {
  const count = sizes.length;
  const rows = sizes.reduce((a, b) => a + b, 0);
  columns.forEach((c, j) => {
    if (c.inSize !== rows || c.outSize !== count) throw new Error(`${where}: head column ${j} is [${c.inSize}, ${c.outSize}], expected [${rows}, ${count}]`);
  });
  const width = columns.length;
  let offset = 0;
  return sizes.map((inSize, k) => {
    const weights = new Float32Array(inSize * width);
    columns.forEach((c, j) => {
      for (let i = 0; i < inSize; i++) weights[i * width + j] = c.weights[(offset + i) * count + k]!;
    });
    offset += inSize;
    return { inSize, outSize: width, weights, bias: Float32Array.from(columns, (c) => c.bias[k]!) };
  });
}

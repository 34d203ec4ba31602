/**
 * Small ONNX graphs for tests, written with the protobufjs module generated from
 * onnx.proto that onnxruntime-web ships: an encoder independent of the project's own
 * writer (scripts/onnx/wire.ts) and reader (src/inference/compiled/onnx-model.ts).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const FLOAT = 1;
export const BOOL = 9;
export const INT64 = 7;

export interface GraphNode {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  /** Attributes by name: a number is an int unless listed in `floats`, a number[] ints, a Float32Array floats. */
  attributes?: Record<string, number | number[] | Float32Array | string>;
  floatAttributes?: string[];
}

export interface GraphTensor {
  name: string;
  dims: number[];
  data: Float32Array | number[];
  dataType?: number;
}

export interface GraphSpec {
  nodes: GraphNode[];
  initializers?: GraphTensor[];
  inputs: { name: string; shape: (number | string)[]; type?: number }[];
  outputs: { name: string; shape: (number | string)[]; type?: number }[];
  opset?: number;
  irVersion?: number;
}

interface OnnxModule {
  onnx: { ModelProto: { fromObject(o: object): object; encode(m: object): { finish(): Uint8Array } } };
}

function onnxModule(): OnnxModule {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('onnxruntime-web'));
  return require(join(dist, '..', 'lib', 'onnxjs', 'ort-schema', 'protobuf', 'onnx.js')) as OnnxModule;
}

const valueInfo = ({ name, shape, type = FLOAT }: { name: string; shape: (number | string)[]; type?: number }) => ({
  name,
  type: { tensorType: { elemType: type, shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
});

function tensor({ name, dims, data, dataType = FLOAT }: GraphTensor): object {
  if (dataType === FLOAT) return { name, dims, dataType, floatData: Array.from(data) };
  if (dataType === INT64) return { name, dims, dataType, int64Data: Array.from(data) };
  return { name, dims, dataType, int32Data: Array.from(data) };
}

function attribute(name: string, value: NonNullable<GraphNode['attributes']>[string], asFloat: boolean): object {
  if (typeof value === 'string') return { name, type: 3, s: new TextEncoder().encode(value) };
  if (value instanceof Float32Array) return { name, type: 6, floats: Array.from(value) };
  if (Array.isArray(value)) return { name, type: 7, ints: value };
  return asFloat ? { name, type: 1, f: value } : { name, type: 2, i: value };
}

export function onnxBytes(spec: GraphSpec): Uint8Array {
  const { onnx } = onnxModule();
  const graph = {
    name: 'test',
    node: spec.nodes.map((n, i) => ({
      opType: n.op,
      name: n.name ?? `${n.op}_${i}`,
      domain: n.domain ?? '',
      input: n.inputs,
      output: n.outputs,
      attribute: Object.entries(n.attributes ?? {}).map(([k, v]) => attribute(k, v, n.floatAttributes?.includes(k) ?? false)),
    })),
    initializer: (spec.initializers ?? []).map(tensor),
    input: spec.inputs.map(valueInfo),
    output: spec.outputs.map(valueInfo),
  };
  const model = onnx.ModelProto.fromObject({ irVersion: spec.irVersion ?? 8, opsetImport: [{ domain: '', version: spec.opset ?? 17 }], producerName: 'ltv-edge tests', graph });
  return new Uint8Array(onnx.ModelProto.encode(model).finish());
}

/**
 * The ONNX protobuf wire format: just the messages a float32 inference graph needs,
 * written field by field over protobufjs's low-level Writer.
 *
 * Field numbers are those of onnx/onnx.proto (proto2, package onnx), cited per
 * message below; they are frozen by protobuf's compatibility rules, so they hold
 * for every IR version. Only what this module's types can express is written:
 * integer attributes (Concat's `axis`) and no other kind, no sparse tensors,
 * functions or training info, because the LTV graph uses none of them. Repeated int64 fields (`dims`) are written unpacked, as
 * proto2 declares them and as the reference (Python/C++) serializer does.
 */
import { Writer } from 'protobufjs/minimal.js';

/** Protobuf wire types. */
const VARINT = 0;
const LEN = 2;

/** onnx.proto `TensorProto.DataType.FLOAT`; the only element type this project writes. */
export const FLOAT = 1;

/** onnx.proto `AttributeProto.AttributeType.INT`. */
const ATTRIBUTE_INT = 2;

/** A float32 constant of the graph (an initializer), stored as little-endian `raw_data`. */
export interface Tensor {
  name: string;
  /** Row-major shape; `[]` is a scalar. */
  dims: number[];
  data: Float32Array;
  docString?: string;
}

/** A graph input or output: float32 with a shape whose dims are sizes or named (dynamic) dims. */
export interface ValueInfo {
  name: string;
  /** A number is a fixed size (`dim_value`); a string a symbolic one (`dim_param`), e.g. `'batch'`. */
  shape: (number | string)[];
  docString?: string;
}

export interface Node {
  /** Unique within the graph, e.g. `layer0/MatMul`. */
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  /** Integer attributes by name, e.g. `{ axis: 1 }` for Concat. */
  attributes?: Record<string, number>;
  docString?: string;
}

export interface Graph {
  name: string;
  docString?: string;
  /** Topologically sorted. */
  nodes: Node[];
  initializers: Tensor[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

export interface OpsetId {
  /** `''` is the default ONNX operator set (`ai.onnx`). */
  domain: string;
  version: number;
}

export interface Model {
  irVersion: number;
  opsetImports: OpsetId[];
  producerName: string;
  producerVersion?: string;
  docString?: string;
  graph: Graph;
  /** `metadata_props`; a record, so the keys are distinct as onnx.proto asks. */
  metadata: Record<string, string>;
}

/** Serialises a model to the bytes of an `.onnx` file. */
export function encodeModel(model: Model): Uint8Array {
  const w = Writer.create();
  // message ModelProto
  int64(w, 1, model.irVersion); //            optional int64 ir_version = 1
  string(w, 2, model.producerName); //        optional string producer_name = 2
  if (model.producerVersion !== undefined) string(w, 3, model.producerVersion); // producer_version = 3
  if (model.docString !== undefined) string(w, 6, model.docString); //           doc_string = 6
  message(w, 7, () => writeGraph(w, model.graph)); // optional GraphProto graph = 7
  for (const opset of model.opsetImports) {
    // repeated OperatorSetIdProto opset_import = 8 { optional string domain = 1; optional int64 version = 2 }
    message(w, 8, () => {
      string(w, 1, opset.domain);
      int64(w, 2, opset.version);
    });
  }
  for (const [key, value] of Object.entries(model.metadata)) {
    // repeated StringStringEntryProto metadata_props = 14 { optional string key = 1; optional string value = 2 }
    message(w, 14, () => {
      string(w, 1, key);
      string(w, 2, value);
    });
  }
  // A plain Uint8Array rather than the Buffer (possibly a slice of a shared pool) Writer returns.
  return new Uint8Array(w.finish());
}

function writeGraph(w: Writer, graph: Graph): void {
  // message GraphProto
  for (const node of graph.nodes) message(w, 1, () => writeNode(w, node)); // repeated NodeProto node = 1
  string(w, 2, graph.name); //                                                optional string name = 2
  for (const tensor of graph.initializers) message(w, 5, () => writeTensor(w, tensor)); // repeated TensorProto initializer = 5
  if (graph.docString !== undefined) string(w, 10, graph.docString); //      optional string doc_string = 10
  for (const input of graph.inputs) message(w, 11, () => writeValueInfo(w, input)); // repeated ValueInfoProto input = 11
  for (const output of graph.outputs) message(w, 12, () => writeValueInfo(w, output)); // repeated ValueInfoProto output = 12
}

function writeNode(w: Writer, node: Node): void {
  // message NodeProto
  for (const input of node.inputs) string(w, 1, input); //   repeated string input = 1
  for (const output of node.outputs) string(w, 2, output); // repeated string output = 2
  string(w, 3, node.name); //                                 optional string name = 3
  string(w, 4, node.opType); //                               optional string op_type = 4
  for (const [name, value] of Object.entries(node.attributes ?? {})) {
    // repeated AttributeProto attribute = 5 { optional string name = 1; optional int64 i = 3; optional AttributeType type = 20 }
    message(w, 5, () => {
      string(w, 1, name);
      int64(w, 3, value);
      w.uint32(tag(20, VARINT)).int32(ATTRIBUTE_INT);
    });
  }
  if (node.docString !== undefined) string(w, 6, node.docString); // optional string doc_string = 6
}

function writeTensor(w: Writer, tensor: Tensor): void {
  const count = tensor.dims.reduce((n, d) => n * d, 1);
  if (count !== tensor.data.length) {
    throw new Error(`tensor ${tensor.name}: shape [${tensor.dims.join(', ')}] holds ${count} values, data has ${tensor.data.length}`);
  }
  // message TensorProto
  for (const dim of tensor.dims) int64(w, 1, dim); //  repeated int64 dims = 1
  w.uint32(tag(2, VARINT)).int32(FLOAT); //            optional int32 data_type = 2
  string(w, 8, tensor.name); //                        optional string name = 8
  // optional bytes raw_data = 9: "fixed-width, little-endian order", IEEE 754 for floats.
  w.uint32(tag(9, LEN)).bytes(float32LittleEndian(tensor.data));
  if (tensor.docString !== undefined) string(w, 12, tensor.docString); // optional string doc_string = 12
}

function writeValueInfo(w: Writer, info: ValueInfo): void {
  // message ValueInfoProto
  string(w, 1, info.name); // optional string name = 1
  message(w, 2, () => {
    // optional TypeProto type = 2; TypeProto: oneof value { Tensor tensor_type = 1 }
    message(w, 1, () => {
      // TypeProto.Tensor: optional int32 elem_type = 1; optional TensorShapeProto shape = 2
      w.uint32(tag(1, VARINT)).int32(FLOAT);
      message(w, 2, () => {
        // TensorShapeProto: repeated Dimension dim = 1;
        // Dimension: oneof value { int64 dim_value = 1; string dim_param = 2 }
        for (const dim of info.shape) {
          message(w, 1, () => (typeof dim === 'number' ? int64(w, 1, dim) : string(w, 2, dim)));
        }
      });
    });
  });
  if (info.docString !== undefined) string(w, 3, info.docString); // optional string doc_string = 3
}

function tag(field: number, wireType: number): number {
  return ((field << 3) | wireType) >>> 0;
}

function int64(w: Writer, field: number, value: number): void {
  if (!Number.isSafeInteger(value)) throw new Error(`field ${field}: ${value} is not an integer that int64 can carry exactly`);
  w.uint32(tag(field, VARINT)).int64(value);
}

function string(w: Writer, field: number, value: string): void {
  w.uint32(tag(field, LEN)).string(value);
}

/** A length-delimited embedded message whose body `write` puts on `w`. */
function message(w: Writer, field: number, write: () => void): void {
  w.uint32(tag(field, LEN)).fork();
  write();
  w.ldelim();
}

function float32LittleEndian(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return bytes;
}

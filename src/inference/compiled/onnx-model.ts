/**
 * An `.onnx` file read into plain objects: the graph's nodes, their attributes, the
 * initializers (float32 and bool data only) and the signature. The compiled engine
 * plans from this; the file stays the one artefact, with no second weights file.
 *
 * Field numbers are those of onnx/onnx.proto (proto2, package onnx), frozen by
 * protobuf's compatibility rules. Fields the engine never needs (doc strings,
 * metadata, training info, value_info) are skipped; ones whose presence would
 * change the meaning of the graph (external data, sparse initializers, functions,
 * subgraph attributes) are refused with their location.
 */
import { FIXED32, LEN, WireReader } from './protobuf.js';

/** onnx.proto TensorProto.DataType values the engine knows by name. */
export const DataType = { FLOAT: 1, BOOL: 9 } as const;

const DATA_TYPE_NAMES: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string',
  9: 'bool', 10: 'float16', 11: 'double', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16',
};

export function dataTypeName(type: number): string {
  return DATA_TYPE_NAMES[type] ?? `data type ${type}`;
}

/** A constant tensor: float32 values, or bool values as 0/1 bytes. */
export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  /** float32 → Float32Array, bool → Uint8Array; other types are kept as undefined (refused by the planner if used). */
  data: Float32Array | Uint8Array | undefined;
}

export type AttributeValue =
  | { kind: 'float'; value: number }
  | { kind: 'int'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'tensor'; value: OnnxTensor }
  | { kind: 'floats'; value: number[] }
  | { kind: 'ints'; value: number[] }
  | { kind: 'other'; type: number };

export interface OnnxNode {
  name: string;
  opType: string;
  /** '' for the default ONNX domain (also written 'ai.onnx'). */
  domain: string;
  /** Input value names; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Map<string, AttributeValue>;
}

/** A graph input or output: element type and shape (a number, a symbolic name, or undefined when unknown). */
export interface OnnxValueInfo {
  name: string;
  elemType: number | undefined;
  shape: (number | string | undefined)[] | undefined;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  /** Opset version by domain ('' = the default ONNX domain). */
  opsets: Map<string, number>;
  graph: OnnxGraph;
}

/** The file is not an ONNX model this reader can take, with where in it. */
export class OnnxFormatError extends Error {
  override name = 'OnnxFormatError';
}

export function readOnnxModel(bytes: Uint8Array): OnnxModel {
  const r = new WireReader(bytes);
  let irVersion = 0;
  const opsets = new Map<string, number>();
  let graph: OnnxGraph | undefined;
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field === 1) irVersion = r.int64(); // ir_version
    else if (field === 7) graph = readGraph(r.message()); // graph
    else if (field === 8) {
      // opset_import: OperatorSetIdProto { domain = 1; version = 2 }
      const m = r.message();
      let domain = '';
      let version = 0;
      while (!m.done) {
        const t = m.tag();
        if (t.field === 1) domain = m.string();
        else if (t.field === 2) version = m.int64();
        else m.skip(t.wireType);
      }
      opsets.set(domain === 'ai.onnx' ? '' : domain, version);
    } else if (field === 25) throw new OnnxFormatError('the model defines functions (ModelProto.functions), which are not read');
    else r.skip(wireType);
  }
  if (graph === undefined) throw new OnnxFormatError('the model has no graph');
  return { irVersion, opsets, graph };
}

function readGraph(r: WireReader): OnnxGraph {
  const graph: OnnxGraph = { name: '', nodes: [], initializers: [], inputs: [], outputs: [] };
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field === 1) graph.nodes.push(readNode(r.message(), graph.nodes.length));
    else if (field === 2) graph.name = r.string();
    else if (field === 5) graph.initializers.push(readTensor(r.message(), `initializer ${graph.initializers.length}`));
    else if (field === 11) graph.inputs.push(readValueInfo(r.message()));
    else if (field === 12) graph.outputs.push(readValueInfo(r.message()));
    else if (field === 15) throw new OnnxFormatError('the graph has sparse initializers, which are not read');
    else r.skip(wireType);
  }
  return graph;
}

function readNode(r: WireReader, index: number): OnnxNode {
  const node: OnnxNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: new Map() };
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field === 1) node.inputs.push(r.string());
    else if (field === 2) node.outputs.push(r.string());
    else if (field === 3) node.name = r.string();
    else if (field === 4) node.opType = r.string();
    else if (field === 5) {
      const [name, value] = readAttribute(r.message(), () => `node ${node.name || index} (${node.opType || 'op not yet read'})`);
      node.attributes.set(name, value);
    } else if (field === 7) node.domain = r.string();
    else r.skip(wireType);
  }
  if (node.domain === 'ai.onnx') node.domain = '';
  // Unnamed nodes (allowed by ONNX) are named by position, so that every message can point at one.
  if (node.name === '') node.name = `#${index}`;
  return node;
}

/** AttributeProto: name = 1, f = 2, i = 3, s = 4, t = 5, floats = 7, ints = 8, type = 20. */
function readAttribute(r: WireReader, where: () => string): [string, AttributeValue] {
  let name = '';
  let type = 0;
  let f: number | undefined;
  let i: number | undefined;
  let s: string | undefined;
  let t: OnnxTensor | undefined;
  const floats: number[] = [];
  const ints: number[] = [];
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field === 1) name = r.string();
    else if (field === 2) f = r.float32();
    else if (field === 3) i = r.int64();
    else if (field === 4) s = new TextDecoder().decode(r.bytesField());
    else if (field === 5) t = readTensor(r.message(), `attribute ${name} of ${where()}`);
    else if (field === 7) r.repeated(wireType, (x) => x.float32(), floats);
    else if (field === 8) r.repeated(wireType, (x) => x.int64(), ints);
    else if (field === 20) type = r.varint();
    else r.skip(wireType);
  }
  // AttributeType: FLOAT 1, INT 2, STRING 3, TENSOR 4, FLOATS 6, INTS 7.
  switch (type) {
    case 1: return [name, { kind: 'float', value: f ?? 0 }];
    case 2: return [name, { kind: 'int', value: i ?? 0 }];
    case 3: return [name, { kind: 'string', value: s ?? '' }];
    case 4:
      if (t === undefined) throw new OnnxFormatError(`attribute ${name} of ${where()}: a tensor attribute without a tensor`);
      return [name, { kind: 'tensor', value: t }];
    case 6: return [name, { kind: 'floats', value: floats }];
    case 7: return [name, { kind: 'ints', value: ints }];
    default: return [name, { kind: 'other', type }];
  }
}

/**
 * TensorProto: dims = 1, data_type = 2, float_data = 4, int32_data = 5, name = 8,
 * raw_data = 9, data_location = 14 (1 = EXTERNAL).
 */
function readTensor(r: WireReader, where: string): OnnxTensor {
  const dims: number[] = [];
  let dataType = 0;
  let name = '';
  let raw: Uint8Array | undefined;
  const floats: number[] = [];
  const int32s: number[] = [];
  let external = false;
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field === 1) r.repeated(wireType, (x) => x.int64(), dims);
    else if (field === 2) dataType = r.varint();
    else if (field === 4) r.repeated(wireType === LEN ? LEN : FIXED32, (x) => x.float32(), floats);
    else if (field === 5) r.repeated(wireType, (x) => x.int64(), int32s);
    else if (field === 8) name = r.string();
    else if (field === 9) raw = r.bytesField();
    else if (field === 13) external = true; // external_data
    else if (field === 14) external = r.varint() === 1 || external;
    else r.skip(wireType);
  }
  const at = name === '' ? where : `tensor "${name}"`;
  if (external) throw new OnnxFormatError(`${at}: its data is stored outside the file (external data), which is not read`);
  if (dims.some((d) => d < 0)) throw new OnnxFormatError(`${at}: negative dimension in [${dims.join(', ')}]`);
  const count = dims.reduce((a, b) => a * b, 1);
  let data: Float32Array | Uint8Array | undefined;
  if (dataType === DataType.FLOAT) {
    if (raw !== undefined) {
      if (raw.byteLength !== 4 * count) throw new OnnxFormatError(`${at}: ${raw.byteLength} bytes of raw data for ${count} float32 values`);
      data = littleEndianFloats(raw);
    } else {
      if (floats.length !== count) throw new OnnxFormatError(`${at}: ${floats.length} float values for shape [${dims.join(', ')}]`);
      data = Float32Array.from(floats);
    }
  } else if (dataType === DataType.BOOL) {
    const values = raw !== undefined ? Array.from(raw) : int32s;
    if (values.length !== count) throw new OnnxFormatError(`${at}: ${values.length} bool values for shape [${dims.join(', ')}]`);
    data = Uint8Array.from(values, (v) => (v !== 0 ? 1 : 0));
  }
  return { name, dims, dataType, data };
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * raw_data's float32 values (little-endian by ONNX's definition). Copied, since the
 * bytes may sit at any offset of the file: in one native copy where the platform is
 * little-endian (x86 and ARM, where Workers run), value by value elsewhere. Start-up
 * runs this code once, unoptimised: a loop over the model's 73 k weights cost ~3 ms there.
 */
function littleEndianFloats(raw: Uint8Array): Float32Array {
  if (LITTLE_ENDIAN) return new Float32Array(raw.slice().buffer);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return Float32Array.from({ length: raw.byteLength / 4 }, (_, k) => view.getFloat32(4 * k, true));
}

/** ValueInfoProto { name = 1; type = 2 } → TypeProto { tensor_type = 1 } → { elem_type = 1; shape = 2 }. */
function readValueInfo(r: WireReader): OnnxValueInfo {
  const info: OnnxValueInfo = { name: '', elemType: undefined, shape: undefined };
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field === 1) info.name = r.string();
    else if (field === 2) {
      const type = r.message();
      while (!type.done) {
        const t = type.tag();
        if (t.field !== 1) {
          type.skip(t.wireType);
          continue;
        }
        const tensor = type.message();
        while (!tensor.done) {
          const u = tensor.tag();
          if (u.field === 1) info.elemType = tensor.varint();
          else if (u.field === 2) info.shape = readShape(tensor.message());
          else tensor.skip(u.wireType);
        }
      }
    } else r.skip(wireType);
  }
  return info;
}

/** TensorShapeProto { repeated Dimension dim = 1 }, Dimension { dim_value = 1; dim_param = 2 }. */
function readShape(r: WireReader): (number | string | undefined)[] {
  const shape: (number | string | undefined)[] = [];
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field !== 1) {
      r.skip(wireType);
      continue;
    }
    const dim = r.message();
    let value: number | string | undefined;
    while (!dim.done) {
      const t = dim.tag();
      if (t.field === 1) value = dim.int64();
      else if (t.field === 2) value = dim.string();
      else dim.skip(t.wireType);
    }
    shape.push(value);
  }
  return shape;
}

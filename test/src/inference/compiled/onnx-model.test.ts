/**
 * The compiled engine's ONNX reader against protobufjs's decoder generated from
 * onnx.proto (the one onnxruntime-web ships): the same nodes, attributes, initializer
 * values and signature, on the shipped model and on a graph with every kind of field
 * the reader takes; and bytes that are not a model are refused with where.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readOnnxModel } from '../../../../src/inference/compiled/onnx-model.js';
import { WireError } from '../../../../src/inference/compiled/protobuf.js';
import { onnxBytes } from '../../../support/onnx-graph.js';

interface Decoded {
  irVersion: number;
  opsetImport: { domain: string; version: number }[];
  graph: {
    node: { name: string; opType: string; input: string[]; output: string[]; attribute: { name: string; i: number; f: number; ints: number[] }[] }[];
    initializer: { name: string; dims: number[]; dataType: number; rawData: Uint8Array; floatData: number[] }[];
    input: { name: string; type: { tensorType: { elemType: number; shape: { dim: { dimValue?: number; dimParam?: string }[] } } } }[];
  };
}

function decode(bytes: Uint8Array): Decoded {
  const require = createRequire(import.meta.url);
  const { onnx } = require(join(dirname(require.resolve('onnxruntime-web')), '..', 'lib', 'onnxjs', 'ort-schema', 'protobuf', 'onnx.js'));
  return onnx.ModelProto.toObject(onnx.ModelProto.decode(bytes), { longs: Number, defaults: true, bytes: Uint8Array }) as Decoded;
}

function floatsOf(t: Decoded['graph']['initializer'][number]): number[] {
  if (t.rawData.length === 0) return t.floatData.map(Math.fround);
  const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
  return Array.from({ length: t.rawData.length / 4 }, (_, i) => view.getFloat32(4 * i, true));
}

function expectSameAsProtobufjs(bytes: Uint8Array): void {
  const ours = readOnnxModel(bytes);
  const theirs = decode(bytes);
  expect(ours.irVersion).toBe(theirs.irVersion);
  expect([...ours.opsets]).toEqual(theirs.opsetImport.map((o) => [o.domain, o.version]));
  expect(ours.graph.nodes.map((n) => [n.name, n.opType, n.inputs, n.outputs])).toEqual(theirs.graph.node.map((n) => [n.name, n.opType, n.input, n.output]));
  ours.graph.nodes.forEach((n, i) => {
    for (const a of theirs.graph.node[i]!.attribute) {
      const mine = n.attributes.get(a.name);
      if (mine?.kind === 'int') expect(mine.value).toBe(a.i);
      else if (mine?.kind === 'float') expect(mine.value).toBe(Math.fround(a.f));
      else if (mine?.kind === 'ints') expect(mine.value).toEqual(a.ints);
      else expect.fail(`attribute ${a.name} read as ${JSON.stringify(mine)}`);
    }
  });
  expect(ours.graph.initializers.map((t) => [t.name, t.dims, t.dataType])).toEqual(theirs.graph.initializer.map((t) => [t.name, t.dims, t.dataType]));
  ours.graph.initializers.forEach((t, i) => expect(Array.from(t.data!), t.name).toEqual(floatsOf(theirs.graph.initializer[i]!)));
  expect(ours.graph.inputs.map((v) => [v.name, v.elemType, v.shape])).toEqual(
    theirs.graph.input.map((v) => [v.name, v.type.tensorType.elemType, v.type.tensorType.shape.dim.map((d) => d.dimParam ?? d.dimValue)]),
  );
}

describe('reading an ONNX file', () => {
  it('reads the shipped model as protobufjs decodes it: every node, initializer value and the signature', () => {
    expectSameAsProtobufjs(new Uint8Array(readFileSync(new URL('../../../../model/ltv.onnx', import.meta.url))));
  });

  it('reads attributes (int, float, ints), float_data, negative ints and fixed dimensions', () => {
    expectSameAsProtobufjs(
      onnxBytes({
        nodes: [
          { op: 'Gemm', inputs: ['x', 'b'], outputs: ['g'], attributes: { alpha: 0.25, transB: 1 }, floatAttributes: ['alpha'] },
          { op: 'Concat', inputs: ['g', 'g'], outputs: ['y'], attributes: { axis: -1 } },
          { op: 'Unsqueeze', inputs: ['y'], outputs: ['z'], attributes: { axes: [0, -2] } },
        ],
        initializers: [{ name: 'b', dims: [3, 5], data: Float32Array.from({ length: 15 }, (_, i) => i / 3) }],
        inputs: [{ name: 'x', shape: ['n', 5] }],
        outputs: [{ name: 'z', shape: [1, 'n', 1, 6] }],
      }),
    );
  });

  it('refuses bytes that are not a model, saying where', () => {
    expect(() => readOnnxModel(new TextEncoder().encode('not an onnx model'))).toThrow(WireError);
    const model = readFileSync(new URL('../../../../model/ltv.onnx', import.meta.url));
    expect(() => readOnnxModel(new Uint8Array(model.subarray(0, model.length >> 1)))).toThrow(/byte \d+: .*(runs past the end|ends inside)/);
  });
});

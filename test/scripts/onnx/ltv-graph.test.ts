import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLtvOnnx, IR_VERSION, OPSET_VERSION } from '../../../scripts/onnx/ltv-graph.js';
import { predictReference } from '../../../scripts/onnx/reference.js';
import type { MlpParams } from '../../../scripts/mlp/params.js';
import { Rng } from '../../../scripts/math/rng.js';
import {
  type ColumnTransform,
  type Feature,
  type FeatureSpec,
  MISSING_LEVEL,
  OTHER_LEVEL,
  SPEC_FORMAT,
  encodedWidth,
} from '../../../src/spec/feature-spec.js';

// Agreement with the reference: |actual - expected| <= RTOL·|expected| + ATOL_SD·target.std.
// Impute, clip and scale are exact float32 operations on both sides; only the MLP's
// summation order and fused multiply-adds differ. Near 0 (where z·std + mean cancels,
// or where the final ReLU bites) relative error means nothing, so an absolute slack of
// 1e-5 target standard deviations is allowed: 0.0015 USD for the target used here.
const RTOL = 1e-5;
const ATOL_SD = 1e-5;

const METADATA = { name: 'ltv', created_at: '2025-01-01T00:00:00Z', training_data_sha256: 'ab'.repeat(32) };

type Session = ortNode.InferenceSession;
interface Runtime {
  name: string;
  create(model: Uint8Array): Promise<Session>;
  tensor(data: Float32Array, dims: number[]): ortNode.Tensor;
}

const runtimes: Runtime[] = [
  {
    name: 'onnxruntime-node',
    create: (model) => ortNode.InferenceSession.create(model, { executionProviders: ['cpu'] }),
    tensor: (data, dims) => new ortNode.Tensor('float32', data, dims),
  },
  {
    name: 'onnxruntime-web (Node WASM build)',
    create: (model) => {
      ortWeb.env.wasm.numThreads = 1;
      return ortWeb.InferenceSession.create(model, { executionProviders: ['wasm'] });
    },
    tensor: (data, dims) => new ortWeb.Tensor('float32', data, dims),
  },
];

describe('buildLtvOnnx', () => {
  const small = makeCase(new Rng(7), { numeric: 6, hidden: [8, 4] });
  const large = makeCase(new Rng(11), { numeric: 36, hidden: [500, 100] });
  const sessions = new Map<string, Session>();

  beforeAll(async () => {
    for (const runtime of runtimes) {
      for (const [label, c] of [['small', small], ['large', large]] as const) {
        sessions.set(`${runtime.name}/${label}`, await runtime.create(c.model));
      }
    }
  });

  for (const runtime of runtimes) {
    describe(runtime.name, () => {
      for (const label of ['small', 'large'] as const) {
        const c = label === 'small' ? small : large;

        it(`matches predictReference on ${label} (${c.sizes.join('-')}) for NaN, ±Infinity, huge and ordinary values`, async () => {
          const session = sessions.get(`${runtime.name}/${label}`)!;
          const rows = 1000;
          const raw = makeRows(new Rng(3), c.spec, rows);
          const actual = await run(runtime, session, c.spec, raw, rows);
          const expected = predictReference(c.spec, c.params, raw, rows);
          expectAllClose(actual, expected, c.spec.target.std);
          expect(actual.every(Number.isFinite)).toBe(true);
          expect(actual.every((v) => v >= 0)).toBe(true);
          // The ReLU head and the clipping are both exercised, not just present.
          expect(actual.some((v) => v === 0)).toBe(true);
          expect(actual.some((v) => v > 0)).toBe(true);
        });

        it(`runs ${label} with batches of 1, 7 and 1000 rows`, async () => {
          const session = sessions.get(`${runtime.name}/${label}`)!;
          for (const rows of [1, 7, 1000]) {
            const raw = makeRows(new Rng(rows), c.spec, rows);
            const actual = await run(runtime, session, c.spec, raw, rows);
            expect(actual).toHaveLength(rows);
            expectAllClose(actual, predictReference(c.spec, c.params, raw, rows), c.spec.target.std);
          }
        });
      }

      it('declares the spec input and output names with a dynamic batch dimension', () => {
        const session = sessions.get(`${runtime.name}/small`)!;
        expect(session.inputNames).toEqual(['features']);
        expect(session.outputNames).toEqual(['ltv']);
        expect(session.inputMetadata).toEqual([{ name: 'features', isTensor: true, type: 'float32', shape: ['batch', encodedWidth(small.spec)] }]);
        expect(session.outputMetadata).toEqual([{ name: 'ltv', isTensor: true, type: 'float32', shape: ['batch', 1] }]);
      });
    });
  }

  it('refuses a row whose width is not the encoded width (onnxruntime-node)', async () => {
    const session = sessions.get('onnxruntime-node/small')!;
    const width = encodedWidth(small.spec);
    await expect(session.run({ features: new ortNode.Tensor('float32', new Float32Array(width + 1), [1, width + 1]) })).rejects.toThrow();
  });

  describe('the file', () => {
    // onnxruntime-web ships a protobufjs module generated from onnx.proto; decoding our
    // bytes with it checks the hand-written field numbers against an independent source,
    // including fields that onnxruntime itself never reads back (names, docs, metadata).
    const schemaPath = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-web')), '../lib/onnxjs/ort-schema/protobuf/onnx.js');

    it.skipIf(!existsSync(schemaPath))('decodes with the onnx.proto schema shipped in onnxruntime-web', () => {
      const model = decodeModel(schemaPath, small.model);
      expect(model.irVersion).toBe(IR_VERSION);
      expect(model.opsetImport).toEqual([{ domain: '', version: OPSET_VERSION }]);
      expect(model.producerName).toBe('ltv-edge');
      expect(Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]))).toEqual(METADATA);
      const graph = model.graph;
      expect(graph.name).toBe('ltv');
      expect(graph.docString).toContain('Customer lifetime value');
      expect(graph.node.map((n) => `${n.name}:${n.opType}`)).toEqual([
        'impute/IsNaN:IsNaN', 'impute/Where:Where', 'clip/Max:Max', 'clip/Min:Min', 'scale/Sub:Sub', 'scale/Div:Div',
        'layer0/MatMul:MatMul', 'layer0/Add:Add', 'layer0/Relu:Relu',
        'layer1/MatMul:MatMul', 'layer1/Add:Add', 'layer1/Relu:Relu',
        'layer2/MatMul:MatMul', 'layer2/Add:Add',
        'target/Mul:Mul', 'target/Add:Add', 'target/Relu:Relu',
      ]);
      const width = encodedWidth(small.spec);
      expect(graph.initializer.map((t) => `${t.name}[${t.dims.join(',')}]`)).toEqual([
        `impute_value[${width}]`, `clip_min[${width}]`, `clip_max[${width}]`, `scale_mean[${width}]`, `scale_std[${width}]`,
        `layer0/weight[${width},8]`, 'layer0/bias[8]', 'layer1/weight[8,4]', 'layer1/bias[4]', 'layer2/weight[4,1]', 'layer2/bias[1]',
        'target_std[]', 'target_mean[]',
      ]);
      expect(graph.initializer.every((t) => t.dataType === 1)).toBe(true);
      const weight = graph.initializer.find((t) => t.name === 'layer1/weight')!;
      const bytes = weight.rawData;
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const decoded = Float32Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
      expect(decoded).toEqual(small.params.layers[1]!.weights);
      expect(graph.input.map((v) => [v.name, v.type.tensorType.elemType, v.type.tensorType.shape.dim.map((d) => d.dimParam || d.dimValue)]))
        .toEqual([['features', 1, ['batch', width]]]);
      expect(graph.output.map((v) => [v.name, v.type.tensorType.elemType, v.type.tensorType.shape.dim.map((d) => d.dimParam || d.dimValue)]))
        .toEqual([['ltv', 1, ['batch', 1]]]);
    });

    it('is byte-for-byte reproducible', () => {
      expect(buildLtvOnnx(small.spec, small.params, METADATA)).toEqual(small.model);
    });

    it(`weighs about 4 bytes per parameter (40 features, 500-100): reported for the record`, () => {
      const parameters = large.params.layers.reduce((n, l) => n + l.weights.length + l.bias.length, 0);
      expect(encodedWidth(large.spec)).toBe(40);
      expect(large.model.byteLength).toBeGreaterThan(parameters * 4);
      expect(large.model.byteLength).toBeLessThan(parameters * 4 + 8192);
    });
  });

  describe('shape checks', () => {
    const { spec, params } = small;
    const width = encodedWidth(spec);
    const layer = (i: number) => params.layers[i]!;
    const withLayer = (i: number, patch: Partial<MlpParams['layers'][number]>): MlpParams => ({
      layers: params.layers.map((l, j) => (j === i ? { ...l, ...patch } : l)),
    });

    it('names both shapes when the first layer does not read the encoded width', () => {
      const bad = withLayer(0, { inSize: width + 1, weights: new Float32Array((width + 1) * 8) });
      expect(() => buildLtvOnnx(spec, bad, {})).toThrow(`layer 0 reads [N, ${width + 1}], but the spec encodes rows of [N, ${width}]`);
    });

    it('names both shapes when consecutive layers do not chain', () => {
      const bad = withLayer(1, { inSize: 9, weights: new Float32Array(9 * 4) });
      expect(() => buildLtvOnnx(spec, bad, {})).toThrow('layer 0 outputs [N, 8], but layer 1 reads [N, 9]');
    });

    it('requires the last layer to output one value', () => {
      const bad = withLayer(2, { outSize: 2, weights: new Float32Array(4 * 2), bias: new Float32Array(2) });
      expect(() => buildLtvOnnx(spec, bad, {})).toThrow('the last layer outputs [N, 2], but the LTV graph needs [N, 1]');
    });

    it('names the declared shape when weights or bias have the wrong length', () => {
      expect(() => buildLtvOnnx(spec, withLayer(1, { weights: new Float32Array(31) }), {})).toThrow('layer 1: weights hold 31 values, but [8, 4] needs 32');
      expect(() => buildLtvOnnx(spec, withLayer(1, { bias: new Float32Array(3) }), {})).toThrow('layer 1: bias holds 3 values, but [4] needs 4');
    });

    it('refuses an empty network', () => {
      expect(() => buildLtvOnnx(spec, { layers: [] }, {})).toThrow('the network has no layers');
    });

    it('refuses constants that are not finite float32, a zero std and crossed clip bounds', () => {
      const weights = layer(1).weights.slice();
      weights[5] = Number.NaN;
      expect(() => buildLtvOnnx(spec, withLayer(1, { weights }), {})).toThrow('layer1 weight 5 is NaN, not a finite float32');
      const huge = structuredClone(spec);
      const first = huge.features[0]!;
      if (first.type !== 'numeric') throw new Error('fixture: first feature is numeric');
      first.transform.max = 1e39;
      expect(() => buildLtvOnnx(huge, params, {})).toThrow('column 0 (num0) max is 1e+39, not a finite float32');
      first.transform.max = first.transform.min - 1;
      expect(() => buildLtvOnnx(huge, params, {})).toThrow(`column 0 (num0) min ${first.transform.min} is greater than max ${first.transform.max}`);
      first.transform.max = first.transform.min + 1;
      first.transform.std = 1e-46;
      expect(() => buildLtvOnnx(huge, params, {})).toThrow('column 0 (num0) std is 1e-46, not a positive float32');
    });

    it('refuses more than one output name and names that collide with the graph', () => {
      expect(() => buildLtvOnnx({ ...spec, io: { input: 'features', outputs: ['ltv', 'p_alive'] } }, params, {})).toThrow('exactly one output');
      expect(() => buildLtvOnnx({ ...spec, io: { input: 'scaled', outputs: ['ltv'] } }, params, {})).toThrow('"scaled" is used twice');
      expect(() => buildLtvOnnx({ ...spec, io: { input: 'x', outputs: ['x'] } }, params, {})).toThrow('"x" is used twice');
    });
  });
});

interface Case {
  spec: FeatureSpec;
  params: MlpParams;
  sizes: number[];
  model: Uint8Array;
}

/** `numeric` numeric features plus one categorical with four levels, and an MLP over them. */
function makeCase(rng: Rng, shape: { numeric: number; hidden: number[] }): Case {
  const features: Feature[] = [];
  for (let i = 0; i < shape.numeric; i++) {
    const mean = rng.normal() * 50;
    const std = 0.1 + rng.next() * 20;
    const transform: ColumnTransform = { impute: mean + rng.normal() * std, min: mean - 3 * std, max: mean + 3 * std, mean, std };
    features.push({ name: `num${i}`, type: 'numeric', optional: true, transform });
  }
  const levels = ['email', 'search', OTHER_LEVEL, MISSING_LEVEL];
  features.push({
    name: 'channel',
    type: 'categorical',
    optional: true,
    levels,
    transforms: levels.map(() => {
      const p = 0.05 + rng.next() * 0.5;
      return { impute: 0, min: 0, max: 1, mean: p, std: Math.sqrt(p * (1 - p)) };
    }),
  });
  const spec: FeatureSpec = {
    format: SPEC_FORMAT,
    features,
    target: { name: 'holdout_spend_39w', unit: 'USD', mean: 400, std: 150 },
    io: { input: 'features', outputs: ['ltv'] },
  };
  const sizes = [encodedWidth(spec), ...shape.hidden, 1];
  const params: MlpParams = {
    layers: sizes.slice(1).map((outSize, i) => {
      const inSize = sizes[i]!;
      const scale = Math.sqrt(2 / inSize); // He initialisation keeps activations O(1) through the layers
      return {
        inSize,
        outSize,
        weights: Float32Array.from({ length: inSize * outSize }, () => rng.normal() * scale),
        bias: Float32Array.from({ length: outSize }, () => rng.normal() * 0.1),
      };
    }),
  };
  return { spec, params, sizes, model: buildLtvOnnx(spec, params, METADATA) };
}

const SPECIAL = [Number.NaN, Infinity, -Infinity, 3.4e38, -3.4e38, 1e30, -1e30, 0, -0, 1e-40];

/** Encoded rows: rows 0–2 all NaN / +Infinity / -Infinity; then a mix of ordinary and special values. */
function makeRows(rng: Rng, spec: FeatureSpec, rows: number): Float32Array {
  const width = encodedWidth(spec);
  const raw = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    let c = r * width;
    for (const feature of spec.features) {
      if (r < 3) {
        const fill = [Number.NaN, Infinity, -Infinity][r]!;
        const n = feature.type === 'numeric' ? 1 : feature.levels.length;
        raw.fill(fill, c, c + n);
        c += n;
      } else if (feature.type === 'numeric') {
        const { mean, std } = feature.transform;
        raw[c++] = rng.next() < 0.25 ? SPECIAL[rng.int(SPECIAL.length)]! : mean + rng.normal() * std * 2;
      } else {
        const hot = rng.int(feature.levels.length);
        const missing = rng.next() < 0.1;
        for (let l = 0; l < feature.levels.length; l++) raw[c++] = missing ? Number.NaN : l === hot ? 1 : 0;
      }
    }
  }
  return raw;
}

async function run(runtime: Runtime, session: Session, spec: FeatureSpec, raw: Float32Array, rows: number): Promise<Float32Array> {
  const outputs = await session.run({ [spec.io.input]: runtime.tensor(raw, [rows, encodedWidth(spec)]) });
  const ltv = outputs[spec.io.outputs[0]!]!;
  expect(ltv.dims).toEqual([rows, 1]);
  expect(ltv.type).toBe('float32');
  if (!(ltv.data instanceof Float32Array)) throw new Error(`expected Float32Array output, got ${ltv.data.constructor.name}`);
  return ltv.data;
}

function expectAllClose(actual: Float32Array, expected: Float32Array, targetStd: number): void {
  expect(actual).toHaveLength(expected.length);
  const bad: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= RTOL * Math.abs(e) + ATOL_SD * targetStd)) bad.push(`row ${i}: got ${a}, expected ${e}`);
  }
  expect(bad.slice(0, 5)).toEqual([]);
}

/** The parts of onnxruntime-web's generated `onnx.ModelProto` that the test reads. */
interface DecodedModel {
  irVersion: number;
  producerName: string;
  opsetImport: { domain: string; version: number }[];
  metadataProps: { key: string; value: string }[];
  graph: {
    name: string;
    docString: string;
    node: { name: string; opType: string }[];
    initializer: { name: string; dims: number[]; dataType: number; rawData: Uint8Array }[];
    input: DecodedValueInfo[];
    output: DecodedValueInfo[];
  };
}
interface DecodedValueInfo {
  name: string;
  type: { tensorType: { elemType: number; shape: { dim: { dimValue: number; dimParam: string }[] } } };
}
interface OnnxSchema {
  onnx: { ModelProto: { decode(bytes: Uint8Array): object; toObject(message: object, options: object): DecodedModel } };
}

function decodeModel(schemaPath: string, bytes: Uint8Array): DecodedModel {
  const schema: OnnxSchema = createRequire(import.meta.url)(schemaPath);
  const { ModelProto } = schema.onnx;
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: true });
}

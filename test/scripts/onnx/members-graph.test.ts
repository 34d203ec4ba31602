/**
 * A graph of several members, with and without calibration, in onnxruntime-node
 * and onnxruntime-web: the average of its members as each member's own graph
 * computes it, the trainer's reference on every output, the calibration's shift of
 * μ (the mixture's mean is the served ltv), finite and bounded outputs for hostile
 * rows, and only the operators the compiled engine runs, every tensor 2-D.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { MEMBER_PARAMETER_OUTPUTS, ZILN_MEMBER_OUTPUTS, zilnMean } from '../../../src/head/ziln.js';
import { buildLtvOnnx } from '../../../scripts/onnx/ltv-graph.js';
import { readMemberParams } from '../../../scripts/onnx/read-params.js';
import { predictReferenceOutputs } from '../../../scripts/onnx/reference.js';
import { calibrate } from '../../../scripts/onnx/calibrate.js';
import { Rng } from '../../../scripts/math/rng.js';
import type { FeatureSpec } from '../../../src/spec/feature-spec.js';
import { SPEC_FORMAT } from '../../../src/spec/feature-spec.js';
import { K, MAX_TARGET, WIDTH, exampleCalibration, features, network, rows, zilnMembers, zilnSpec } from '../../support/ziln-members.js';

/** The operators the compiled engine supports; a graph outside them would be served by onnxruntime-web instead. */
const ENGINE_OPERATORS = new Set(['MatMul', 'Gemm', 'Add', 'Sub', 'Mul', 'Div', 'Neg', 'Relu', 'Max', 'Min', 'Clip', 'IsNaN', 'Where', 'Sigmoid', 'Softplus', 'Exp', 'Log', 'Concat', 'Identity']);

// As in ./ziln-head-graph.test.ts: ORT's Sigmoid is accurate to ~1e-7 absolute, so p and ltv = p·amount get an absolute slack.
const RTOL = 1e-5;
const ATOL: Record<string, number> = { ltv: 1e-6 * MAX_TARGET, p_purchase: 1e-6, member_p: 1e-6, member_mu: 1e-6, member_sigma: 1e-6, mu: 1e-6, sigma: 1e-6 };

type Outputs = Record<string, { dims: readonly number[]; data: Float32Array }>;
const runtimes = [
  { name: 'onnxruntime-node', run: async (model: Uint8Array, x: Float32Array): Promise<Outputs> => {
    const session = await ortNode.InferenceSession.create(model);
    return (await session.run({ features: new ortNode.Tensor('float32', x, [x.length / WIDTH, WIDTH]) })) as unknown as Outputs;
  } },
  { name: 'onnxruntime-web (Node WASM build)', run: async (model: Uint8Array, x: Float32Array): Promise<Outputs> => {
    ortWeb.env.wasm.numThreads = 1;
    const session = await ortWeb.InferenceSession.create(model, { executionProviders: ['wasm'] });
    return (await session.run({ features: new ortWeb.Tensor('float32', x, [x.length / WIDTH, WIDTH]) })) as unknown as Outputs;
  } },
];

function expectClose(name: string, actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length, name).toBe(expected.length);
  const atol = ATOL[name] ?? 1e-6;
  const bad: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= RTOL * Math.abs(expected[i]!) + atol)) bad.push(`${name} value ${i}: ${actual[i]} vs ${expected[i]}`);
  }
  expect(bad.slice(0, 5)).toEqual([]);
}

const x = rows(new Rng(4), 200);
const n = x.length / WIDTH;
const members = zilnMembers(21);
const calibration = exampleCalibration();

describe('a graph of several ZILN members', () => {
  for (const runtime of runtimes) {
    it(`averages its members as each member's own graph computes them (${runtime.name}, 1e-5 relative)`, async () => {
      const combined = await runtime.run(buildLtvOnnx(zilnSpec(K), members, {}), x);
      const alone = await Promise.all(members.map((member) => runtime.run(buildLtvOnnx(zilnSpec(1), member, {}), x)));
      for (const name of MEMBER_PARAMETER_OUTPUTS) expect(combined[name]!.dims).toEqual([n, K]);
      for (const name of ['ltv', 'p_purchase']) expect(combined[name]!.dims).toEqual([n, 1]);
      const mean = (output: string) => Float32Array.from({ length: n }, (_, i) => alone.reduce((s, a) => s + a[output]!.data[i]!, 0) / K);
      expectClose('ltv', combined.ltv!.data, mean('ltv'));
      expectClose('p_purchase', combined.p_purchase!.data, mean('p_purchase'));
      // Column k of the member outputs is member k's own output.
      for (const [wide, single] of [['member_p', 'p_purchase'], ['member_mu', 'mu'], ['member_sigma', 'sigma']] as const) {
        const column = (k: number) => Float32Array.from({ length: n }, (_, i) => combined[wide]!.data[i * K + k]!);
        members.forEach((_, k) => expectClose(wide, column(k), alone[k]![single]!.data));
      }
    });

    it(`matches the trainer's reference on every output, calibrated (${runtime.name})`, async () => {
      const spec = zilnSpec(K, calibration);
      const actual = await runtime.run(buildLtvOnnx(spec, members, {}), x);
      const expected = predictReferenceOutputs(spec, members, x, n);
      for (const name of spec.io.outputs) expectClose(name, actual[name]!.data, expected[name]!);
    });
  }

  it('calibrates the average, and shifts each member\'s μ so that the mixture\'s mean is the served ltv', async () => {
    const plain = await runtimes[0]!.run(buildLtvOnnx(zilnSpec(K), members, {}), x);
    const calibrated = await runtimes[0]!.run(buildLtvOnnx(zilnSpec(K, calibration), members, {}), x);
    for (let i = 0; i < n; i++) {
      const m = plain.ltv!.data[i]!;
      const f = calibrated.ltv!.data[i]!;
      expect(Math.abs(f - calibrate(calibration, m)), `row ${i}`).toBeLessThanOrEqual(1e-5 * f + 1e-6);
      const mixtureMean = [0, 1, 2].reduce((s, k) => s + zilnMean({
        p: calibrated.member_p!.data[i * K + k]!, mu: calibrated.member_mu!.data[i * K + k]!, sigma: calibrated.member_sigma!.data[i * K + k]!,
      }), 0) / K;
      expect(Math.abs(mixtureMean - f), `row ${i}: mixture mean ${mixtureMean} vs ltv ${f}`).toBeLessThanOrEqual(2e-5 * f + 1e-6);
      // Unchanged by the calibration: p and σ.
      expect(calibrated.p_purchase!.data[i]).toBe(plain.p_purchase!.data[i]);
    }
    // Monotone: the calibrated ranking is the uncalibrated one.
    const order = (values: Float32Array) => Array.from(values.keys()).sort((a, b) => values[a]! - values[b]! || a - b);
    const ranked = order(plain.ltv!.data).map((i) => calibrated.ltv!.data[i]!);
    for (let j = 1; j < ranked.length; j++) expect(ranked[j]!).toBeGreaterThanOrEqual(ranked[j - 1]!);
  });

  it('keeps every output finite and ltv ≤ 10× the largest target for hostile rows, with last layers ×100', async () => {
    const loud = zilnMembers(5).map((m) => ({ layers: m.layers.map((l, i) => (i === m.layers.length - 1 ? { ...l, weights: l.weights.map((w) => w * 100) } : l)) }));
    const out = await runtimes[0]!.run(buildLtvOnnx(zilnSpec(K, calibration), loud, {}), x);
    for (const name of ZILN_MEMBER_OUTPUTS) expect(out[name]!.data.every(Number.isFinite), name).toBe(true);
    expect(out.ltv!.data.every((v) => v >= 0 && v <= 10 * MAX_TARGET)).toBe(true);
  });

  it('uses only the compiled engine\'s operators, Concat along axis 1, and writes [batch, n] outputs', () => {
    const require = createRequire(import.meta.url);
    const schemaPath = join(dirname(require.resolve('onnxruntime-web')), '..', 'lib', 'onnxjs', 'ort-schema', 'protobuf', 'onnx.js');
    const { ModelProto } = (require(schemaPath) as { onnx: { ModelProto: { decode(b: Uint8Array): object; toObject(m: object, o: object): { graph: { node: { opType: string; attribute: { name: string; i: number }[] }[]; output: { name: string; type: { tensorType: { shape: { dim: { dimValue: number; dimParam: string }[] } } } }[] } } } } }).onnx;
    const graph = ModelProto.toObject(ModelProto.decode(buildLtvOnnx(zilnSpec(K, calibration), members, {})), { longs: Number, defaults: true }).graph;
    expect(graph.node.filter((node) => !ENGINE_OPERATORS.has(node.opType)).map((node) => node.opType)).toEqual([]);
    const concat = graph.node.filter((node) => node.opType === 'Concat');
    expect(concat).toHaveLength(1);
    expect(concat[0]!.attribute.map((a) => [a.name, a.i])).toEqual([['axis', 1]]);
    expect(graph.output.map((o) => [o.name, o.type.tensorType.shape.dim.map((d) => d.dimParam || d.dimValue)])).toEqual([
      ['ltv', ['batch', 1]], ['p_purchase', ['batch', 1]], ['member_p', ['batch', K]], ['member_mu', ['batch', K]], ['member_sigma', ['batch', K]],
    ]);
    // One MatMul per hidden layer per member, plus three head products, the average of mean and p, and the calibration's.
    expect(graph.node.filter((node) => node.opType === 'MatMul')).toHaveLength(K * 2 + 3 + 2 + 1);
  });

  it('reads back each member\'s weights from the graph', () => {
    const read = readMemberParams(buildLtvOnnx(zilnSpec(K, calibration), members, {}));
    expect(read).toEqual(members);
  });

  it('refuses members that do not match the spec', () => {
    expect(() => buildLtvOnnx(zilnSpec(K), members.slice(0, 2), {})).toThrow('spec.members says 3 members, but 2 networks were given');
    expect(() => buildLtvOnnx(zilnSpec(1), members, {})).toThrow('spec.members says 1 member, but 3 networks were given');
    const narrow = zilnSpec(K);
    narrow.io.widths = { member_p: K, member_mu: K, member_sigma: 1 };
    expect(() => buildLtvOnnx(narrow, members, {})).toThrow('output member_sigma has 3 columns, but spec.io.widths says 1');
    const bad = [members[0]!, { layers: [...members[1]!.layers.slice(0, -1), { inSize: 6, outSize: 1, weights: new Float32Array(6), bias: new Float32Array(1) }] }, members[2]!];
    expect(() => buildLtvOnnx(zilnSpec(K), bad, {})).toThrow('member 1: the last layer outputs [N, 1], but the LTV graph needs [N, 3]');
  });
});

describe('a graph of several MSE members', () => {
  it('is the clamped, de-standardised average of its members, calibrated, as the reference computes it', async () => {
    const rng = new Rng(3);
    const mse = [network(rng, [WIDTH, 8, 1]), network(rng, [WIDTH, 8, 1])];
    const spec: FeatureSpec = {
      format: SPEC_FORMAT,
      features,
      target: { name: 'ltv', unit: 'USD', mean: 33, std: 100 },
      io: { input: 'features', outputs: ['ltv'] },
      members: { count: 2, seeds: [1, 2], rows: 'bootstrap' },
      calibration,
    };
    for (const runtime of runtimes) {
      const out = await runtime.run(buildLtvOnnx(spec, mse, {}), x);
      expect(out.ltv!.dims).toEqual([n, 1]);
      const expected = predictReferenceOutputs(spec, mse, x, n).ltv!;
      const bad = [...expected].flatMap((v, i) => (Math.abs(out.ltv!.data[i]! - v) <= 1e-5 * Math.abs(v) + 1e-3 ? [] : [`row ${i}: ${out.ltv!.data[i]} vs ${v}`]));
      expect(bad.slice(0, 5)).toEqual([]);
    }
  });
});

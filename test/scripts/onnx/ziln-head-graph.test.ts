/**
 * The ZILN head in the exported graph: every output against the TypeScript
 * reference on onnxruntime-node and onnxruntime-web, and finite, bounded outputs
 * for customers far outside the training range.
 */
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { ZILN_OUTPUTS, type ZilnHead } from '../../../src/head/ziln.js';
import { buildLtvOnnx } from '../../../scripts/onnx/ltv-graph.js';
import { predictReferenceOutputs } from '../../../scripts/onnx/reference.js';
import type { MlpParams } from '../../../scripts/mlp/params.js';
import { Rng } from '../../../scripts/math/rng.js';
import { type Feature, type FeatureSpec, SPEC_FORMAT, encodedWidth } from '../../../src/spec/feature-spec.js';

const MAX_TARGET = 5763; // CDNOW's largest holdout spend
const HEAD: ZilnHead = { muShift: 4, muScale: 1.1, muMin: Math.fround(Math.log(1.5)), muMax: Math.fround(Math.log(MAX_TARGET)), sigmaFloor: Math.fround(0.05), sigmaMax: Math.fround(1.1) };

// Agreement with the reference: |actual − expected| ≤ RTOL·|expected| + ATOL[output]. ORT's
// Sigmoid (MLAS) is accurate to ~1e-7 in absolute terms, not relative: at p ≈ 4e-7 it is
// off by 4 %. So p gets an absolute slack of 1e-6, and ltv = p·amount the same slack on
// the scale of the largest training target (1e-6 × 5763 USD ≈ half a cent).
const RTOL = 1e-5;
const ATOL: Record<string, number> = { ltv: 1e-6 * MAX_TARGET, p_purchase: 1e-6, mu: 1e-6, sigma: 1e-6 };

function makeZilnCase(rng: Rng, outputScale: number): { spec: FeatureSpec; params: MlpParams; model: Uint8Array } {
  const features: Feature[] = Array.from({ length: 8 }, (_, i) => ({
    name: `num${i}`,
    type: 'numeric' as const,
    optional: true,
    transform: { impute: 1, min: -10, max: 10 + i, mean: 0.5 * i, std: 1 + i },
  }));
  const spec: FeatureSpec = {
    format: SPEC_FORMAT,
    features,
    target: { name: 'holdout_spend_39w', unit: 'USD', mean: 33, std: 100, ziln: HEAD },
    io: { input: 'features', outputs: [...ZILN_OUTPUTS] },
  };
  const sizes = [8, 16, 8, 3];
  const params: MlpParams = {
    layers: sizes.slice(1).map((outSize, i) => {
      const inSize = sizes[i]!;
      const scale = Math.sqrt(2 / inSize) * (i === sizes.length - 2 ? outputScale : 1);
      return {
        inSize,
        outSize,
        weights: Float32Array.from({ length: inSize * outSize }, () => rng.normal() * scale),
        bias: Float32Array.from({ length: outSize }, () => rng.normal() * 0.1),
      };
    }),
  };
  return { spec, params, model: buildLtvOnnx(spec, params, {}) };
}

/** Ordinary rows, then the same rows ×1e6, then ±1e30, ±Infinity and NaN everywhere. */
function rows(rng: Rng, count: number): Float32Array {
  const ordinary = Float32Array.from({ length: count * 8 }, () => rng.normal() * 5);
  const far = ordinary.map((v) => v * 1e6);
  const extremes = [1e30, -1e30, Infinity, -Infinity, Number.NaN].map((v) => new Float32Array(8).fill(v));
  const mixed = Float32Array.from({ length: 8 }, (_, j) => (j % 2 === 0 ? 1e30 : -1e30));
  return Float32Array.from([...ordinary, ...far, ...extremes.flatMap((r) => [...r]), ...mixed]);
}

const runtimes = [
  { name: 'onnxruntime-node', run: async (model: Uint8Array, x: Float32Array, n: number) => {
    const session = await ortNode.InferenceSession.create(model);
    const out = await session.run({ features: new ortNode.Tensor('float32', x, [n, 8]) });
    return Object.fromEntries(ZILN_OUTPUTS.map((name) => [name, out[name]!]));
  } },
  { name: 'onnxruntime-web (Node WASM build)', run: async (model: Uint8Array, x: Float32Array, n: number) => {
    ortWeb.env.wasm.numThreads = 1;
    const session = await ortWeb.InferenceSession.create(model, { executionProviders: ['wasm'] });
    const out = await session.run({ features: new ortWeb.Tensor('float32', x, [n, 8]) });
    return Object.fromEntries(ZILN_OUTPUTS.map((name) => [name, out[name]!]));
  } },
];

describe('the ZILN graph', () => {
  for (const runtime of runtimes) {
    // (A last layer ×100 amplifies the MLP's summation-order differences past float32 agreement; it serves the bounds test below.)
    for (const outputScale of [1, 10]) {
      it(`matches the reference on every output (${runtime.name}, last layer ×${outputScale})`, async () => {
        const c = makeZilnCase(new Rng(outputScale), outputScale);
        const x = rows(new Rng(4), 200);
        const n = x.length / 8;
        const actual = await runtime.run(c.model, x, n);
        const expected = predictReferenceOutputs(c.spec, c.params, x, n);
        for (const name of ZILN_OUTPUTS) {
          const tensor = actual[name]!;
          expect(tensor.dims).toEqual([n, 1]);
          const a = tensor.data as Float32Array;
          const e = expected[name]!;
          const atol = ATOL[name]!;
          const bad = [...e].flatMap((v, i) => (Math.abs(a[i]! - v) <= RTOL * Math.abs(v) + atol ? [] : [`${name} row ${i}: ${a[i]} vs ${v}`]));
          expect(bad.slice(0, 5)).toEqual([]);
        }
      });
    }
  }

  it('keeps every output finite and within its bounds far outside the training range, the mean ≤ 10× the largest target', async () => {
    // A last layer ×100 drives the raw outputs far past every bound.
    const c = makeZilnCase(new Rng(100), 100);
    const x = rows(new Rng(8), 500);
    const n = x.length / 8;
    const out = await runtimes[0]!.run(c.model, x, n);
    const [ltv, p, mu, sigma] = ZILN_OUTPUTS.map((name) => out[name]!.data as Float32Array);
    for (let i = 0; i < n; i++) {
      expect(Number.isFinite(ltv![i]!) && ltv![i]! >= 0 && ltv![i]! <= 10 * MAX_TARGET, `ltv row ${i}: ${ltv![i]}`).toBe(true);
      expect(p![i]! >= 0 && p![i]! <= 1, `p row ${i}: ${p![i]}`).toBe(true);
      expect(mu![i]! >= HEAD.muMin && mu![i]! <= HEAD.muMax, `mu row ${i}: ${mu![i]}`).toBe(true);
      expect(sigma![i]! >= HEAD.sigmaFloor && sigma![i]! <= HEAD.sigmaMax, `sigma row ${i}: ${sigma![i]}`).toBe(true);
    }
    // The bounds were reached, not just respected.
    expect(mu!.some((v) => v === HEAD.muMax) && sigma!.some((v) => v === Math.fround(HEAD.sigmaMax))).toBe(true);
  });

  it('refuses a ZILN spec whose outputs are not ltv, p_purchase, mu, sigma, or a network without three outputs', () => {
    const c = makeZilnCase(new Rng(1), 1);
    expect(() => buildLtvOnnx({ ...c.spec, io: { input: 'features', outputs: ['ltv'] } }, c.params, {})).toThrow('the ZILN graph\'s outputs are');
    const oneOutput = { layers: [...c.params.layers.slice(0, -1), { inSize: 8, outSize: 1, weights: new Float32Array(8), bias: new Float32Array(1) }] };
    expect(() => buildLtvOnnx(c.spec, oneOutput, {})).toThrow('the last layer outputs [N, 1], but the LTV graph needs [N, 3]');
    expect(encodedWidth(c.spec)).toBe(8);
  });
});

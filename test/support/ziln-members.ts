/**
 * Hand-made ZILN members for the tests of a graph of several members: three small
 * networks of different hidden sizes (so the block-diagonal head is laid out by each
 * member's own width) on eight numeric features, their specs alone and together,
 * a calibration of the usual shape, and rows that reach hostile values. Shared by the
 * graph's tests in Node (test/scripts/onnx/members-graph.test.ts) and the workerd
 * global setup, which hands the same graphs to the compiled engine in workerd.
 */
import { Rng } from '../../scripts/math/rng.js';
import type { MlpParams } from '../../scripts/mlp/params.js';
import { fitCalibration } from '../../scripts/train/calibration.js';
import { MEMBER_PARAMETER_OUTPUTS, ZILN_MEMBER_OUTPUTS, ZILN_OUTPUTS, type ZilnHead } from '../../src/head/ziln.js';
import type { CalibrationSpec, Feature, FeatureSpec } from '../../src/spec/feature-spec.js';
import { SPEC_FORMAT } from '../../src/spec/feature-spec.js';

export const WIDTH = 8;
export const K = 3;
export const MAX_TARGET = 5763;
const HEAD: ZilnHead = { muShift: 4, muScale: 1.1, muMin: Math.fround(Math.log(1.5)), muMax: Math.fround(Math.log(MAX_TARGET)), sigmaFloor: Math.fround(0.05), sigmaMax: Math.fround(1.1) };

export const features: Feature[] = Array.from({ length: WIDTH }, (_, i) => ({
  name: `num${i}`,
  type: 'numeric' as const,
  optional: true,
  transform: { impute: 1, min: -10, max: 10 + i, mean: 0.5 * i, std: 1 + i },
}));

export function network(rng: Rng, sizes: number[]): MlpParams {
  return {
    layers: sizes.slice(1).map((outSize, i) => {
      const inSize = sizes[i]!;
      return {
        inSize,
        outSize,
        weights: Float32Array.from({ length: inSize * outSize }, () => rng.normal() * Math.sqrt(2 / inSize)),
        bias: Float32Array.from({ length: outSize }, () => rng.normal() * 0.1),
      };
    }),
  };
}

/** K ZILN members of different hidden sizes (so the block-diagonal head is laid out by each member's own width). */
export function zilnMembers(seed: number): MlpParams[] {
  const rng = new Rng(seed);
  return [[WIDTH, 16, 8, 3], [WIDTH, 12, 6, 3], [WIDTH, 20, 10, 3]].map((sizes) => network(rng, sizes));
}

export function zilnSpec(count: number, calibration?: CalibrationSpec): FeatureSpec {
  const spec: FeatureSpec = {
    format: SPEC_FORMAT,
    features,
    target: { name: 'holdout_spend_39w', unit: 'USD', mean: 33, std: 100, ziln: HEAD },
    io: count === 1 ? { input: 'features', outputs: [...ZILN_OUTPUTS] } : { input: 'features', outputs: [...ZILN_MEMBER_OUTPUTS], widths: Object.fromEntries(MEMBER_PARAMETER_OUTPUTS.map((n) => [n, count])) },
  };
  if (count > 1) spec.members = { count, seeds: Array.from({ length: count }, (_, k) => k), rows: 'folds' };
  if (calibration !== undefined) spec.calibration = calibration;
  return spec;
}

/** Ordinary rows, the same ×1e6, then ±1e30, ±Infinity and NaN everywhere. */
export function rows(rng: Rng, count: number): Float32Array {
  const ordinary = Float32Array.from({ length: count * WIDTH }, () => rng.normal() * 5);
  const far = ordinary.map((v) => v * 1e6);
  const extremes = [1e30, -1e30, Infinity, -Infinity, Number.NaN].flatMap((v) => new Array<number>(WIDTH).fill(v));
  return Float32Array.from([...ordinary, ...far, ...extremes]);
}

/** A map that lowers the top and raises the bottom, as the real fits do; fitted on made-up held-out rows. */
export function exampleCalibration(): CalibrationSpec {
  const rng = new Rng(9);
  const m = Float64Array.from({ length: 3000 }, () => Math.exp(rng.normal() * 2 + 3));
  return fitCalibration(m, Float64Array.from(m, (v) => Math.pow(v, 0.8) * 2 * rng.next()));
}

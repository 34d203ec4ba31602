/**
 * The LTV graph of ./ltv-graph.ts in plain TypeScript: what onnxruntime must
 * reproduce, for tests and benchmarks. It is built from the trainer's own pieces
 * (the column transforms, the MLP forward pass, the calibration map), so it also
 * checks that the graph computes what the networks were trained on. Each step
 * rounds to float32 where the graph does, so impute, clip and scale agree bit for
 * bit and only the MLP's summation order (and fused multiply-adds in the runtime's
 * kernels) can differ, plus, for the ZILN head, the runtime's exp, log, log1p and
 * sigmoid, and the order in which the members' average is summed.
 */
import { MEMBER_PARAMETER_OUTPUTS, ZILN_OUTPUTS, type ZilnHead, sigmoid, softplus } from '../../src/head/ziln.js';
import type { FeatureSpec } from '../../src/spec/feature-spec.js';
import { applyTransforms } from '../data/transform.js';
import { mlpForward } from '../mlp/forward.js';
import type { MlpParams } from '../mlp/params.js';
import { calibrate } from './calibrate.js';

const f32 = Math.fround;

/** The MLP part: the trainer's plain loops by default; the benchmark also passes the SIMD kernels' forward. */
export type MlpForward = (params: MlpParams, x: Float32Array, rows: number) => Float32Array;

/**
 * Predicts LTV for `rows` encoded rows (`raw`, row-major [rows, F], NaN = missing):
 * the graph's first output, one value per row.
 */
export function predictReference(spec: FeatureSpec, params: MlpParams | readonly MlpParams[], raw: Float32Array, rows: number): Float32Array {
  return predictReferenceOutputs(spec, params, raw, rows)[spec.io.outputs[0]!]!;
}

/**
 * Every graph output by name: [rows] each, or [rows, K] row-major for the members'
 * parameters. Per member, MSE head: impute → clip → (x − mean) / std → MLP →
 * z · std + mean → max(0, ·); ZILN head: the MLP's three outputs → p, μ, σ (bounded)
 * → p · exp(μ + σ²/2). Then the members' average (one member: itself), then, with
 * spec.calibration, f(average), with every member's μ shifted by log(f(m) / m).
 * `params` is one network, or one per member in graph order.
 */
export function predictReferenceOutputs(
  spec: FeatureSpec,
  params: MlpParams | readonly MlpParams[],
  raw: Float32Array,
  rows: number,
  forward: MlpForward = mlpForward,
): Record<string, Float32Array> {
  if (rows <= CHUNK_ROWS) return predictChunk(spec, params, raw, rows, forward);
  // Every step is row by row, so chunks give the same bits as one pass, and the
  // intermediate [rows, hidden] activations of each member never exist for millions of rows at once.
  const width = raw.length / rows;
  let outputs: Record<string, Float32Array> | undefined;
  for (let start = 0; start < rows; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, rows - start);
    const chunk = predictChunk(spec, params, raw.subarray(start * width, (start + count) * width), count, forward);
    outputs ??= Object.fromEntries(Object.entries(chunk).map(([name, values]) => [name, new Float32Array((values.length / count) * rows)]));
    for (const [name, values] of Object.entries(chunk)) outputs[name]!.set(values, (values.length / count) * start);
  }
  return outputs!;
}

/** Rows per pass of predictReferenceOutputs: 16,384 rows of a 128-wide layer are 8 MiB of activations per member. */
const CHUNK_ROWS = 16_384;

function predictChunk(
  spec: FeatureSpec,
  params: MlpParams | readonly MlpParams[],
  raw: Float32Array,
  rows: number,
  forward: MlpForward,
): Record<string, Float32Array> {
  const members = Array.isArray(params) ? (params as readonly MlpParams[]) : [params as MlpParams];
  const scaled = applyTransforms(spec, raw, rows);
  const heads = members.map((member) => {
    const z = forward(member, scaled, rows);
    return spec.target.ziln === undefined ? mseMember(spec, z) : zilnMember(spec.target.ziln, z, rows);
  });
  const mean = average(heads.map((h) => h.mean), rows);
  const calibrated = spec.calibration === undefined ? undefined : calibrateAll(spec, mean);
  const ltv = calibrated?.ltv ?? mean;
  if (spec.target.ziln === undefined) return { [spec.io.outputs[0]!]: ltv };

  const ziln = heads as ZilnMember[];
  const shift = calibrated?.logRatio;
  const mu = ziln.map((h) => (shift === undefined ? h.mu : h.mu.map((v, r) => f32(v + shift[r]!))));
  if (members.length === 1) {
    const [ltvName, pName, muName, sigmaName] = ZILN_OUTPUTS;
    return { [ltvName]: ltv, [pName]: ziln[0]!.p, [muName]: mu[0]!, [sigmaName]: ziln[0]!.sigma };
  }
  const [pName, muName, sigmaName] = MEMBER_PARAMETER_OUTPUTS;
  return {
    ltv,
    p_purchase: average(ziln.map((h) => h.p), rows),
    [pName]: interleave(ziln.map((h) => h.p), rows),
    [muName]: interleave(mu, rows),
    [sigmaName]: interleave(ziln.map((h) => h.sigma), rows),
  };
}

interface ZilnMember {
  mean: Float32Array;
  p: Float32Array;
  mu: Float32Array;
  sigma: Float32Array;
}

/** One member's MSE output in the target's unit, clamped at 0. */
function mseMember(spec: FeatureSpec, z: Float32Array): { mean: Float32Array } {
  const targetStd = f32(spec.target.std);
  const targetMean = f32(spec.target.mean);
  const mean = new Float32Array(z.length);
  for (let i = 0; i < z.length; i++) mean[i] = Math.max(0, f32(f32(z[i]! * targetStd) + targetMean));
  return { mean };
}

/** One member's ZILN head node by node (./ziln-head-graph.ts), z being [rows, 3]. */
function zilnMember(head: ZilnHead, z: Float32Array, rows: number): ZilnMember {
  const mean = new Float32Array(rows);
  const p = new Float32Array(rows);
  const mu = new Float32Array(rows);
  const sigma = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    p[r] = sigmoid(z[r * 3]!);
    mu[r] = Math.min(Math.max(f32(f32(z[r * 3 + 1]! * f32(head.muScale)) + f32(head.muShift)), f32(head.muMin)), f32(head.muMax));
    sigma[r] = Math.min(f32(f32(softplus(z[r * 3 + 2]!)) + f32(head.sigmaFloor)), f32(head.sigmaMax));
    const s = sigma[r]!;
    mean[r] = f32(p[r]! * f32(Math.exp(f32(mu[r]! + f32(f32(s * s) * 0.5)))));
  }
  return { mean, p, mu, sigma };
}

/** The members' average per row, as the graph's MatMul with a [K, 1] column of 1/K; one member is returned as is. */
function average(values: readonly Float32Array[], rows: number): Float32Array {
  if (values.length === 1) return values[0]!;
  const weight = f32(1 / values.length);
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (const v of values) sum += f32(v[r]! * weight);
    out[r] = sum;
  }
  return out;
}

/** [K] arrays of [rows] → one [rows, K] row-major array, as the graph's Concat along axis 1. */
function interleave(values: readonly Float32Array[], rows: number): Float32Array {
  const k = values.length;
  const out = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) out[r * k + j] = values[j]![r]!;
  return out;
}

/** f(m) per row and log(f(m) / max(m, floor)), the shift of every member's μ (./calibration-graph.ts). */
function calibrateAll(spec: FeatureSpec, mean: Float32Array): { ltv: Float32Array; logRatio: Float32Array } {
  const c = spec.calibration!;
  const floor = f32(c.floor);
  const ltv = new Float32Array(mean.length);
  const logRatio = new Float32Array(mean.length);
  for (let r = 0; r < mean.length; r++) {
    const m = Math.max(mean[r]!, floor);
    ltv[r] = calibrate(c, m);
    logRatio[r] = Math.log(f32(ltv[r]! / m));
  }
  return { ltv, logRatio };
}

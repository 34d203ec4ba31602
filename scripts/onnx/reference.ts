/**
 * The LTV graph of ./ltv-graph.ts in plain TypeScript: what onnxruntime must
 * reproduce, for tests and benchmarks. It is built from the trainer's own pieces
 * (the column transforms, the MLP forward pass), so it also checks that the graph
 * computes what the network was trained on. Each step rounds to float32 where the
 * graph does, so impute, clip and scale agree bit for bit and only the MLP's
 * summation order (and fused multiply-adds in the runtime's kernels) can differ,
 * plus, for the ZILN head, the runtime's exp, log1p and sigmoid.
 */
import { ZILN_OUTPUTS, type ZilnHead, sigmoid, softplus } from '../../src/head/ziln.js';
import type { FeatureSpec } from '../../src/spec/feature-spec.js';
import { applyTransforms } from '../data/transform.js';
import { mlpForward } from '../mlp/forward.js';
import type { MlpParams } from '../mlp/params.js';

const f32 = Math.fround;

/** The MLP part: the trainer's plain loops by default; the benchmark also passes the SIMD kernels' forward. */
export type MlpForward = (params: MlpParams, x: Float32Array, rows: number) => Float32Array;

/**
 * Predicts LTV for `rows` encoded rows (`raw`, row-major [rows, F], NaN = missing):
 * the graph's first output, one value per row.
 */
export function predictReference(spec: FeatureSpec, params: MlpParams, raw: Float32Array, rows: number): Float32Array {
  return predictReferenceOutputs(spec, params, raw, rows)[spec.io.outputs[0]!]!;
}

/**
 * Every graph output by name, [rows] each. MSE head: impute → clip → (x - mean) / std
 * → MLP → z · std + mean → max(0, ·). ZILN head: the MLP's three outputs → p, μ, σ
 * (bounded) → p · exp(μ + σ²/2).
 */
export function predictReferenceOutputs(
  spec: FeatureSpec,
  params: MlpParams,
  raw: Float32Array,
  rows: number,
  forward: MlpForward = mlpForward,
): Record<string, Float32Array> {
  const z = forward(params, applyTransforms(spec, raw, rows), rows);
  if (spec.target.ziln !== undefined) return zilnOutputs(spec.target.ziln, z, rows);
  const targetStd = f32(spec.target.std);
  const targetMean = f32(spec.target.mean);
  const ltv = new Float32Array(z.length);
  for (let i = 0; i < z.length; i++) ltv[i] = Math.max(0, f32(f32(z[i]! * targetStd) + targetMean));
  return { [spec.io.outputs[0]!]: ltv };
}

/** The ZILN head node by node (./ziln-head-graph.ts), z being [rows, 3]. */
function zilnOutputs(head: ZilnHead, z: Float32Array, rows: number): Record<string, Float32Array> {
  const [ltvName, pName, muName, sigmaName] = ZILN_OUTPUTS;
  const ltv = new Float32Array(rows);
  const p = new Float32Array(rows);
  const mu = new Float32Array(rows);
  const sigma = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    p[r] = sigmoid(z[r * 3]!);
    mu[r] = Math.min(Math.max(f32(f32(z[r * 3 + 1]! * f32(head.muScale)) + f32(head.muShift)), f32(head.muMin)), f32(head.muMax));
    sigma[r] = Math.min(f32(f32(softplus(z[r * 3 + 2]!)) + f32(head.sigmaFloor)), f32(head.sigmaMax));
    const s = sigma[r]!;
    ltv[r] = f32(p[r]! * f32(Math.exp(f32(mu[r]! + f32(f32(s * s) * 0.5)))));
  }
  return { [ltvName]: ltv, [pName]: p, [muName]: mu, [sigmaName]: sigma };
}

/**
 * The LTV graph of ./ltv-graph.ts in plain TypeScript: what onnxruntime must
 * reproduce, for tests and benchmarks. It is built from the trainer's own pieces
 * (the column transforms, the MLP forward pass), so it also checks that the graph
 * computes what the network was trained on. Each step rounds to float32 where the
 * graph does, so impute, clip and scale agree bit for bit and only the MLP's
 * summation order (and fused multiply-adds in the runtime's kernels) can differ.
 */
import type { FeatureSpec } from '../../src/spec/feature-spec.js';
import { applyTransforms } from '../data/transform.js';
import { mlpForward } from '../train/forward.js';
import type { MlpParams } from '../train/params.js';

const f32 = Math.fround;

/**
 * Predicts LTV for `rows` encoded rows (`raw`, row-major [rows, F], NaN = missing):
 * impute → clip → (x - mean) / std → MLP → z · std + mean → max(0, ·).
 * Returns [rows, 1] row-major, i.e. one value per row.
 */
export function predictReference(spec: FeatureSpec, params: MlpParams, raw: Float32Array, rows: number): Float32Array {
  const z = mlpForward(params, applyTransforms(spec, raw, rows), rows);
  const targetStd = f32(spec.target.std);
  const targetMean = f32(spec.target.mean);
  const ltv = new Float32Array(z.length);
  for (let i = 0; i < z.length; i++) ltv[i] = Math.max(0, f32(f32(z[i]! * targetStd) + targetMean));
  return ltv;
}

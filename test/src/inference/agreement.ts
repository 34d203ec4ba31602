/**
 * The bar for two engines to agree: every output within 1e-4 relative, 1e-4 absolute
 * below 1. For scale: onnxruntime-web and onnxruntime-node differ by up to 3.8e-5 on
 * the shipped model's hostile rows. No Node or workerd imports: both sides use it.
 *
 * Where onnxruntime's own two builds disagree by more than that, no engine can be
 * within 1e-4 of both, and the bar becomes their disagreement (`allowedError`). It
 * happens on a few rows of float32-ill-conditioned outputs: an MSE head that
 * de-standardises (ltv = z · 3257 + 778, a result near 0 from large terms), and a
 * ZILN ltv = p · exp(μ + σ²/2) with p ~ 1e-4, where Sigmoid's result is a cancellation
 * (p/q + ½ with p/q ≈ −½: steps of 3e-8) multiplied by exp(μ) ~ 1e4.
 */
import { mixtureQuantile } from '../../../src/head/mixture.js';
import { zilnQuantile } from '../../../src/head/ziln.js';
import type { ModelManifest } from '../../../src/spec/manifest.js';

export const TOLERANCE = 1e-4;

export interface Disagreement {
  /** |actual − expected| / max(|expected|, 1): at most TOLERANCE to agree. */
  error: number;
  index: number;
  actual: number;
  expected: number;
}

/** The worst value of `actual` against `expected` (NaN against anything but NaN is infinitely wrong). */
export function worstDisagreement(actual: ArrayLike<number>, expected: ArrayLike<number>): Disagreement {
  if (actual.length !== expected.length) throw new Error(`${actual.length} values against ${expected.length}`);
  let worst: Disagreement = { error: 0, index: -1, actual: 0, expected: 0 };
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const error = Number.isNaN(a) && Number.isNaN(e) ? 0 : Math.abs(a - e) / Math.max(Math.abs(e), 1);
    if (!(error <= worst.error)) worst = { error: Number.isNaN(error) ? Number.POSITIVE_INFINITY : error, index: i, actual: a, expected: e };
  }
  return worst;
}

/** The bar for one output: 1e-4, or onnxruntime-web's worst disagreement with onnxruntime-node on the same rows if larger. */
export function allowedError(webAgainstNode: number): number {
  return Math.max(TOLERANCE, webAgainstNode);
}

/**
 * Rows whose quantile q is well-conditioned: p at least 1e-3 away from 1 − q, the
 * atom's edge, where a quantile's derivative in p is unbounded (onnxruntime's two
 * builds give p10 values 3e-3 apart there). One flag per row and quantile.
 */
export function wellConditioned(p: ArrayLike<number>, count: number): Uint8Array {
  const flags = new Uint8Array(count * 3);
  for (let r = 0; r < count; r++) [0.1, 0.5, 0.9].forEach((q, k) => (flags[r * 3 + k] = Math.abs(p[r]! - (1 - q)) >= 1e-3 ? 1 : 0));
  return flags;
}

/** `values` where `keep` is 1. */
export function kept(values: ArrayLike<number>, keep: Uint8Array): Float64Array {
  return Float64Array.from(Array.from(values).filter((_, i) => keep[i] === 1));
}

/**
 * A ZILN model's p10, p50 and p90 per row, from its outputs: one network's p_purchase, mu
 * and sigma (src/head/ziln.ts), or the members' mixture from member_p, member_mu and
 * member_sigma, [rows, K] (src/head/mixture.ts).
 */
export function zilnQuantiles(outputs: Record<string, ArrayLike<number>>, count: number): Float64Array {
  const out = new Float64Array(count * 3);
  const memberP = outputs.member_p;
  const k = memberP === undefined ? 1 : memberP.length / count;
  const row = (values: ArrayLike<number>, r: number) => Float32Array.from({ length: k }, (_, j) => values[r * k + j]!);
  for (let r = 0; r < count; r++) {
    const quantile =
      memberP === undefined
        ? (q: number) => zilnQuantile({ p: outputs.p_purchase![r]!, mu: outputs.mu![r]!, sigma: outputs.sigma![r]! }, q)
        : (q: number) => mixtureQuantile({ p: row(memberP, r), mu: row(outputs.member_mu!, r), sigma: row(outputs.member_sigma!, r) }, q);
    [0.1, 0.5, 0.9].forEach((q, j) => (out[r * 3 + j] = quantile(q)));
  }
  return out;
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function floatsFromBase64(text: string): Float32Array {
  const bytes = fromBase64(text);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/** An equivalence case (./equivalence-cases.ts) as JSON, for vitest's provide: workerd cannot read files. */
export interface EquivalenceCaseJson {
  name: string;
  manifest: ModelManifest;
  onnxBase64: string;
  rowsBase64: string;
  count: number;
  referenceBase64: Record<string, string>;
  webBase64: Record<string, string>;
}

/** A model with an operator outside the compiled subset (./outside-subset.ts), and onnxruntime-node's LTV for its records. */
export interface OutsideSubsetModel {
  manifest: ModelManifest;
  onnxBase64: string;
  records: Record<string, number>[];
  ltv: number[];
}

/** A graph of several ZILN members, each member alone, and the trainer's outputs (./members-graph-case.ts), as JSON. */
export interface MembersGraphCaseJson {
  /** Members in the graph, input width, rows, and the largest training target the head allows. */
  members: number;
  width: number;
  count: number;
  maxTarget: number;
  rowsBase64: string;
  /** The graph of the K members, uncalibrated: ltv and p_purchase are their means. */
  combinedBase64: string;
  /** The same members calibrated. */
  calibratedBase64: string;
  /** Each member's own graph (outputs ltv, p_purchase, mu, sigma). */
  aloneBase64: string[];
  /** The trainer's outputs of the uncalibrated and the calibrated graph, by name, float32 row-major. */
  trainerBase64: Record<string, string>;
  trainerCalibratedBase64: Record<string, string>;
}

declare module 'vitest' {
  interface ProvidedContext {
    equivalenceCases: EquivalenceCaseJson[];
    outsideSubset: OutsideSubsetModel;
    membersGraph: MembersGraphCaseJson;
  }
}

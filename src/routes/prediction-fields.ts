/**
 * What one customer's prediction says, from the graph's outputs for its row: the
 * LTV for every model, and for a zero-inflated lognormal model also the purchase
 * probability and the P10/P50/P90 of the predicted distribution: one network's
 * zero-inflated lognormal, or, for a graph of several members, their equal-weight
 * mixture (src/head/mixture.ts), whose quantiles are not the mean of the members'.
 *
 * Quantiles are always returned for a ZILN model rather than behind a query flag:
 * they cost a few normal CDF evaluations per member and quantile (microseconds next
 * to the inference), and a response whose shape depends on the model alone is
 * simpler for clients than one that depends on the model and a flag.
 */
import { mixtureQuantile } from '../head/mixture.js';
import { zilnQuantile } from '../head/ziln.js';
import { float32ForJson } from '../http/float32.js';
import type { ModelOutputs } from '../inference/model.js';
import type { HeadKind } from '../spec/manifest.js';

export interface PredictionFields {
  ltv: number;
  p_purchase?: number;
  ltv_p10?: number;
  ltv_p50?: number;
  ltv_p90?: number;
}

/** The fields of row `i`; `head` from the manifest (absent = MSE). */
export function predictionFields(head: HeadKind | undefined, outputs: ModelOutputs, i: number): PredictionFields {
  const ltv = float32ForJson(outputs.ltv![i]!);
  if (head !== 'ziln') return { ltv };
  const p = outputs.p_purchase![i]!;
  const quantileOf = distribution(outputs, i);
  // Quantiles are computed in float64 from float32 parameters; rounded to float32 like the graph's outputs.
  const quantile = (q: number) => float32ForJson(Math.fround(quantileOf(q)));
  return { ltv, p_purchase: float32ForJson(p), ltv_p10: quantile(0.1), ltv_p50: quantile(0.5), ltv_p90: quantile(0.9) };
}

/** Row i's quantile function: the members' mixture when the graph has member outputs ([rows, K]), else one network's. */
function distribution(outputs: ModelOutputs, i: number): (q: number) => number {
  const memberP = outputs.member_p;
  if (memberP === undefined) {
    const params = { p: outputs.p_purchase![i]!, mu: outputs.mu![i]!, sigma: outputs.sigma![i]! };
    return (q) => zilnQuantile(params, q);
  }
  const k = memberP.length / outputs.ltv!.length;
  const row = (values: Float32Array) => values.subarray(i * k, (i + 1) * k);
  const mixture = { p: row(memberP), mu: row(outputs.member_mu!), sigma: row(outputs.member_sigma!) };
  return (q) => mixtureQuantile(mixture, q);
}

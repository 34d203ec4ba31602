/**
 * What one customer's prediction says, from the graph's outputs for its row, as
 * float32 numbers: the LTV for every model; for a zero-inflated lognormal model
 * also the purchase probability and the P10/P50/P90 of the predicted distribution
 * (one network's, or for a graph of several members their equal-weight mixture,
 * ./mixture.ts, whose quantiles are not the mean of the members'); and the coarse
 * tier of the LTV.
 *
 * Pure, and the one definition of these answers: the worker formats them for JSON
 * (src/routes/prediction-fields.ts, src/routes/segment.ts) and the batch scorer
 * writes them as FLOAT columns (scripts/score/), so a customer gets the same
 * numbers from either.
 */
import type { HeadKind } from '../spec/manifest.js';
import { mixtureQuantile } from './mixture.js';
import { zilnQuantile } from './ziln.js';

/**
 * Graph outputs by name, row-major (the shape of src/inference's ModelOutputs): one
 * value per row, or K per row for the members' outputs (member_p, member_mu, member_sigma).
 */
export type GraphOutputs = Readonly<Record<string, Float32Array>>;

export interface PredictedValues {
  ltv: number;
  p_purchase?: number;
  ltv_p10?: number;
  ltv_p50?: number;
  ltv_p90?: number;
}

/** The values of row `i`, each a float32; `head` from the manifest (absent = MSE). */
export function predictedValues(head: HeadKind | undefined, outputs: GraphOutputs, i: number): PredictedValues {
  const ltv = outputs.ltv![i]!;
  if (head !== 'ziln') return { ltv };
  const quantileOf = distribution(outputs, i);
  // Quantiles are computed in float64 from float32 parameters; rounded to float32 like the graph's outputs.
  const quantile = (q: number) => Math.fround(quantileOf(q));
  return { ltv, p_purchase: outputs.p_purchase![i]!, ltv_p10: quantile(0.1), ltv_p50: quantile(0.5), ltv_p90: quantile(0.9) };
}

/** Row i's quantile function: the members' mixture when the graph has member outputs ([rows, K]), else one network's. */
function distribution(outputs: GraphOutputs, i: number): (q: number) => number {
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

export type Tier = 'low' | 'medium' | 'high';

/** `low` below the medium threshold, `high` from the high one, `medium` between (spec.tiers). */
export function tierOf(ltv: number, [medium, high]: readonly [number, number]): Tier {
  return ltv >= high ? 'high' : ltv >= medium ? 'medium' : 'low';
}

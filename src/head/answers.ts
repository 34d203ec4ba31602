/**
 * What one customer's prediction says, from the graph's outputs for its row, as
 * float32 numbers: the LTV for every model; for a zero-inflated lognormal model
 * also the purchase probability and the P10/P50/P90 of the predicted distribution;
 * and the coarse tier of the LTV.
 *
 * Pure, and the one definition of these answers: the worker formats them for JSON
 * (src/routes/prediction-fields.ts, src/routes/segment.ts) and the batch scorer
 * writes them as FLOAT columns (scripts/score/), so a customer gets the same
 * numbers from either.
 */
import type { HeadKind } from '../spec/manifest.js';
import { zilnQuantile } from './ziln.js';

/** Graph outputs by name, one value per row each (the shape of src/inference's ModelOutputs). */
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
  const params = { p: outputs.p_purchase![i]!, mu: outputs.mu![i]!, sigma: outputs.sigma![i]! };
  // Quantiles are computed in float64 from float32 parameters; rounded to float32 like the graph's outputs.
  const quantile = (q: number) => Math.fround(zilnQuantile(params, q));
  return { ltv, p_purchase: params.p, ltv_p10: quantile(0.1), ltv_p50: quantile(0.5), ltv_p90: quantile(0.9) };
}

export type Tier = 'low' | 'medium' | 'high';

/** `low` below the medium threshold, `high` from the high one, `medium` between (spec.tiers). */
export function tierOf(ltv: number, [medium, high]: readonly [number, number]): Tier {
  return ltv >= high ? 'high' : ltv >= medium ? 'medium' : 'low';
}

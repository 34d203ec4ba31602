/**
 * What one customer's prediction says, from the graph's outputs for its row: the
 * LTV for every model, and for a zero-inflated lognormal model also the purchase
 * probability and the P10/P50/P90 of the predicted distribution.
 *
 * Quantiles are always returned for a ZILN model rather than behind a query flag:
 * they cost three inverse-normal evaluations per customer (microseconds next to the
 * inference), and a response whose shape depends on the model alone is simpler for
 * clients than one that depends on the model and a flag.
 */
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
  const params = { p: outputs.p_purchase![i]!, mu: outputs.mu![i]!, sigma: outputs.sigma![i]! };
  // Quantiles are computed in float64 from float32 parameters; rounded to float32 like the graph's outputs.
  const quantile = (q: number) => float32ForJson(Math.fround(zilnQuantile(params, q)));
  return { ltv, p_purchase: float32ForJson(params.p), ltv_p10: quantile(0.1), ltv_p50: quantile(0.5), ltv_p90: quantile(0.9) };
}

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
import { predictedValues } from '../head/answers.js';
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
  // The values are src/head/answers.ts's (shared with the batch scorer); only their JSON form is decided here.
  const v = predictedValues(head, outputs, i);
  const ltv = float32ForJson(v.ltv);
  if (v.p_purchase === undefined) return { ltv };
  return {
    ltv,
    p_purchase: float32ForJson(v.p_purchase),
    ltv_p10: float32ForJson(v.ltv_p10!),
    ltv_p50: float32ForJson(v.ltv_p50!),
    ltv_p90: float32ForJson(v.ltv_p90!),
  };
}

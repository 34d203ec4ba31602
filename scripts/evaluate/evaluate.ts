/**
 * The model judged the way LTV practitioners judge it: every metric on the test split
 * next to the same metric for each baseline on the same customers, a bootstrap
 * interval on normalised Gini, and a plain verdict per baseline from a paired
 * bootstrap of the Gini difference ("beats ridge on Gini: yes, Δ 0.021 [0.012, 0.030]").
 *
 * The model's predictions come as `{ ltv, pPurchase? }`: a model with a purchase
 * probability (the ZILN head) also gets AUC, precision, recall and F1 of "spent anything".
 */
import { type BootstrapOptions, type Interval, pairedBootstrap } from './bootstrap.js';
import { type Metrics, type Values, regressionMetrics } from './metrics.js';
import { DEFAULT_PURCHASE_THRESHOLD, type PurchaseMetrics, purchaseMetrics } from './purchase.js';

/** A model's test predictions: the expected value, and the purchase probability when it has one. */
export interface TestPredictions {
  ltv: Values;
  pPurchase?: Values;
}

export interface EvaluateOptions {
  bootstrap?: BootstrapOptions;
  /** Decision threshold on pPurchase for precision/recall/F1. Default 0.5. */
  purchaseThreshold?: number;
}

export interface PredictorEvaluation {
  metrics: Metrics;
  /** Bootstrap interval of normalised Gini. */
  giniInterval: Interval;
}

export interface Verdict {
  /** yes: the whole interval of model − baseline Gini is above 0; no: all below; unclear: it holds 0. */
  beats: 'yes' | 'no' | 'unclear';
  /** Model Gini − baseline Gini on the test split. */
  delta: number;
  /** Paired bootstrap interval of that difference. */
  interval: Interval;
  /** One line for people: `beats ridge on Gini: yes, Δ 0.021 [0.012, 0.030]`. */
  text: string;
}

export interface Evaluation {
  rows: number;
  bootstrap: { replicates: number; level: number; seed: number; metric: 'normalisedGini'; paired: true };
  model: PredictorEvaluation & { purchase?: PurchaseMetrics };
  baselines: Record<string, PredictorEvaluation & { verdict: Verdict }>;
}

/** Display names of the baselines the pipeline fits. */
export const BASELINE_LABELS: Record<string, string> = { mean: 'mean', ridge: 'ridge', pastSpend: 'past spend' };

export function evaluate(
  actual: Values,
  model: TestPredictions,
  baselines: Record<string, Values>,
  options: EvaluateOptions = {},
): Evaluation {
  if ('model' in baselines) throw new Error('evaluate: a baseline may not be called "model"');
  const predictions: Record<string, Values> = { model: model.ltv, ...baselines };
  const boot = pairedBootstrap(actual, predictions, 'model', options.bootstrap);
  const modelMetrics = regressionMetrics(actual, model.ltv);

  const evaluatedBaselines: Evaluation['baselines'] = {};
  for (const [name, predicted] of Object.entries(baselines)) {
    const metrics = regressionMetrics(actual, predicted);
    const delta = modelMetrics.normalisedGini - metrics.normalisedGini;
    evaluatedBaselines[name] = {
      metrics,
      giniInterval: boot.intervals[name]!,
      verdict: verdict(BASELINE_LABELS[name] ?? name, delta, boot.differences[name]!),
    };
  }
  const evaluatedModel: Evaluation['model'] = { metrics: modelMetrics, giniInterval: boot.intervals.model! };
  if (model.pPurchase !== undefined) {
    evaluatedModel.purchase = purchaseMetrics(actual, model.pPurchase, options.purchaseThreshold ?? DEFAULT_PURCHASE_THRESHOLD);
  }
  return {
    rows: actual.length,
    bootstrap: { replicates: boot.replicates, level: boot.level, seed: boot.seed, metric: 'normalisedGini', paired: true },
    model: evaluatedModel,
    baselines: evaluatedBaselines,
  };
}

/** "Beats" only when the whole paired interval is above 0: a Gini gain inside the noise is not a win. */
export function verdict(baseline: string, delta: number, interval: Interval): Verdict {
  const beats = interval.low > 0 ? 'yes' : interval.high < 0 ? 'no' : 'unclear';
  const range = `Δ ${signed(delta)} [${signed(interval.low)}, ${signed(interval.high)}]`;
  const answer = beats === 'yes' ? 'yes' : beats === 'no' ? 'no (worse)' : 'not clearly (the interval holds 0)';
  return { beats, delta, interval, text: `beats ${baseline} on Gini: ${answer}, ${range}` };
}

function signed(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const fixed = x.toFixed(3);
  return x > 0 ? `+${fixed}` : fixed.replace('-', '−');
}

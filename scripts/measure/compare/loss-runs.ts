/**
 * The loss comparison's measurements: one run = one loss and one seed on one
 * prepared table, scored on its test split next to the baselines on the same
 * customers. Uses the metrics of scripts/evaluate and adds the few that choosing a
 * head needs: calibration in the large, the largest prediction against the largest
 * training target, non-finite predictions, and the P10–P90 interval's coverage.
 */
import { zilnQuantile } from '../../../src/head/ziln.js';
import { columnNames } from '../../../src/spec/feature-spec.js';
import type { PreparedData } from '../../data/prepare.js';
import { fitMeanBaseline, predictMeanBaseline } from '../../evaluate/baselines.js';
import { decileMape, normalisedGini, spearman } from '../../evaluate/metrics.js';
import { fitRidge, predictRidge } from '../../evaluate/ridge.js';
import { fitNetwork } from '../../train/fit-network.js';
import type { FitOptions } from '../../mlp/fit.js';
import type { LossName } from '../../mlp/objective.js';

/** One row of the comparison table. */
export interface RunResult {
  table: string;
  model: string;
  seed: number | null;
  gini: number;
  spearman: number;
  decileMape: number;
  /** Mean prediction / mean actual on the test split. */
  calibration: number;
  /** Largest test prediction / largest training target. */
  maxRatio: number;
  nonFinite: number;
  /** Share of test customers whose actual value lies in [P10, P90]; ZILN only, ideally 0.8. */
  coverage80: number | null;
  seconds: number | null;
  bestEpoch: number | null;
}

export function runLoss(table: string, data: PreparedData, loss: LossName, seed: number, fit: FitOptions): RunResult {
  const { testOutputs, seconds, result } = fitNetwork(data, loss, { ...fit, seed });
  const ltv = testOutputs.ltv!;
  let coverage80: number | null = null;
  if (loss === 'ziln') {
    const { p_purchase: p, mu, sigma } = testOutputs;
    let inside = 0;
    for (let i = 0; i < ltv.length; i++) {
      const params = { p: p![i]!, mu: mu![i]!, sigma: sigma![i]! };
      const y = data.test.y[i]!;
      if (y >= zilnQuantile(params, 0.1) && y <= zilnQuantile(params, 0.9)) inside++;
    }
    coverage80 = inside / ltv.length;
  }
  return { ...score(table, loss, seed, data, ltv), coverage80, seconds, bestEpoch: result.bestEpoch };
}

/** The baselines on the same test customers: the training mean, ridge, and past spend when a column is named. */
export function runBaselines(table: string, data: PreparedData, pastSpend: string | undefined): RunResult[] {
  const { train, test } = data;
  const results = [
    score(table, 'mean', null, data, predictMeanBaseline(fitMeanBaseline(train.y), test.rows)),
    score(table, 'ridge', null, data, predictRidge(fitRidge(train.scaled, train.y, train.rows, data.width), test.scaled, test.rows)),
  ];
  if (pastSpend !== undefined) {
    const column = columnNames(data.spec).indexOf(pastSpend);
    if (column < 0) throw new Error(`--past-spend ${pastSpend}: no such numeric column; columns are ${columnNames(data.spec).join(', ')}`);
    // The raw column as the score (a missing value counts as no spend): the "past spend" heuristic.
    const past = Float64Array.from({ length: test.rows }, (_, i) => test.raw[i * data.width + column]! || 0);
    results.push(score(table, `past spend (${pastSpend})`, null, data, past));
  }
  return results;
}

function score(table: string, model: string, seed: number | null, data: PreparedData, predicted: ArrayLike<number>): RunResult {
  const actual = data.test.y;
  let nonFinite = 0;
  let max = 0;
  let sumPredicted = 0;
  let sumActual = 0;
  for (let i = 0; i < actual.length; i++) {
    const v = predicted[i]!;
    if (!Number.isFinite(v)) nonFinite++;
    else max = Math.max(max, v);
    sumPredicted += v;
    sumActual += actual[i]!;
  }
  const maxTrain = data.train.y.reduce((m, v) => Math.max(m, v), 0);
  const finite = nonFinite === 0;
  return {
    table,
    model,
    seed,
    gini: finite ? normalisedGini(actual, predicted) : NaN,
    spearman: finite ? spearman(actual, predicted) : NaN,
    decileMape: finite ? decileMape(actual, predicted) : NaN,
    calibration: sumPredicted / sumActual,
    maxRatio: max / maxTrain,
    nonFinite,
    coverage80: null,
    seconds: null,
    bestEpoch: null,
  };
}

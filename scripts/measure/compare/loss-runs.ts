/**
 * The loss comparison's measurements: one run = one loss and one seed on one
 * prepared table, scored on its test split next to the baselines on the same
 * customers. One training of the largest member count gives the rows of every
 * smaller count too (the first K members are exactly a K-member model: see
 * scripts/train/fit-model.ts `assembleModel`), each uncalibrated and calibrated.
 * Uses the metrics of scripts/evaluate and adds the few that choosing a model
 * needs: calibration in the large, the largest prediction against the largest
 * training target, non-finite predictions, and the P10–P90 interval's coverage.
 */
import { mixtureQuantile } from '../../../src/head/mixture.js';
import { outputWidth, columnNames } from '../../../src/spec/feature-spec.js';
import type { PreparedData } from '../../data/prepare.js';
import { fitMeanBaseline, predictMeanBaseline } from '../../evaluate/baselines.js';
import { decileMape, normalisedGini, r2, spearman } from '../../evaluate/metrics.js';
import { fitRidge, predictRidge } from '../../evaluate/ridge.js';
import { ENSEMBLE_DEFAULTS } from '../../train/ensemble-defaults.js';
import type { FitOptions } from '../../mlp/fit.js';
import type { LossName } from '../../mlp/objective.js';
import type { CalibrationOptions } from '../../train/calibration.js';
import { type FittedModel, assembleModel, fitModel, predictModel } from '../../train/fit-model.js';
import type { MemberRows, ValidationFolds } from '../../train/members.js';

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
  /** 1 − SS_res / SS_tot on the test split. */
  r2: number;
  /** Largest test prediction / largest training target. */
  maxRatio: number;
  nonFinite: number;
  /** Share of test customers whose actual value lies in [P10, P90]; ZILN only, ideally 0.8. */
  coverage80: number | null;
  /** Training wall time of the model's members. */
  seconds: number | null;
  /** Best epoch of the first member. */
  bestEpoch: number | null;
}

/** A calibration to score: none, the trainer's (isotonic over bins), or in the large only (one bin). */
export type CalibrationVariant = 'none' | 'isotonic' | 'large';

export const CALIBRATION_VARIANTS: readonly CalibrationVariant[] = ['none', 'isotonic', 'large'];

export interface VariantOptions {
  /** Member counts to score, ascending; the largest is trained. Default [ENSEMBLE_DEFAULTS.members]. */
  counts?: readonly number[];
  memberRows?: MemberRows;
  validationFolds?: ValidationFolds;
  /** Default: the trainer's own (isotonic, or none when the defaults turn calibration off). */
  calibrations?: readonly CalibrationVariant[];
}

/** Trains once and scores every requested member count × calibration. */
export function runLoss(table: string, data: PreparedData, loss: LossName, seed: number, fit: FitOptions, options: VariantOptions = {}): RunResult[] {
  const counts = [...(options.counts ?? [ENSEMBLE_DEFAULTS.members])].sort((a, b) => a - b);
  const calibrations = options.calibrations ?? [ENSEMBLE_DEFAULTS.calibration ? 'isotonic' : 'none'];
  const memberRows = options.memberRows ?? ENSEMBLE_DEFAULTS.memberRows;
  const validationFolds = options.validationFolds ?? ENSEMBLE_DEFAULTS.validationFolds;
  const trained = fitModel(data, loss, { ...fit, seed }, { members: counts.at(-1)!, memberRows, validationFolds, calibration: false });
  const results: RunResult[] = [];
  for (const count of counts) {
    for (const variant of calibrations) {
      const model = assembleModel(trained, data.train, data.width, calibrationOption(variant), count);
      const label = `${loss} ×${count}${memberRows === 'bootstrap' ? ' bootstrap' : ''}${validationFolds === 'shared' ? ' shared-fold' : ''}${variant === 'none' ? '' : variant === 'isotonic' ? ' +cal' : ' +cal(large)'}`;
      results.push(scoreModel(table, label, seed, data, model));
    }
  }
  return results;
}

function calibrationOption(variant: CalibrationVariant): boolean | CalibrationOptions {
  if (variant === 'none') return false;
  return variant === 'isotonic' ? true : { maxBins: 1 };
}

/** One model's row: its served outputs on the test split. */
export function scoreModel(table: string, label: string, seed: number, data: PreparedData, model: FittedModel): RunResult {
  const outputs = predictModel(model, data.test);
  const ltv = outputs.ltv!;
  let coverage80: number | null = null;
  if (model.spec.target.ziln !== undefined) {
    const one = model.members.length === 1;
    const [p, mu, sigma] = one ? [outputs.p_purchase!, outputs.mu!, outputs.sigma!] : [outputs.member_p!, outputs.member_mu!, outputs.member_sigma!];
    const k = one ? 1 : outputWidth(model.spec.io, 'member_p');
    let inside = 0;
    for (let i = 0; i < ltv.length; i++) {
      const mixture = { p: p.subarray(i * k, (i + 1) * k), mu: mu.subarray(i * k, (i + 1) * k), sigma: sigma.subarray(i * k, (i + 1) * k) };
      const y = data.test.y[i]!;
      if (y >= mixtureQuantile(mixture, 0.1) && y <= mixtureQuantile(mixture, 0.9)) inside++;
    }
    coverage80 = inside / ltv.length;
  }
  return { ...score(table, label, seed, data, ltv), coverage80, seconds: model.seconds, bestEpoch: model.members[0]!.bestEpoch };
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
    r2: finite ? r2(actual, predicted) : NaN,
    maxRatio: max / maxTrain,
    nonFinite,
    coverage80: null,
    seconds: null,
    bestEpoch: null,
  };
}

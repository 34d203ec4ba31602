/**
 * The model for one loss on prepared data, as the graph will serve it: K member
 * networks (./members.ts says on which rows and seeds), their average, and the
 * calibration map fitted on the rows each member held out (./calibration.ts).
 * Shared by `trainModel`, cross-validation and the loss comparison, so that every
 * figure measures exactly what the trainer ships.
 */
import { MEMBER_PARAMETER_OUTPUTS, ZILN_MEMBER_OUTPUTS } from '../../src/head/ziln.js';
import type { FeatureSpec } from '../../src/spec/feature-spec.js';
import type { PreparedData } from '../data/prepare.js';
import { FIT_DEFAULTS } from '../mlp/fit-defaults.js';
import { ENSEMBLE_DEFAULTS } from './ensemble-defaults.js';
import { type FitHooks, type FitOptions, type FitResult, fit } from '../mlp/fit.js';
import type { MlpParams } from '../mlp/params.js';
import type { LossName } from '../mlp/objective.js';
import { predictReferenceOutputs } from '../onnx/reference.js';
import { type CalibrationOptions, fitCalibration } from './calibration.js';
import { type NetworkSplit, headFor } from './fit-network.js';
import { type MemberPlan, type MemberRows, type ValidationFolds, memberPlans } from './members.js';
import type { ModelVariant } from '../report/train-report.js';

/** Every option defaults to ENSEMBLE_DEFAULTS (scripts/mlp/fit-defaults.ts). */
export interface EnsembleOptions {
  /** Member networks averaged by the graph; 1 = a single network. */
  members?: number;
  /** Rows each member trains on: its folds, or a bootstrap resample of them. */
  memberRows?: MemberRows;
  /** Each member holds out its own fold ('rotate'), or all hold out the first ('shared'). */
  validationFolds?: ValidationFolds;
  /** Fit the calibration map on the held-out rows (options for its bins), or not (false). */
  calibration?: boolean | CalibrationOptions;
}

export interface FittedModel extends TrainedMembers {
  /** The prepared spec with the head, the members and the calibration, as exported. */
  spec: FeatureSpec;
  /** Wall time of all the members' training. */
  seconds: number;
  /** What the calibration was fitted on: see `heldOutPredictions`. */
  heldOut: HeldOut;
}

export interface HeldOut {
  /** The rows of the split some member held out, ascending (indices into the split). */
  rows: Uint32Array;
  /** Each row's uncalibrated prediction by the member(s) that held it out (their mean when several did). */
  outOfFold: Float64Array;
  /**
   * The same rows on the served average's scale: the average's predictions of these
   * rows, sorted, handed out in the order of `outOfFold` (the row ranked r-th
   * out of fold gets the r-th smallest average). What the map's knots are placed on.
   */
  onScale: Float64Array;
}

/**
 * Fits the model on `split` (the training split, or a CV fold of it): the head on
 * all of its rows, each member on its plan, the calibration on the held-out rows.
 */
export function fitModel(
  data: PreparedData,
  loss: LossName,
  options: FitOptions,
  ensemble: EnsembleOptions = {},
  split: NetworkSplit = data.train,
  hooks: FitHooks = {},
): FittedModel {
  const count = ensemble.members ?? ENSEMBLE_DEFAULTS.members;
  const memberRows = ensemble.memberRows ?? ENSEMBLE_DEFAULTS.memberRows;
  const head = headFor(loss, data.spec, Float64Array.from(split.y));
  const seed = options.seed ?? FIT_DEFAULTS.seed;
  const validationFraction = options.validationFraction ?? FIT_DEFAULTS.validationFraction;
  const plans = memberPlans(split.rows, count, seed, validationFraction, memberRows, ensemble.validationFolds ?? ENSEMBLE_DEFAULTS.validationFolds);
  const memberSeconds: number[] = [];
  const members = plans.map((plan, k) => {
    const onEpoch = hooks.onEpoch;
    const memberHooks: FitHooks = onEpoch === undefined ? {} : { onEpoch: (p) => onEpoch({ ...p, member: { index: k + 1, count } }) };
    const started = performance.now();
    const result = fit(
      { x: split.scaled, y: head.y, rows: split.rows, features: data.width },
      { ...options, seed: plan.seed, objective: head.objective, rows: { train: plan.train, validation: plan.validation } },
      memberHooks,
    );
    memberSeconds.push((performance.now() - started) / 1000);
    return result;
  });
  return assembleModel({ headSpec: head.spec, members, plans, memberSeconds, memberRows }, split, data.width, ensemble.calibration ?? ENSEMBLE_DEFAULTS.calibration);
}

/** Trained members and what they were trained with, before they become one model. */
export interface TrainedMembers {
  /** The prepared spec with the head only: one network's, uncalibrated. */
  headSpec: FeatureSpec;
  /** One fit per member, in graph order. */
  members: FitResult[];
  plans: MemberPlan[];
  /** Wall time of each member's training. */
  memberSeconds: number[];
  memberRows: MemberRows;
}

/**
 * The model of the first `count` members (all by default): its spec with members
 * and outputs, and the calibration fitted on the rows those members held out.
 * The members' plans do not depend on how many there are, so the first K members
 * of a larger ensemble give exactly the model a K-member training gives.
 */
export function assembleModel(
  trained: TrainedMembers,
  split: NetworkSplit,
  width: number,
  calibration: boolean | CalibrationOptions,
  count = trained.members.length,
): FittedModel {
  const members = trained.members.slice(0, count);
  const plans = trained.plans.slice(0, count);
  const memberSeconds = trained.memberSeconds.slice(0, count);
  const heldOut = heldOutPredictions(trained.headSpec, members.map((m) => m.params), plans, split, width);
  const spec: FeatureSpec = { ...trained.headSpec };
  if (count > 1) {
    spec.members = { count, seeds: plans.map((p) => p.seed), rows: trained.memberRows };
    if (spec.target.ziln !== undefined) {
      spec.io = { ...spec.io, outputs: [...ZILN_MEMBER_OUTPUTS], widths: Object.fromEntries(MEMBER_PARAMETER_OUTPUTS.map((name) => [name, count])) };
    }
  }
  if (calibration !== false) {
    const actual = Float64Array.from(heldOut.rows, (row) => split.y[row]!);
    spec.calibration = fitCalibration(heldOut.onScale, actual, calibration === true ? {} : calibration);
  }
  return {
    spec,
    headSpec: trained.headSpec,
    members,
    plans,
    memberSeconds,
    memberRows: trained.memberRows,
    seconds: memberSeconds.reduce((a, b) => a + b, 0),
    heldOut,
  };
}

/** Every graph output on `split`, through the same arithmetic as the exported graph. */
export function predictModel(model: Pick<FittedModel, 'spec' | 'members'>, split: Pick<NetworkSplit, 'raw' | 'rows'>): Record<string, Float32Array> {
  return predictReferenceOutputs(model.spec, memberParams(model), split.raw, split.rows);
}

/**
 * What the parts of the model predict on `split`, for the report's comparison:
 * `single` = the first member alone, uncalibrated; `members` = the members'
 * average, uncalibrated; `served` = what the graph serves (`predictModel`).
 */
export function variantOutputs(model: FittedModel, split: Pick<NetworkSplit, 'raw' | 'rows'>, variant: ModelVariant): Record<string, Float32Array> {
  if (variant === 'served') return predictModel(model, split);
  if (variant === 'single') return predictReferenceOutputs(model.headSpec, model.members[0]!.params, split.raw, split.rows);
  const { calibration: _calibration, ...uncalibrated } = model.spec;
  return predictReferenceOutputs(uncalibrated, memberParams(model), split.raw, split.rows);
}

/** The members' weights, in graph order: one network's, or the list. */
export function memberParams(model: Pick<FittedModel, 'members'>): MlpParams[] {
  return model.members.map((m) => m.params);
}

/**
 * The held-out rows and their predictions (HeldOut). Each row is ranked by the
 * member(s) that did not train on it, and that ranking, with the rows' targets, is
 * all the calibration learns from. But one member's prediction is noisier than the
 * average of K, and a map fitted on a noisier predictor is flatter than the
 * average needs (regression dilution): applied to the average it under-predicts
 * the top and over-predicts the bottom. So the map is fitted on the same ranking
 * placed on the average's own scale, quantile for quantile; with one member both
 * are that member's predictions. The average's predictions of these rows come from
 * members that trained on most of them, but only their distribution is used, never
 * a row's target.
 */
function heldOutPredictions(headSpec: FeatureSpec, params: MlpParams[], plans: MemberPlan[], split: NetworkSplit, width: number): HeldOut {
  const sum = new Float64Array(split.rows);
  const count = new Uint16Array(split.rows);
  plans.forEach((plan, k) => {
    const predicted = predictRows(plan.validation, (raw, count) => predictReferenceOutputs(headSpec, params[k]!, raw, count)[headSpec.io.outputs[0]!]!, split.raw, width);
    plan.validation.forEach((row, i) => {
      sum[row]! += predicted[i]!;
      count[row]! += 1;
    });
  });
  const rows = Uint32Array.from(count.keys()).filter((row) => count[row]! > 0);
  const outOfFold = Float64Array.from(rows, (row) => sum[row]! / count[row]!);
  if (params.length === 1) return { rows, outOfFold, onScale: outOfFold };
  const average = Float64Array.from(predictRows(rows, (raw, count) => averageOfMembers(headSpec, params, raw, count), split.raw, width)).sort();
  const onScale = new Float64Array(rows.length);
  Uint32Array.from(outOfFold.keys()).sort((a, b) => outOfFold[a]! - outOfFold[b]! || a - b).forEach((i, rank) => {
    onScale[i] = average[rank]!;
  });
  return { rows, outOfFold, onScale };
}

/** The members' uncalibrated average (the graph before its calibration) on `count` encoded rows. */
function averageOfMembers(headSpec: FeatureSpec, params: MlpParams[], raw: Float32Array, count: number): Float32Array {
  const spec: FeatureSpec = { ...headSpec, members: { count: params.length, seeds: params.map((_, k) => k), rows: 'folds' } };
  if (spec.target.ziln !== undefined) {
    spec.io = { ...spec.io, outputs: [...ZILN_MEMBER_OUTPUTS], widths: Object.fromEntries(MEMBER_PARAMETER_OUTPUTS.map((name) => [name, params.length])) };
  }
  return predictReferenceOutputs(spec, params, raw, count)[spec.io.outputs[0]!]!;
}

/** Rows gathered per call of `predictRows`' predictor: 16,384 rows × 45 columns are 2.8 MiB. */
const GATHER_ROWS = 16_384;

/**
 * One value per row of `rows` (indices into `raw`, [*, width]), predicted chunk by chunk,
 * so that neither the gathered copy nor the networks' activations ever hold all of a
 * large table's held-out rows (on five million customers they held gigabytes).
 */
function predictRows(rows: Uint32Array, predict: (raw: Float32Array, count: number) => Float32Array, raw: Float32Array, width: number): Float32Array {
  const out = new Float32Array(rows.length);
  for (let start = 0; start < rows.length; start += GATHER_ROWS) {
    const chunk = rows.subarray(start, Math.min(start + GATHER_ROWS, rows.length));
    out.set(predict(gatherRows(raw, chunk, width), chunk.length), start);
  }
  return out;
}

function gatherRows(raw: Float32Array, rows: Uint32Array, width: number): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((row, i) => out.set(raw.subarray(row * width, (row + 1) * width), i * width));
  return out;
}

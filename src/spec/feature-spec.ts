/**
 * The feature spec: the contract between the offline trainer and the edge scorer.
 *
 * It says which features a model reads, in which order, how each becomes one or
 * more float32 columns of the model's input tensor, and what the ONNX graph does
 * to those columns before the network sees them (imputation, clipping, scaling).
 * The trainer writes it into `model/ltv.json`; the worker reads it from there.
 * Pure data: no runtime dependencies, so both sides import it unchanged.
 */
import type { ZilnHead } from '../head/ziln.js';

/** Version tag of the spec format; bump on any change that old readers would misread. */
export const SPEC_FORMAT = 'ltv-edge/feature-spec@1';

/** What the ONNX graph does to one encoded column, in this order. */
export interface ColumnTransform {
  /** Value that replaces NaN (a missing numeric value): the training median. */
  impute: number;
  /** Lower clip bound (training-split low quantile). */
  min: number;
  /** Upper clip bound (training-split high quantile). */
  max: number;
  /** Standard-scaler mean, fitted on the training split after imputation and clipping. */
  mean: number;
  /** Standard-scaler standard deviation; never 0 (a constant column is dropped or gets 1). */
  std: number;
}

/** A feature read as a number; one input column. Missing (null/absent) is encoded as NaN. */
export interface NumericFeature {
  name: string;
  type: 'numeric';
  /** Whether a caller may leave it out; if so the graph imputes it. */
  optional: boolean;
  transform: ColumnTransform;
}

/**
 * A feature read as a string; one-hot over `levels`, one input column per level.
 * The last two levels are always OTHER_LEVEL and MISSING_LEVEL, so an unseen value
 * and a missing value each have a column of their own.
 */
export interface CategoricalFeature {
  name: string;
  type: 'categorical';
  optional: boolean;
  levels: string[];
  /** One transform per level, in the order of `levels`. */
  transforms: ColumnTransform[];
}

export type Feature = NumericFeature | CategoricalFeature;

export const OTHER_LEVEL = '__other__';
export const MISSING_LEVEL = '__missing__';

/** The predicted quantity and how the graph maps the network's output back to it. */
export interface TargetSpec {
  /**
   * Present for a zero-inflated lognormal head (`--loss ziln`): how the network's
   * three outputs become p, μ and σ, and the bounds on μ and σ (src/head/ziln.ts).
   * Absent for the MSE head, which uses `mean` and `std` below.
   */
  ziln?: ZilnHead;
  /** Column name of the target in the training data, e.g. `holdout_spend_39w`. */
  name: string;
  /** Unit of the prediction, e.g. `USD`; free text from the trainer's options. */
  unit: string;
  /** The network predicts (target - mean) / std; the graph undoes that. */
  mean: number;
  std: number;
}

/** Names of the graph's tensors, so that callers never guess them. */
export interface GraphIO {
  /** Float32 input [N, width] in the spec's column order; NaN marks a missing numeric value. */
  input: string;
  /**
   * Float32 outputs [N, 1] by name (or [N, widths[name]]), in graph order; the first
   * one is the LTV. ZILN: ltv, p_purchase, mu, sigma; ZILN with several members:
   * ltv, p_purchase, member_p, member_mu, member_sigma.
   */
  outputs: string[];
  /** Columns of the outputs that have more than one (one per member); absent = every output is [N, 1]. */
  widths?: Record<string, number>;
}

/**
 * Several networks in one graph: the same preprocessing, then each member's own
 * layers, then their average (for ZILN, an equal-weight mixture: src/head/mixture.ts).
 * Absent: a single network.
 */
export interface MembersSpec {
  /** Number of member networks, ≥ 2. */
  count: number;
  /** Seed of each member's initialisation, shuffling and dropout, in graph order. */
  seeds: number[];
  /**
   * Rows each member trained on: 'folds' = the training split less that member's
   * validation fold; 'bootstrap' = a resample, with replacement, of those rows.
   */
  rows: 'folds' | 'bootstrap';
}

/**
 * A monotone map of the model's mean prediction m (the members' average), fitted on
 * training rows the networks did not train on and applied by the graph:
 *
 *   f(m) = intercept + Σ_i slopes[i] · min(max(m − knots[i], 0), knots[i+1] − knots[i])
 *
 * (the last segment open-ended): a piecewise-linear curve through the knots,
 * every slope > 0, so f is strictly increasing and changes the level of the
 * predictions, never their order. For a ZILN head the predicted amount
 * distribution is scaled by f(m)/m (each member's μ shifted by its log), so that
 * the quantiles follow the calibrated mean; m is read as at least `floor`, which
 * keeps that ratio finite.
 */
export interface CalibrationSpec {
  /**
   * Isotonic regression of the target over bins of held-out rows (ranked by networks
   * that did not train on them, placed on the average's scale), joined into a
   * piecewise-linear curve (scripts/train/calibration.ts, scripts/train/fit-model.ts).
   */
  method: 'isotonic-bins';
  /** f(0) ≥ 0. */
  intercept: number;
  /** Where each segment starts: ascending, the first 0. */
  knots: number[];
  /** Slope of each segment, > 0. */
  slopes: number[];
  floor: number;
  /** The held-out rows it was fitted on (each predicted by networks that had not trained on it) and the bins they were cut into. */
  fittedOn: { rows: number; bins: number };
}

/**
 * Coarse tiers for browser callers (POST /v1/segment), who get a tier and never the
 * LTV: `low` below `thresholds[0]`, `high` from `thresholds[1]`, `medium` between.
 * The thresholds are the predicted LTV at `quantiles` of the training set, so the
 * tiers hold known shares of customers (by default 50 % low, 30 % medium, 20 % high).
 */
export interface TierSpec {
  quantiles: [number, number];
  thresholds: [number, number];
}

export interface FeatureSpec {
  format: typeof SPEC_FORMAT;
  features: Feature[];
  target: TargetSpec;
  io: GraphIO;
  /** Optional: models exported before tiers existed have none (the worker's SEGMENT_THRESHOLDS can stand in). */
  tiers?: TierSpec;
  /** Present when the graph averages several networks. */
  members?: MembersSpec;
  /** Present when the graph calibrates its mean prediction. */
  calibration?: CalibrationSpec;
}

/** Columns of graph output `name`: io.widths[name], else 1. */
export function outputWidth(io: Pick<GraphIO, 'widths'>, name: string): number {
  return io.widths?.[name] ?? 1;
}

/** Width of one encoded row: one column per numeric feature, one per categorical level. */
export function encodedWidth(spec: Pick<FeatureSpec, 'features'>): number {
  let width = 0;
  for (const feature of spec.features) width += feature.type === 'numeric' ? 1 : feature.levels.length;
  return width;
}

/** Names of the encoded columns, e.g. `recency` or `channel=email`; for reports and OIP metadata. */
export function columnNames(spec: Pick<FeatureSpec, 'features'>): string[] {
  const names: string[] = [];
  for (const feature of spec.features) {
    if (feature.type === 'numeric') names.push(feature.name);
    else for (const level of feature.levels) names.push(`${feature.name}=${level}`);
  }
  return names;
}

/** The per-column transforms in column order, as the ONNX exporter lays them into the graph. */
export function columnTransforms(spec: Pick<FeatureSpec, 'features'>): ColumnTransform[] {
  const transforms: ColumnTransform[] = [];
  for (const feature of spec.features) {
    if (feature.type === 'numeric') transforms.push(feature.transform);
    else transforms.push(...feature.transforms);
  }
  return transforms;
}

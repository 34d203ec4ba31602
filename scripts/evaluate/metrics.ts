/**
 * Regression metrics for (actual, predicted) pairs, in the units they are given
 * (dollars of LTV for the report). Error metrics say how far off predictions are;
 * the ranking metrics (normalised Gini, Spearman, decile MAPE) say whether the model
 * orders and buckets customers well, which is what LTV is used for.
 *
 * Every sum runs in float64. Inputs must be the same non-zero length and finite:
 * a NaN here is an upstream bug, and sorting with NaN keys would silently misorder.
 */

export type Values = ArrayLike<number>;

export interface Metrics {
  mse: number;
  rmse: number;
  mae: number;
  r2: number;
  normalisedGini: number;
  spearman: number;
  /** A fraction: 0.12 means the decile means are off by 12 % on average. */
  decileMape: number;
  /** Share of all actual value held by the top 10 % of customers by prediction; 0.1 is random. */
  topDecileCapture: number;
  /** Calibration in the large: mean prediction / mean actual; 1 is calibrated overall. */
  calibration: number;
}

/** All metrics at once. */
export function regressionMetrics(actual: Values, predicted: Values): Metrics {
  checkPair('regressionMetrics', actual, predicted);
  const meanSquared = mse(actual, predicted);
  return {
    mse: meanSquared,
    rmse: Math.sqrt(meanSquared),
    mae: mae(actual, predicted),
    r2: r2(actual, predicted),
    normalisedGini: normalisedGini(actual, predicted),
    spearman: spearman(actual, predicted),
    decileMape: decileMape(actual, predicted),
    topDecileCapture: topDecileCapture(actual, predicted),
    calibration: calibrationInTheLarge(actual, predicted),
  };
}

export function mse(actual: Values, predicted: Values): number {
  checkPair('mse', actual, predicted);
  let sum = 0;
  for (let k = 0; k < actual.length; k++) {
    const e = predicted[k]! - actual[k]!;
    sum += e * e;
  }
  return sum / actual.length;
}

export function rmse(actual: Values, predicted: Values): number {
  return Math.sqrt(mse(actual, predicted));
}

export function mae(actual: Values, predicted: Values): number {
  checkPair('mae', actual, predicted);
  let sum = 0;
  for (let k = 0; k < actual.length; k++) sum += Math.abs(predicted[k]! - actual[k]!);
  return sum / actual.length;
}

/** 1 − SS_res / SS_tot. NaN when `actual` is constant (SS_tot = 0): R² is undefined there. */
export function r2(actual: Values, predicted: Values): number {
  checkPair('r2', actual, predicted);
  const mean = meanOf(actual);
  let res = 0;
  let tot = 0;
  for (let k = 0; k < actual.length; k++) {
    res += (actual[k]! - predicted[k]!) ** 2;
    tot += (actual[k]! - mean) ** 2;
  }
  return tot === 0 ? NaN : 1 - res / tot;
}

/**
 * Gini of the gain curve: customers sorted by `score` descending, the cumulative
 * share of total actual value at each position, minus the diagonal:
 *   gini = (Σᵢ cumShareᵢ) / n − (n + 1) / (2n).
 *
 * Ties in `score` are averaged: every member of a tied group contributes the group's
 * mean actual, which is the expected curve over all orders within the group. So the
 * result does not depend on the input order, and a constant score gives exactly 0.
 * Assumes non-negative actuals (LTV); NaN when they sum to 0.
 */
export function gini(actual: Values, score: Values): number {
  checkPair('gini', actual, score);
  const n = actual.length;
  const total = meanOf(actual) * n;
  if (total === 0) return NaN;
  const order = sortedDescending(score);
  let cumulative = 0;
  let area = 0;
  for (let start = 0; start < n; ) {
    const key = score[order[start]!]!;
    let end = start;
    let groupSum = 0;
    while (end < n && score[order[end]!]! === key) groupSum += actual[order[end++]!]!;
    const groupMean = groupSum / (end - start);
    for (let k = start; k < end; k++) {
      cumulative += groupMean;
      area += cumulative;
    }
    start = end;
  }
  return area / total / n - (n + 1) / (2 * n);
}

/**
 * gini(actual, predicted) / gini(actual, actual): 1 for a perfect ordering, about 0
 * for a random one, −1 for the reversed one. NaN when all actuals are equal.
 */
export function normalisedGini(actual: Values, predicted: Values): number {
  const perfect = gini(actual, actual);
  return perfect === 0 ? NaN : gini(actual, predicted) / perfect;
}

/** Spearman's ρ: Pearson correlation of average ranks (ties share their mean rank). NaN if either side is constant. */
export function spearman(actual: Values, predicted: Values): number {
  checkPair('spearman', actual, predicted);
  return pearson(averageRanks(actual), averageRanks(predicted));
}

/** Ranks from 1 (smallest); a run of equal values gets the mean of the ranks it spans. */
export function averageRanks(values: Values): Float64Array {
  const n = values.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(n);
  for (let start = 0; start < n; ) {
    let end = start;
    while (end < n && values[order[end]!]! === values[order[start]!]!) end++;
    const rank = (start + 1 + end) / 2; // mean of ranks start+1 … end
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

/**
 * Calibration by decile: customers sorted by prediction descending (ties kept in input
 * order, so equal predictions near a boundary fall by index), cut into 10 buckets of
 * near-equal size (bucket b holds positions ⌊b·n/10⌋ … ⌊(b+1)·n/10⌋ − 1), then the mean
 * over buckets of |mean predicted − mean actual| / |mean actual|, as a fraction.
 *
 * Buckets whose mean actual is 0 are skipped (the ratio is undefined there, and
 * zero-value customers are common in LTV); so are empty buckets when n < 10.
 * NaN if every bucket is skipped.
 */
export function decileMape(actual: Values, predicted: Values): number {
  checkPair('decileMape', actual, predicted);
  let sum = 0;
  let used = 0;
  for (const bucket of predictionBuckets(actual, predicted, 10)) {
    if (bucket.actual === 0) continue;
    sum += Math.abs(bucket.predicted - bucket.actual) / Math.abs(bucket.actual);
    used++;
  }
  return used === 0 ? NaN : sum / used;
}

/**
 * Mean predicted and mean actual per bucket of customers sorted by prediction descending
 * (ties kept in input order), `count` buckets of near-equal size (bucket b holds positions
 * ⌊b·n/count⌋ … ⌊(b+1)·n/count⌋ − 1), highest first; empty buckets (n < count) are skipped.
 * The layout of decileMape and of the report's decile chart.
 */
export function predictionBuckets(actual: Values, predicted: Values, count: number): { predicted: number; actual: number }[] {
  checkPair('predictionBuckets', actual, predicted);
  const n = actual.length;
  const order = sortedDescending(predicted);
  const out: { predicted: number; actual: number }[] = [];
  for (let b = 0; b < count; b++) {
    const start = Math.floor((b * n) / count);
    const end = Math.floor(((b + 1) * n) / count);
    if (end === start) continue;
    let sumActual = 0;
    let sumPredicted = 0;
    for (let k = start; k < end; k++) {
      sumActual += actual[order[k]!]!;
      sumPredicted += predicted[order[k]!]!;
    }
    out.push({ predicted: sumPredicted / (end - start), actual: sumActual / (end - start) });
  }
  return out;
}

/**
 * Share of the total actual value held by the top ⌈n/10⌉ customers by prediction: what
 * a campaign aimed at the predicted best tenth would reach. A random order gets 0.1 on
 * average, the perfect one the actual top decile's share.
 *
 * A tied group straddling the cut counts in proportion to the places it gets (its mean
 * actual per place), like gini(): the expectation over every order within the tie, so
 * a constant prediction gets exactly 0.1. NaN when the actuals sum to 0.
 */
export function topDecileCapture(actual: Values, predicted: Values): number {
  checkPair('topDecileCapture', actual, predicted);
  const n = actual.length;
  const total = meanOf(actual) * n;
  if (total === 0) return NaN;
  const places = Math.ceil(n / 10);
  const order = sortedDescending(predicted);
  let captured = 0;
  for (let start = 0; start < places; ) {
    const key = predicted[order[start]!]!;
    let end = start;
    let groupSum = 0;
    while (end < n && predicted[order[end]!]! === key) groupSum += actual[order[end++]!]!;
    captured += (groupSum / (end - start)) * (Math.min(end, places) - start);
    start = end;
  }
  return captured / total;
}

/** Mean prediction over mean actual: above 1 the model over-predicts in total. NaN when the actual mean is 0. */
export function calibrationInTheLarge(actual: Values, predicted: Values): number {
  checkPair('calibrationInTheLarge', actual, predicted);
  const meanActual = meanOf(actual);
  return meanActual === 0 ? NaN : meanOf(predicted) / meanActual;
}

function pearson(a: Float64Array, b: Float64Array): number {
  const ma = meanOf(a);
  const mb = meanOf(b);
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let k = 0; k < a.length; k++) {
    const da = a[k]! - ma;
    const db = b[k]! - mb;
    cov += da * db;
    va += da * da;
    vb += db * db;
  }
  return va === 0 || vb === 0 ? NaN : cov / Math.sqrt(va * vb);
}

/** Indices sorted by `key` descending; equal keys in ascending index order. */
export function sortedDescending(key: Values): Uint32Array {
  return Uint32Array.from({ length: key.length }, (_, i) => i).sort((a, b) => key[b]! - key[a]! || a - b);
}

export function meanOf(values: Values): number {
  let sum = 0;
  for (let k = 0; k < values.length; k++) sum += values[k]!;
  return sum / values.length;
}

export function checkPair(what: string, actual: Values, predicted: Values): void {
  if (actual.length !== predicted.length || actual.length === 0) {
    throw new Error(`${what}: actual has ${actual.length} values and predicted ${predicted.length}; need the same, non-zero length`);
  }
  for (const [name, values] of [['actual', actual], ['predicted', predicted]] as const) {
    for (let k = 0; k < values.length; k++) {
      if (!Number.isFinite(values[k]!)) throw new Error(`${what}: ${name}[${k}] is ${values[k]}; metrics need finite values`);
    }
  }
}

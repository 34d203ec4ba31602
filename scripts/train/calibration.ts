/**
 * Calibration of the model's mean prediction on rows the networks did not train
 * on: a strictly increasing piecewise-linear map f, fitted so that on held-out
 * customers the mean of f(prediction) matches the mean actual value bucket by
 * bucket (what decile MAPE measures), while the ranking stays the networks' own.
 *
 *   held-out (m, y) ─ sort by m ─ cut into equal-count bins ─ bin means (x̄, ȳ)
 *     ─ isotonic regression (pool adjacent violators) ─ points with ȳ strictly rising
 *     ─ straight segments from (0, 0) through the points, on beyond the last one
 *       along the ray from the origin (the top bin's ratio ȳ / x̄)
 *
 * Bins rather than single rows: an isotonic fit on rows is a staircase with
 * hundreds of steps and flat stretches (ties that would erase ranking); bin means
 * of at least MIN_BIN_ROWS customers are stable enough for a heavy-tailed target,
 * and joining them by segments keeps f strictly increasing. Beyond the last bin,
 * the ray from the origin extrapolates proportionally rather than along the last
 * segment's slope, which on a heavy tail can be steep and would inflate the very
 * largest predictions.
 *
 * The graph applies f (scripts/onnx/calibration-graph.ts); scripts/onnx/calibrate.ts
 * computes it as the graph does, for the trainer's own evaluation.
 */
import type { CalibrationSpec } from '../../src/spec/feature-spec.js';

export interface CalibrationOptions {
  /** Most bins. Default 20. */
  maxBins?: number;
  /** Fewest held-out rows per bin; fewer rows than this give one bin (calibration in the large). Default 100. */
  minBinRows?: number;
}

export const CALIBRATION_DEFAULTS = { maxBins: 20, minBinRows: 100 } as const;

/** m is read as at least this: keeps f(m)/m, the quantiles' scale factor, finite, and far below any real prediction. */
export const CALIBRATION_FLOOR = 1e-20;

/**
 * A segment is never flatter than this share of the overall ratio Σy / Σm: an
 * isotonic fit may find a bin of all zeros, and a flat stretch would tie customers.
 */
const MIN_SLOPE_SHARE = 1e-3;

/**
 * Nor steeper than this: a guard, not a fit. On the real tables the slopes lie
 * between about 0.05 and 2; a map that multiplies predictions by more than 100
 * means predictions at ~0 for customers who spent (a degenerate network), and would
 * turn the largest predictions into absurd ones.
 */
export const MAX_SLOPE = 100;

/** Fits f on held-out predictions `predicted` (≥ 0) and the actual values `actual`. */
export function fitCalibration(predicted: ArrayLike<number>, actual: ArrayLike<number>, options: CalibrationOptions = {}): CalibrationSpec {
  const { maxBins = CALIBRATION_DEFAULTS.maxBins, minBinRows = CALIBRATION_DEFAULTS.minBinRows } = options;
  const n = predicted.length;
  if (n !== actual.length) throw new Error(`fitCalibration: ${n} predictions but ${actual.length} actual values`);
  if (n === 0) throw new Error('fitCalibration: no held-out rows to fit on');
  for (let i = 0; i < n; i++) {
    if (!(predicted[i]! >= 0 && Number.isFinite(predicted[i]!))) throw new Error(`fitCalibration: prediction ${i} is ${predicted[i]}, expected a finite number ≥ 0`);
    if (!(actual[i]! >= 0 && Number.isFinite(actual[i]!))) throw new Error(`fitCalibration: actual value ${i} is ${actual[i]}, expected a finite number ≥ 0`);
  }
  // The graph reads m as at least the floor; so does the fit.
  const m = Float64Array.from(predicted, (v) => Math.max(v, CALIBRATION_FLOOR));
  const bins = Math.max(1, Math.min(maxBins, Math.floor(n / minBinRows)));
  const points = poolAdjacentViolators(binMeans(m, actual, bins));
  return { method: 'isotonic-bins', ...curveThrough(points, ratio(m, actual)), floor: CALIBRATION_FLOOR, fittedOn: { rows: n, bins } };
}

const F32_MIN_NORMAL = 1.1754943508222875e-38;

interface Point {
  x: number;
  y: number;
  weight: number;
}

/** Rows sorted by prediction (ties by position, so the fit is deterministic), cut into `bins` bins of equal count. */
function binMeans(predicted: ArrayLike<number>, actual: ArrayLike<number>, bins: number): Point[] {
  const n = predicted.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => predicted[a]! - predicted[b]! || a - b);
  const points: Point[] = [];
  for (let b = 0; b < bins; b++) {
    const start = Math.floor((b * n) / bins);
    const end = Math.floor(((b + 1) * n) / bins);
    let x = 0;
    let y = 0;
    for (let j = start; j < end; j++) {
      x += predicted[order[j]!]!;
      y += actual[order[j]!]!;
    }
    points.push({ x: x / (end - start), y: y / (end - start), weight: end - start });
  }
  return points;
}

/**
 * Weighted isotonic regression of y on the x order (pool adjacent violators):
 * neighbours whose y does not rise are merged into their weighted mean, x and y
 * alike, until y rises strictly; points at one x in float32 (as the graph holds
 * the knots) are merged too.
 */
export function poolAdjacentViolators(points: readonly Point[]): Point[] {
  const pooled: Point[] = [];
  for (const point of points) {
    let current = { ...point };
    while (pooled.length > 0 && (pooled.at(-1)!.y >= current.y || Math.fround(pooled.at(-1)!.x) >= Math.fround(current.x))) {
      const last = pooled.pop()!;
      const weight = last.weight + current.weight;
      current = { x: (last.x * last.weight + current.x * current.weight) / weight, y: (last.y * last.weight + current.y * current.weight) / weight, weight };
    }
    pooled.push(current);
  }
  return pooled;
}

/** Σy / Σm over the held-out rows (1 when nothing was predicted). */
function ratio(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  let sumPredicted = 0;
  let sumActual = 0;
  for (let i = 0; i < predicted.length; i++) {
    sumPredicted += predicted[i]!;
    sumActual += actual[i]!;
  }
  return sumPredicted > 0 && sumActual > 0 ? sumActual / sumPredicted : 1;
}

/**
 * Segments through the pooled points: from (0, 0), or from (0, y₁) when the first
 * point sits at the floor (a head whose predictions can be exactly 0), then point
 * to point, then on along the ray from the origin through the last point.
 */
function curveThrough(points: readonly Point[], overall: number): Pick<CalibrationSpec, 'intercept' | 'knots' | 'slopes'> {
  const minSlope = MIN_SLOPE_SHARE * Math.min(overall, MAX_SLOPE);
  const bounded = (slope: number) => Math.min(Math.max(slope, minSlope), MAX_SLOPE);
  const first = points[0]!;
  const startsAtZero = Math.fround(first.x) <= Math.fround(CALIBRATION_FLOOR);
  const intercept = startsAtZero ? first.y : 0;
  const through = startsAtZero ? [{ ...first, x: 0 }, ...points.slice(1)] : [{ x: 0, y: 0, weight: 0 }, ...points];
  const knots: number[] = [];
  const slopes: number[] = [];
  for (let j = 0; j + 1 < through.length; j++) {
    const a = through[j]!;
    const b = through[j + 1]!;
    knots.push(a.x);
    slopes.push(bounded((b.y - a.y) / (b.x - a.x)));
  }
  const last = through.at(-1)!;
  knots.push(last.x);
  slopes.push(bounded(last.x > 0 ? last.y / last.x : overall));
  // Float32, as the graph holds them: the recorded map is the served one. A slope
  // that float32 would round to 0 becomes its smallest normal number.
  return { intercept: Math.fround(intercept), knots: knots.map(Math.fround), slopes: slopes.map((s) => Math.max(Math.fround(s), F32_MIN_NORMAL)) };
}

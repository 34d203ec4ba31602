/**
 * Seeded paired bootstrap of a ranking metric: the test customers are resampled with
 * replacement, and every predictor is scored on the same resample. Pairing matters:
 * the model and a baseline share most of their sampling noise (the same big spenders
 * land in each resample), so the interval of their difference is much narrower than
 * the two separate intervals suggest, and "beats the baseline" is judged on that.
 *
 * Percentile intervals; the same seed gives the same intervals.
 */
import { Rng } from '../train/rng.js';
import { type Values, normalisedGini } from './metrics.js';

export interface BootstrapOptions {
  /** Resamples. Default 1000. */
  replicates?: number;
  /** Two-sided coverage of the intervals. Default 0.95. */
  level?: number;
  /** Seed of the resampling. Default 42. */
  seed?: number;
}

export interface Interval {
  low: number;
  high: number;
}

export interface PairedBootstrap {
  replicates: number;
  level: number;
  seed: number;
  /** Per predictor: the interval of its metric. */
  intervals: Record<string, Interval>;
  /** Per predictor other than the reference: the interval of reference − predictor. */
  differences: Record<string, Interval>;
}

/** A metric of (actual, predicted); by default normalised Gini. */
export type MetricFn = (actual: Values, predicted: Values) => number;

/**
 * Bootstraps `metric` for every predictor in `predictions` (all of actual's length) on
 * shared resamples, and the difference between `reference` and each other one.
 * Resamples where a metric is undefined (NaN: e.g. every resampled actual is 0) are
 * left out of that interval.
 */
export function pairedBootstrap(
  actual: Values,
  predictions: Record<string, Values>,
  reference: string,
  options: BootstrapOptions = {},
  metric: MetricFn = normalisedGini,
): PairedBootstrap {
  const replicates = options.replicates ?? 1000;
  const level = options.level ?? 0.95;
  const seed = options.seed ?? 42;
  if (!(replicates >= 1) || !Number.isInteger(replicates)) throw new Error(`pairedBootstrap: replicates must be an integer ≥ 1, got ${replicates}`);
  if (!(level > 0 && level < 1)) throw new Error(`pairedBootstrap: level must be in (0, 1), got ${level}`);
  if (!(reference in predictions)) throw new Error(`pairedBootstrap: reference "${reference}" is not one of ${Object.keys(predictions).join(', ')}`);
  const n = actual.length;
  const names = Object.keys(predictions);
  for (const name of names) {
    if (predictions[name]!.length !== n) throw new Error(`pairedBootstrap: "${name}" has ${predictions[name]!.length} predictions for ${n} actuals`);
  }

  const rng = new Rng(seed);
  const sampleActual = new Float64Array(n);
  const samplePredicted = new Float64Array(n);
  const index = new Uint32Array(n);
  const values: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  const deltas: Record<string, number[]> = Object.fromEntries(names.filter((name) => name !== reference).map((name) => [name, []]));
  for (let r = 0; r < replicates; r++) {
    for (let k = 0; k < n; k++) {
      index[k] = rng.int(n);
      sampleActual[k] = actual[index[k]!]!;
    }
    const scores: Record<string, number> = {};
    for (const name of names) {
      const predicted = predictions[name]!;
      for (let k = 0; k < n; k++) samplePredicted[k] = predicted[index[k]!]!;
      scores[name] = metric(sampleActual, samplePredicted);
      if (!Number.isNaN(scores[name])) values[name]!.push(scores[name]);
    }
    for (const name of Object.keys(deltas)) {
      const delta = scores[reference]! - scores[name]!;
      if (!Number.isNaN(delta)) deltas[name]!.push(delta);
    }
  }
  const interval = (xs: number[]) => percentileInterval(xs, level);
  return {
    replicates,
    level,
    seed,
    intervals: Object.fromEntries(names.map((name) => [name, interval(values[name]!)])),
    differences: Object.fromEntries(Object.entries(deltas).map(([name, xs]) => [name, interval(xs)])),
  };
}

/** The (1 − level)/2 and (1 + level)/2 quantiles, linearly interpolated; NaN bounds for no values. */
export function percentileInterval(values: number[], level: number): Interval {
  if (values.length === 0) return { low: NaN, high: NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => {
    const position = q * (sorted.length - 1);
    const below = Math.floor(position);
    const above = Math.min(below + 1, sorted.length - 1);
    return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
  };
  return { low: at((1 - level) / 2), high: at((1 + level) / 2) };
}

/**
 * The numbers behind every chart of report.html, computed here (and unit-tested)
 * rather than in the page: the page only draws arrays. Each function returns plain
 * arrays ready for uPlot: x first, then one array per series, x ascending.
 */
import type { EpochRecord } from '../mlp/fit.js';
import { type Values, checkPair, predictionBuckets, sortedDescending } from '../evaluate/metrics.js';
import { buyers, rocCurve } from '../evaluate/purchase.js';

export interface LossChart {
  epoch: number[];
  train: number[];
  validation: number[];
}

export function lossChart(history: readonly EpochRecord[]): LossChart {
  return {
    epoch: history.map((h) => h.epoch),
    train: history.map((h) => h.trainLoss),
    validation: history.map((h) => h.valLoss),
  };
}

export interface DecileChart {
  /** 1 = the customers with the highest predictions. */
  decile: number[];
  meanPredicted: number[];
  meanActual: number[];
}

/**
 * Mean predicted and mean actual per decile of prediction, highest first; the same
 * buckets as decileMape (sorted descending, ties by index, bucket b holds positions
 * ⌊b·n/10⌋ … ⌊(b+1)·n/10⌋ − 1), so the chart shows what that number summarises.
 */
export function decileChart(actual: Values, predicted: Values): DecileChart {
  const buckets = predictionBuckets(actual, predicted, 10);
  return { decile: buckets.map((_, b) => b + 1), meanPredicted: buckets.map((b) => b.predicted), meanActual: buckets.map((b) => b.actual) };
}

export interface CalibrationChart {
  /** Mean prediction per bin (x, ascending). */
  meanPredicted: number[];
  meanActual: number[];
  /** The diagonal y = x at the same points: perfect calibration. */
  ideal: number[];
}

/** Bins of equal size by prediction (20 by default), lowest first: mean actual against mean predicted. */
export function calibrationChart(actual: Values, predicted: Values, bins = 20): CalibrationChart {
  const buckets = predictionBuckets(actual, predicted, Math.min(bins, actual.length)).reverse();
  const meanPredicted = buckets.map((b) => b.predicted);
  return { meanPredicted, meanActual: buckets.map((b) => b.actual), ideal: [...meanPredicted] };
}

export interface GainChart {
  /** Share of customers targeted, best predicted first: 0 … 1. */
  share: number[];
  /** Share of all actual value those customers hold, per predictor (model first). */
  curves: Record<string, number[]>;
  /** The best possible ordering (by actual value) and a random one (the diagonal). */
  perfect: number[];
  random: number[];
}

/**
 * Cumulative gain curves on `points` evenly spaced shares (101 by default: every
 * percent). Ties are averaged like gini(), so the area between a curve and the random
 * line is that predictor's Gini and a constant predictor lies on the diagonal.
 */
export function gainChart(actual: Values, predictions: Record<string, Values>, points = 101): GainChart {
  const share = Array.from({ length: points }, (_, i) => i / (points - 1));
  const curves: Record<string, number[]> = {};
  for (const [name, predicted] of Object.entries(predictions)) curves[name] = gainCurve(actual, predicted, share);
  return { share, curves, perfect: gainCurve(actual, actual, share), random: [...share] };
}

/** Share of the total actual value held by the top `s · n` customers by score, for each s (fractional places interpolate). */
export function gainCurve(actual: Values, score: Values, shares: readonly number[]): number[] {
  checkPair('gainCurve', actual, score);
  const n = actual.length;
  const order = sortedDescending(score);
  // cumulative[i] = value held by the first i places, ties averaged within their group.
  const cumulative = new Float64Array(n + 1);
  for (let start = 0; start < n; ) {
    let end = start;
    let groupSum = 0;
    while (end < n && score[order[end]!]! === score[order[start]!]!) groupSum += actual[order[end++]!]!;
    const perPlace = groupSum / (end - start);
    for (let k = start; k < end; k++) cumulative[k + 1] = cumulative[k]! + perPlace;
    start = end;
  }
  const total = cumulative[n]!;
  return shares.map((s) => {
    if (total === 0) return 0;
    const position = s * n;
    const below = Math.floor(position);
    const above = Math.min(below + 1, n);
    return (cumulative[below]! + (cumulative[above]! - cumulative[below]!) * (position - below)) / total;
  });
}

export interface ScatterChart {
  /** Prediction + 1, ascending: the log axis needs positive values and LTV is often 0. */
  predictedPlusOne: number[];
  actualPlusOne: number[];
  /** Customers in the test split; the chart shows at most `limit` of them. */
  shown: number;
  total: number;
}

/**
 * Predicted against actual for a log–log scatter: both + 1 (so zeros sit at 1), sorted
 * by prediction. Above `limit` customers an even, deterministic sample by prediction
 * rank keeps the file small while covering the whole range (first and last included).
 */
export function scatterChart(actual: Values, predicted: Values, limit = 2000): ScatterChart {
  checkPair('scatterChart', actual, predicted);
  const n = actual.length;
  const ascending = sortedDescending(predicted).reverse();
  const shown = Math.min(n, limit);
  const picks = Array.from({ length: shown }, (_, i) => ascending[shown === 1 ? 0 : Math.round((i * (n - 1)) / (shown - 1))]!);
  return {
    predictedPlusOne: picks.map((k) => Math.max(0, predicted[k]!) + 1),
    actualPlusOne: picks.map((k) => Math.max(0, actual[k]!) + 1),
    shown,
    total: n,
  };
}

export interface RocChart {
  fpr: number[];
  tpr: number[];
  /** The diagonal: a random score. */
  random: number[];
}

/** ROC of the purchase probability against "spent anything", thinned to at most `limit` points (ends kept). */
export function rocChart(actual: Values, pPurchase: Values, limit = 500): RocChart {
  const { fpr, tpr } = rocCurve(buyers(actual), pPurchase);
  const keep = thin(fpr.length, limit);
  const x = keep.map((i) => fpr[i]!);
  return { fpr: x, tpr: keep.map((i) => tpr[i]!), random: [...x] };
}

/** At most `limit` evenly spaced indices of 0 … n − 1, first and last included. */
function thin(n: number, limit: number): number[] {
  if (n <= limit) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: limit }, (_, i) => Math.round((i * (n - 1)) / (limit - 1)));
}

/**
 * Metrics of a purchase probability against "spent anything" (actual > 0): how well a
 * model with a p_purchase output (the ZILN head) separates buyers from non-buyers.
 * AUC and the ROC curve judge the ranking at every threshold; precision, recall and F1
 * judge the yes/no decision at one stated threshold.
 */
import { type Values, averageRanks, checkPair } from './metrics.js';

/** The default decision threshold: call a customer a buyer when p ≥ 0.5. */
export const DEFAULT_PURCHASE_THRESHOLD = 0.5;

export interface PurchaseMetrics {
  /** Area under the ROC curve of p against "spent anything": 0.5 random, 1 perfect. */
  auc: number;
  /** The threshold the next four are taken at: predicted buyer when p ≥ threshold. */
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  /** Share of actual buyers in the test split, to read precision against. */
  buyerRate: number;
}

export function purchaseMetrics(actual: Values, pPurchase: Values, threshold = DEFAULT_PURCHASE_THRESHOLD): PurchaseMetrics {
  checkPair('purchaseMetrics', actual, pPurchase);
  const bought = buyers(actual);
  let tp = 0;
  let fp = 0;
  let positives = 0;
  for (let k = 0; k < bought.length; k++) {
    const yes = pPurchase[k]! >= threshold;
    positives += bought[k]!;
    if (yes && bought[k]) tp++;
    else if (yes) fp++;
  }
  const precision = tp + fp === 0 ? NaN : tp / (tp + fp);
  const recall = positives === 0 ? NaN : tp / positives;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { auc: auc(bought, pPurchase), threshold, precision, recall, f1, buyerRate: positives / bought.length };
}

/** 1 where the customer spent anything (actual > 0), else 0. */
export function buyers(actual: Values): Uint8Array {
  return Uint8Array.from({ length: actual.length }, (_, k) => (actual[k]! > 0 ? 1 : 0));
}

/**
 * AUC as the Mann–Whitney statistic: the chance that a random buyer scores above a
 * random non-buyer, ties counting one half (average ranks). NaN without both classes.
 */
export function auc(labels: ArrayLike<number>, scores: Values): number {
  checkPair('auc', labels, scores);
  const ranks = averageRanks(scores);
  let positives = 0;
  let rankSum = 0;
  for (let k = 0; k < labels.length; k++) {
    if (labels[k]) {
      positives++;
      rankSum += ranks[k]!;
    }
  }
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface RocCurve {
  /** False positive rate, non-decreasing from 0 to 1. */
  fpr: number[];
  /** True positive rate at the same thresholds. */
  tpr: number[];
}

/**
 * The ROC curve: one point per distinct score, from the highest threshold down, so a
 * tied group moves diagonally (the trapezoid under it is the ties-as-half AUC).
 */
export function rocCurve(labels: ArrayLike<number>, scores: Values): RocCurve {
  checkPair('rocCurve', labels, scores);
  const n = labels.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let positives = 0;
  for (let k = 0; k < n; k++) positives += labels[k] ? 1 : 0;
  const negatives = n - positives;
  const fpr = [0];
  const tpr = [0];
  let tp = 0;
  let fp = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    while (end < n && scores[order[end]!]! === scores[order[start]!]!) {
      if (labels[order[end]!]) tp++;
      else fp++;
      end++;
    }
    fpr.push(negatives === 0 ? 0 : fp / negatives);
    tpr.push(positives === 0 ? 0 : tp / positives);
    start = end;
  }
  return { fpr, tpr };
}

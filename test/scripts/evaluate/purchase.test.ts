import { describe, expect, it } from 'vitest';
import { auc, buyers, purchaseMetrics, rocCurve } from '../../../scripts/evaluate/purchase.js';

describe('auc', () => {
  it('is the share of (buyer, non-buyer) pairs the score orders right, ties counting half', () => {
    // Buyers scored .9 .4, non-buyers .5 .1: pairs (.9>.5) (.9>.1) (.4<.5) (.4>.1) → 3 of 4.
    expect(auc([1, 1, 0, 0], [0.9, 0.4, 0.5, 0.1])).toBeCloseTo(0.75, 12);
    expect(auc([1, 0], [0.3, 0.3])).toBeCloseTo(0.5, 12);
    expect(auc([1, 1, 0], [0.9, 0.8, 0.1])).toBe(1);
    expect(auc([0, 0, 1], [0.9, 0.8, 0.1])).toBe(0);
  });

  it('is NaN with one class only', () => {
    expect(auc([1, 1], [0.1, 0.2])).toBeNaN();
  });

  it('equals the area under the ROC curve (trapezoids)', () => {
    const labels = [1, 0, 1, 1, 0, 0, 1, 0, 0, 1];
    const scores = [0.9, 0.8, 0.8, 0.6, 0.5, 0.5, 0.5, 0.2, 0.1, 0.05];
    const { fpr, tpr } = rocCurve(labels, scores);
    let area = 0;
    for (let i = 1; i < fpr.length; i++) area += ((fpr[i]! - fpr[i - 1]!) * (tpr[i]! + tpr[i - 1]!)) / 2;
    expect(area).toBeCloseTo(auc(labels, scores), 12);
    expect([fpr[0], tpr[0], fpr.at(-1), tpr.at(-1)]).toEqual([0, 0, 1, 1]);
  });
});

describe('purchaseMetrics', () => {
  it('takes "spent anything" as the label and reports precision, recall and F1 at the threshold', () => {
    const actual = [0, 12, 0, 3.5, 40, 0];
    const p = [0.7, 0.9, 0.2, 0.4, 0.6, 0.5];
    expect(Array.from(buyers(actual))).toEqual([0, 1, 0, 1, 1, 0]);
    const m = purchaseMetrics(actual, p, 0.5);
    // Called buyers: .7 .9 .6 .5 → true positives 2 (12, 40), false 2; 3 actual buyers.
    expect(m.precision).toBeCloseTo(0.5, 12);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.f1).toBeCloseTo((2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3), 12);
    expect(m.buyerRate).toBeCloseTo(0.5, 12);
    expect(m.threshold).toBe(0.5);
    expect(purchaseMetrics(actual, p, 0.65).precision).toBeCloseTo(0.5, 12); // .7 (no) and .9 (yes)
  });

  it('has undefined precision when nobody is called a buyer', () => {
    expect(purchaseMetrics([0, 1], [0.1, 0.2], 0.5).precision).toBeNaN();
  });
});

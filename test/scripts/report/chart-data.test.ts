import { describe, expect, it } from 'vitest';
import { decileMape, normalisedGini } from '../../../scripts/evaluate/metrics.js';
import { auc } from '../../../scripts/evaluate/purchase.js';
import { calibrationChart, decileChart, gainChart, gainCurve, lossChart, rocChart, scatterChart } from '../../../scripts/report/chart-data.js';
import { Rng } from '../../../scripts/math/rng.js';

const rng = new Rng(21);
const n = 437;
const actual = Array.from({ length: n }, () => (rng.next() < 0.6 ? 0 : Math.exp(rng.normal() + 3)));
const predicted = actual.map((a) => Math.max(0, a * 0.8 + 20 * rng.normal() + 10));

describe('decileChart', () => {
  it('has 10 deciles, highest predictions first, whose gaps average to decileMape', () => {
    const d = decileChart(actual, predicted);
    expect(d.decile).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (let b = 1; b < 10; b++) expect(d.meanPredicted[b]!).toBeLessThanOrEqual(d.meanPredicted[b - 1]!);
    const gaps = d.meanActual.map((a, b) => (a === 0 ? NaN : Math.abs(d.meanPredicted[b]! - a) / a)).filter((g) => !Number.isNaN(g));
    expect(gaps.reduce((s, g) => s + g, 0) / gaps.length).toBeCloseTo(decileMape(actual, predicted), 10);
  });
});

describe('gainCurve / gainChart', () => {
  it('runs from 0 to 1 and its area over the diagonal, as a share of the perfect one, is the normalised Gini', () => {
    const shares = Array.from({ length: n + 1 }, (_, i) => i / n); // every customer: exact trapezoids
    const model = gainCurve(actual, predicted, shares);
    const perfect = gainCurve(actual, actual, shares);
    expect(model[0]).toBe(0);
    expect(model[n]).toBeCloseTo(1, 12);
    const area = (curve: number[]) => curve.slice(1).reduce((s, v, i) => s + (v + curve[i]!) / 2 - (shares[i]! + shares[i + 1]!) / 2, 0) / n;
    expect(area(model) / area(perfect)).toBeCloseTo(normalisedGini(actual, predicted), 2);
  });

  it('puts a constant predictor on the random line and gives every predictor a curve', () => {
    const chart = gainChart(actual, { model: predicted, flat: actual.map(() => 5) });
    expect(chart.share).toHaveLength(101);
    chart.curves.flat!.forEach((v, i) => expect(v).toBeCloseTo(chart.random[i]!, 12));
    expect(chart.curves.model![10]!).toBeGreaterThan(chart.random[10]!);
    expect(chart.perfect[10]!).toBeGreaterThanOrEqual(chart.curves.model![10]!);
  });
});

describe('calibrationChart', () => {
  it('bins by prediction, lowest first, with the diagonal at the same x', () => {
    const c = calibrationChart(actual, predicted, 20);
    expect(c.meanPredicted).toHaveLength(20);
    for (let b = 1; b < 20; b++) expect(c.meanPredicted[b]!).toBeGreaterThanOrEqual(c.meanPredicted[b - 1]!);
    expect(c.ideal).toEqual(c.meanPredicted);
    // Bins are equal-sized, so the mean of bin means is the overall mean (up to bin-size rounding).
    expect(c.meanActual.reduce((s, v) => s + v, 0) / 20).toBeCloseTo(actual.reduce((s, v) => s + v, 0) / n, -1);
  });
});

describe('scatterChart', () => {
  it('adds 1 for the log axes, sorts by prediction and samples evenly above the limit', () => {
    const s = scatterChart(actual, predicted, 100);
    expect(s).toMatchObject({ shown: 100, total: n });
    expect(Math.min(...s.actualPlusOne)).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < 100; i++) expect(s.predictedPlusOne[i]!).toBeGreaterThanOrEqual(s.predictedPlusOne[i - 1]!);
    expect(s.predictedPlusOne[0]).toBeCloseTo(Math.min(...predicted) + 1, 12);
    expect(s.predictedPlusOne[99]).toBeCloseTo(Math.max(...predicted) + 1, 12);
    expect(scatterChart(actual, predicted).shown).toBe(n);
  });
});

describe('rocChart', () => {
  it('goes from (0, 0) to (1, 1), thinned to the limit, keeping the AUC', () => {
    const p = actual.map((a) => 1 / (1 + Math.exp(-(a > 0 ? 1 : -1) - 1.5 * rng.normal())));
    const roc = rocChart(actual, p, 60);
    expect(roc.fpr).toHaveLength(60);
    expect([roc.fpr[0], roc.tpr[0], roc.fpr.at(-1), roc.tpr.at(-1)]).toEqual([0, 0, 1, 1]);
    let area = 0;
    for (let i = 1; i < 60; i++) area += ((roc.fpr[i]! - roc.fpr[i - 1]!) * (roc.tpr[i]! + roc.tpr[i - 1]!)) / 2;
    expect(area).toBeCloseTo(auc(actual.map((a) => (a > 0 ? 1 : 0)), p), 1);
  });
});

describe('lossChart', () => {
  it('lays the history out by epoch', () => {
    const chart = lossChart([{ epoch: 1, trainLoss: 2, valLoss: 3, lr: 1e-3 }, { epoch: 2, trainLoss: 1, valLoss: 1.5, lr: 1e-3 }]);
    expect(chart).toEqual({ epoch: [1, 2], train: [2, 1], validation: [3, 1.5] });
  });
});

import { describe, expect, it } from 'vitest';
import { crossValidate, spread } from '../../../scripts/evaluate/cross-validate.js';
import type { BaselineSplit } from '../../../scripts/evaluate/fit-baselines.js';
import { fitRidge, predictRidge } from '../../../scripts/evaluate/ridge.js';
import { Rng } from '../../../scripts/math/rng.js';

// 103 rows (not a multiple of K), columns id-like `row` (to trace rows through the folds) and spend.
const rng = new Rng(5);
const rows = 103;
const raw = new Float32Array(rows * 2);
const y = new Float64Array(rows);
for (let r = 0; r < rows; r++) {
  const spend = rng.next() < 0.5 ? 0 : Math.exp(rng.normal() + 2);
  raw[r * 2] = r;
  raw[r * 2 + 1] = spend;
  y[r] = spend * (0.5 + rng.next()) + (rng.next() < 0.2 ? 20 : 0);
}
const train: BaselineSplit = { rows, raw, scaled: Float32Array.from(raw, (v, i) => (i % 2 === 0 ? v / rows : v / 10)), y };

describe('crossValidate', () => {
  it('holds out every training row exactly once and never trains on a held-out row', () => {
    const held: number[] = [];
    const cv = crossValidate({ columns: ['row', 'spend'], train, pastSpend: 'spend', k: 4, seed: 42 }, (foldTrain, foldTest) => {
      const trainRows = new Set(Array.from({ length: foldTrain.rows }, (_, i) => foldTrain.raw[i * 2]!));
      for (let i = 0; i < foldTest.rows; i++) {
        expect(trainRows.has(foldTest.raw[i * 2]!)).toBe(false);
        held.push(foldTest.raw[i * 2]!);
      }
      // A real model: ridge fitted on the fold's training rows.
      return { ltv: predictRidge(fitRidge(foldTrain.scaled, foldTrain.y, foldTrain.rows, 2), foldTest.scaled, foldTest.rows) };
    });
    expect(held.sort((a, b) => a - b)).toEqual(Array.from({ length: rows }, (_, i) => i));
    expect(cv.rows).toEqual([26, 26, 26, 25]);
    expect(Object.keys(cv.metrics)).toEqual(['model', 'mean', 'ridge', 'pastSpend']);
    // The "model" here is ridge on the same rows, so its folds match the ridge baseline's.
    cv.metrics.model!.normalisedGini!.folds.forEach((g, i) => expect(g).toBeCloseTo(cv.metrics.ridge!.normalisedGini!.folds[i]!, 9));
    const gini = cv.metrics.pastSpend!.normalisedGini!;
    expect(gini.folds).toHaveLength(4);
    expect(gini.mean).toBeCloseTo(gini.folds.reduce((a, b) => a + b) / 4, 12);
    expect(gini.sd).toBeGreaterThan(0);
  });

  it('adds the purchase metrics when the model gives a probability', () => {
    const cv = crossValidate({ columns: ['row', 'spend'], train, k: 3, seed: 1 }, (_, foldTest) => ({
      ltv: Array.from({ length: foldTest.rows }, (_, i) => foldTest.raw[i * 2 + 1]!),
      pPurchase: Array.from({ length: foldTest.rows }, (_, i) => (foldTest.raw[i * 2 + 1]! > 0 ? 0.9 : 0.1)),
    }));
    expect(cv.metrics.model!.auc!.mean).toBeGreaterThan(0.6);
    expect(cv.metrics.mean!.auc).toBeUndefined();
  });

  it('refuses fewer than 2 folds', () => {
    expect(() => crossValidate({ columns: ['row', 'spend'], train, k: 1, seed: 1 }, () => ({ ltv: [] }))).toThrow(/--cv: need an integer number of folds from 2/);
  });
});

describe('spread', () => {
  it('is the mean and sample standard deviation, leaving undefined folds out', () => {
    expect(spread([1, 2, 3, NaN])).toEqual({ mean: 2, sd: 1, folds: [1, 2, 3, NaN] });
  });
});

import { describe, expect, it } from 'vitest';
import {
  averageRanks,
  calibrationInTheLarge,
  decileMape,
  gini,
  mae,
  mse,
  normalisedGini,
  r2,
  regressionMetrics,
  rmse,
  spearman,
  topDecileCapture,
} from '../../../scripts/evaluate/metrics.js';

const ACTUAL = [1, 2, 3, 4];

describe('error metrics', () => {
  it('mse, rmse, mae and r2 for one error of 1 in four', () => {
    const predicted = [1, 2, 3, 5];
    expect(mse(ACTUAL, predicted)).toBe(0.25);
    expect(rmse(ACTUAL, predicted)).toBe(0.5);
    expect(mae(ACTUAL, predicted)).toBe(0.25);
    // SS_res = 1, SS_tot = 2.25 + 0.25 + 0.25 + 2.25 = 5.
    expect(r2(ACTUAL, predicted)).toBeCloseTo(0.8, 12);
  });

  it('r2 is 1 for a perfect fit, 0 for the mean, NaN for a constant actual', () => {
    expect(r2(ACTUAL, ACTUAL)).toBe(1);
    expect(r2(ACTUAL, [2.5, 2.5, 2.5, 2.5])).toBe(0);
    expect(r2([3, 3, 3], [1, 2, 3])).toBeNaN();
  });
});

describe('normalisedGini', () => {
  it('is 1 for the perfect ordering and −1 for the reversed one', () => {
    expect(normalisedGini(ACTUAL, [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(normalisedGini(ACTUAL, [4, 3, 2, 1])).toBeCloseTo(-1, 12);
  });

  it('matches a gain curve computed by hand', () => {
    // Sorted by prediction: actuals 2, 3, 4, 1 of 10; cumulative shares .2 .5 .9 1 sum to 2.6.
    // gini = 2.6/4 − 5/8 = 0.025. Perfect order 4 3 2 1: .4 .7 .9 1 → 3.0/4 − 5/8 = 0.125.
    const predicted = [0.1, 0.4, 0.3, 0.2];
    expect(gini(ACTUAL, predicted)).toBeCloseTo(0.025, 12);
    expect(gini(ACTUAL, ACTUAL)).toBeCloseTo(0.125, 12);
    expect(normalisedGini(ACTUAL, predicted)).toBeCloseTo(0.2, 12);
  });

  it('averages tied predictions, so the input order within a tie does not matter', () => {
    // Groups {1, 2} then {3, 4} by prediction: each position gets its group's mean, 1.5 or 3.5.
    // Shares .15 .30 .65 1.0 sum to 2.1 → 2.1/4 − 5/8 = −0.1, and −0.1 / 0.125 = −0.8.
    expect(normalisedGini([1, 2, 3, 4], [1, 1, 0, 0])).toBeCloseTo(-0.8, 12);
    expect(normalisedGini([2, 1, 4, 3], [1, 1, 0, 0])).toBeCloseTo(-0.8, 12);
    expect(normalisedGini(ACTUAL, [7, 7, 7, 7])).toBeCloseTo(0, 12);
  });

  it('is NaN when every actual is the same (no ordering to find)', () => {
    expect(normalisedGini([5, 5, 5], [1, 2, 3])).toBeNaN();
  });
});

describe('spearman', () => {
  it('is 1 for any increasing relation and −1 for a decreasing one', () => {
    expect(spearman(ACTUAL, [1, 8, 27, 1000])).toBeCloseTo(1, 12);
    expect(spearman(ACTUAL, [0, -1, -5, -6])).toBeCloseTo(-1, 12);
  });

  it('gives ties their average rank', () => {
    expect(Array.from(averageRanks([10, 20, 20, 40]))).toEqual([1, 2.5, 2.5, 4]);
    expect(Array.from(averageRanks([3, 1, 3, 3]))).toEqual([3, 1, 3, 3]);
    // Ranks 1 2 3 4 against 1 2.5 2.5 4: cov 4.5, variances 5 and 4.5 → 4.5 / √22.5 = √0.9.
    expect(spearman(ACTUAL, [10, 20, 20, 40])).toBeCloseTo(Math.sqrt(0.9), 12);
  });
});

describe('decileMape', () => {
  const tenActual = Array.from({ length: 10 }, (_, k) => k + 1);

  it('is the mean relative error of the ten bucket means', () => {
    // n = 20 and predictions 10 % high everywhere: every bucket is 10 % off.
    const actual = Array.from({ length: 20 }, (_, k) => k + 1);
    expect(decileMape(actual, actual.map((a) => 1.1 * a))).toBeCloseTo(0.1, 12);
    // n = 10, one customer per bucket, each over by 1: mean of 1/1 … 1/10 = H₁₀ / 10.
    expect(decileMape(tenActual, tenActual.map((a) => a + 1))).toBeCloseTo(0.2928968253968254, 12);
  });

  it('skips buckets whose mean actual is 0', () => {
    const actual = [0, ...tenActual.slice(1)];
    // The bucket of actual 0 is skipped: mean of 1/2 … 1/10 = (H₁₀ − 1) / 9.
    expect(decileMape(actual, tenActual.map((a) => a + 1))).toBeCloseTo(0.21432980599647264, 12);
    expect(decileMape([0, 0, 0], [1, 2, 3])).toBeNaN();
  });

  it('buckets by prediction, not by actual', () => {
    // n = 10: the highest prediction (100) sits with actual 1 in its own bucket: |100 − 1| / 1 = 99;
    // the others are exact. Mean over ten buckets: 9.9.
    const predicted = [100, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(decileMape(tenActual, predicted)).toBeCloseTo(9.9, 12);
  });
});

describe('regressionMetrics', () => {
  it('returns every metric for the same pair', () => {
    const predicted = [1, 2, 3, 5];
    expect(regressionMetrics(ACTUAL, Float32Array.from(predicted))).toEqual({
      mse: 0.25,
      rmse: 0.5,
      mae: 0.25,
      r2: r2(ACTUAL, predicted),
      normalisedGini: 1,
      spearman: 1,
      decileMape: decileMape(ACTUAL, predicted),
      topDecileCapture: 4 / 10, // the top place (predicted 5) is the customer with 4 of 10
      calibration: 11 / 10,
    });
  });

  it('rejects mismatched lengths and non-finite values with their location', () => {
    expect(() => regressionMetrics([1, 2], [1])).toThrow('regressionMetrics: actual has 2 values and predicted 1');
    expect(() => regressionMetrics([], [])).toThrow('need the same, non-zero length');
    expect(() => regressionMetrics([1, 2, 3], [1, NaN, 3])).toThrow('regressionMetrics: predicted[1] is NaN');
  });
});

describe('topDecileCapture', () => {
  // 20 customers: one holds 50 of 100, the rest 50/19 each; the top decile is 2 customers.
  const actual = Array.from({ length: 20 }, (_, i) => (i === 7 ? 50 : 50 / 19));

  it('is the share of value held by the top ⌈n/10⌉ by prediction', () => {
    const predicted = actual.map((_, i) => (i === 7 ? 100 : i)); // customer 7 first, then 19
    expect(topDecileCapture(actual, predicted)).toBeCloseTo((50 + 50 / 19) / 100, 12);
    const reversed = actual.map((_, i) => (i === 7 ? -1 : i)); // customer 7 last
    expect(topDecileCapture(actual, reversed)).toBeCloseTo((2 * 50) / 19 / 100, 12);
  });

  it('gives a constant prediction exactly 0.1 (ties count by their share of places)', () => {
    expect(topDecileCapture(actual, actual.map(() => 3))).toBeCloseTo(0.1, 12);
    // A tie of 4 over the last 1 place of the top 2: 1/4 of the group's value.
    expect(topDecileCapture([10, 0, 4, 4, 0, 0, 0, 0, 0, 2, 0, 0], [9, 1, 5, 5, 5, 5, 0, 0, 0, 0, 0, 0])).toBeCloseTo((10 + 8 / 4) / 20, 12);
  });

  it('is NaN when nobody spent anything', () => {
    expect(topDecileCapture([0, 0, 0], [1, 2, 3])).toBeNaN();
  });
});

describe('calibrationInTheLarge', () => {
  it('is mean prediction over mean actual', () => {
    expect(calibrationInTheLarge([1, 2, 3, 4], [2, 2, 2, 4])).toBeCloseTo(1, 12);
    expect(calibrationInTheLarge([1, 2, 3, 4], [2, 4, 6, 8])).toBeCloseTo(2, 12);
    expect(calibrationInTheLarge([0, 0], [1, 1])).toBeNaN();
  });

  it('is part of regressionMetrics with the top-decile capture', () => {
    const m = regressionMetrics([0, 10, 0, 30], [1, 9, 2, 28]);
    expect(m.calibration).toBeCloseTo(40 / 40, 12);
    expect(m.topDecileCapture).toBeCloseTo(30 / 40, 12);
  });
});

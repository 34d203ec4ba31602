import { describe, expect, it } from 'vitest';
import { fitPastSpendBaseline, predictPastSpendBaseline } from '../../../scripts/evaluate/baselines.js';
import { fitBaselines } from '../../../scripts/evaluate/fit-baselines.js';

describe('past-spend baseline', () => {
  it('scales past spend by Σ target / Σ past spend on the training rows; missing or negative spend counts as 0', () => {
    const model = fitPastSpendBaseline('spend', [10, NaN, 30, -5], [5, 1, 14, 0]);
    expect(model.ratio).toBeCloseTo(20 / 40, 12);
    expect(Array.from(predictPastSpendBaseline(model, [100, NaN, 0, -1]))).toEqual([50, 0, 0, 0]);
  });

  it('refuses a column that never holds a positive value', () => {
    expect(() => fitPastSpendBaseline('spend', [0, NaN], [1, 2])).toThrow('past-spend column "spend" has no positive value');
  });
});

describe('fitBaselines', () => {
  // Two numeric columns and one categorical level; raw values before scaling.
  const columns = ['visits', 'spend', 'channel=web'];
  const split = (raw: number[], y: number[]) => ({ rows: y.length, raw: Float32Array.from(raw), scaled: Float32Array.from(raw, (v) => v / 10), y });
  const train = split([1, 10, 1, 2, 20, 0, 3, 30, 1, 4, 0, 0], [4, 9, 14, 1]);
  const test = split([5, 50, 1, 6, 0, 1], [20, 3]);

  it('predicts the test rows with the mean, ridge and, when named, the past-spend heuristic', () => {
    const out = fitBaselines({ columns, train, test, pastSpend: 'spend' });
    expect(Object.keys(out)).toEqual(['mean', 'ridge', 'pastSpend']);
    expect(Array.from(out.mean!)).toEqual([7, 7]);
    expect(out.ridge!.length).toBe(2);
    expect(out.pastSpend![0]).toBeCloseTo(50 * (28 / 60), 10);
    expect(out.pastSpend![1]).toBe(0);
    expect(Object.keys(fitBaselines({ columns, train, test }))).toEqual(['mean', 'ridge']);
  });

  it('names the numeric columns when the past-spend column is not one of them', () => {
    expect(() => fitBaselines({ columns, train, test, pastSpend: 'channel' })).toThrow(/--past-spend: "channel" is not a numeric feature column .*numeric columns: "visits", "spend"/);
  });
});

import { describe, expect, it } from 'vitest';
import { quantile } from '../../../scripts/math/quantile.js';

describe('quantile', () => {
  it('interpolates between order statistics as NumPy does (type 7)', () => {
    // numpy.quantile([1, 2, 4, 8], [0, 0.25, 0.5, 0.9, 1]) = [1, 1.75, 3, 6.8, 8]
    const sorted = [1, 2, 4, 8];
    expect([0, 0.25, 0.5, 0.9, 1].map((q) => quantile(sorted, q))).toEqual([1, 1.75, 3, expect.closeTo(6.8, 12), 8]);
  });

  it('returns the value of a single sample for any level, and refuses no samples', () => {
    expect(quantile(Float64Array.of(5), 0.3)).toBe(5);
    expect(() => quantile([], 0.5)).toThrow('quantile of no values');
  });
});

import { describe, expect, it } from 'vitest';
import { markdownTable, median, ratioAtLeast, ratioAtMost, spread, verdict } from '../../../scripts/measure/stats.js';

describe('bench statistics', () => {
  it('median of odd and even counts, NaN when empty', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('spread prints the median with the range', () => {
    expect(spread([2, 10, 4], 1)).toBe('4.0 [2.0–10.0]');
    expect(spread([7], 2)).toBe('7.00');
    expect(spread([])).toBe('n/a');
  });

  it('ratios against a peer pass or fail the target in the right direction', () => {
    expect(ratioAtMost(15, 10, 1.5)).toEqual({ ratio: 1.5, target: '≤ 1.5×', pass: true });
    expect(ratioAtMost(16, 10, 1.5).pass).toBe(false);
    expect(ratioAtLeast(60_000, 113_000, 0.5).pass).toBe(true);
    expect(ratioAtLeast(50_000, 113_000, 0.5).pass).toBe(false);
    expect(ratioAtMost(1, 0, 1).pass).toBe(false); // a zero peer is no pass
    expect(verdict(ratioAtMost(3, 1, 1))).toBe('3.00× (target ≤ 1×: **fail**)');
  });

  it('markdown table with a separator row', () => {
    expect(markdownTable(['a', 'b'], [['1', '2']])).toBe('| a | b |\n| --- | --- |\n| 1 | 2 |');
  });
});

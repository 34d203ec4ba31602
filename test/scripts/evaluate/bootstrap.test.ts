import { describe, expect, it } from 'vitest';
import { pairedBootstrap, percentileInterval, rankGroups, weightedGini } from '../../../scripts/evaluate/bootstrap.js';
import { gini, normalisedGini } from '../../../scripts/evaluate/metrics.js';
import { Rng } from '../../../scripts/math/rng.js';

/** 400 zero-inflated customers, a good score and a noisier one. */
function sample() {
  const rng = new Rng(3);
  const actual: number[] = [];
  const good: number[] = [];
  const noisy: number[] = [];
  for (let i = 0; i < 400; i++) {
    const latent = rng.normal();
    actual.push(rng.next() < 0.6 ? 0 : Math.exp(latent + 3));
    good.push(latent + 0.3 * rng.normal());
    noisy.push(latent + 2 * rng.normal());
  }
  return { actual, good, noisy };
}

describe('pairedBootstrap', () => {
  const { actual, good, noisy } = sample();

  it('is reproducible from its seed and brackets the full-sample Gini', () => {
    const a = pairedBootstrap(actual, { good, noisy }, 'good', { replicates: 200, seed: 9 });
    const b = pairedBootstrap(actual, { good, noisy }, 'good', { replicates: 200, seed: 9 });
    expect(a).toEqual(b);
    for (const [name, score] of Object.entries({ good, noisy })) {
      const g = normalisedGini(actual, score);
      expect(a.intervals[name]!.low).toBeLessThan(g);
      expect(a.intervals[name]!.high).toBeGreaterThan(g);
    }
    expect(pairedBootstrap(actual, { good, noisy }, 'good', { replicates: 200, seed: 10 })).not.toEqual(a);
  });

  it('pairs the resamples: a predictor against itself differs by exactly 0, and the better one wins', () => {
    const result = pairedBootstrap(actual, { good, same: good, noisy }, 'good', { replicates: 200 });
    expect(result.differences.same).toEqual({ low: 0, high: 0 });
    expect(result.differences.noisy!.low).toBeGreaterThan(0);
    // Pairing narrows the difference's interval below the width of either Gini interval.
    const width = (i: { low: number; high: number }) => i.high - i.low;
    expect(width(result.differences.noisy!)).toBeLessThan(width(result.intervals.noisy!) + width(result.intervals.good!));
  });

  it('names a missing reference', () => {
    expect(() => pairedBootstrap(actual, { good }, 'model')).toThrow(/reference "model" is not one of good/);
  });
});

describe('percentileInterval', () => {
  it('interpolates the 2.5 % and 97.5 % quantiles', () => {
    const values = Array.from({ length: 101 }, (_, i) => 100 - i); // 0 … 100, unordered
    const { low, high } = percentileInterval(values, 0.95);
    expect(low).toBeCloseTo(2.5, 12);
    expect(high).toBeCloseTo(97.5, 12);
    expect(percentileInterval([], 0.95).low).toBeNaN();
  });
});

describe('weightedGini', () => {
  it('equals gini() on the resample it stands for, ties included', () => {
    const rng = new Rng(8);
    const actual = Array.from({ length: 60 }, () => (rng.next() < 0.5 ? 0 : Math.round(rng.next() * 50)));
    const score = actual.map((a) => Math.round(a / 10 + rng.normal())); // many ties
    const counts = new Uint32Array(60);
    const resample: number[] = [];
    for (let k = 0; k < 60; k++) {
      const i = rng.int(60);
      counts[i]!++;
      resample.push(i);
    }
    const expected = gini(resample.map((i) => actual[i]!), resample.map((i) => score[i]!));
    expect(weightedGini(actual, counts, rankGroups(score))).toBeCloseTo(expected, 12);
    expect(weightedGini(actual, new Uint32Array(60).fill(1), rankGroups(score))).toBeCloseTo(gini(actual, score), 12);
  });
});

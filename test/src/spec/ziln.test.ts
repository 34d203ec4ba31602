/** The ZILN head's math (src/head/ziln.ts), in Node with the spec tests: it is shared by trainer and worker. */
import { describe, expect, it } from 'vitest';
import { sigmoid, softplus, zilnMean, zilnParams, zilnQuantile } from '../../../src/head/ziln.js';

const HEAD = { muShift: 3, muScale: 1.2, muMin: 0.5, muMax: 6, sigmaFloor: 0.05, sigmaMax: 1.3 };

describe('zilnQuantile', () => {
  it('is 0 while the level is inside the zero mass 1 − p', () => {
    const params = { p: 0.3, mu: 3, sigma: 1 };
    expect(zilnQuantile(params, 0.1)).toBe(0);
    expect(zilnQuantile(params, 0.7)).toBe(0);
    expect(zilnQuantile(params, 0.71)).toBeGreaterThan(0);
  });

  it('is the lognormal quantile at the rescaled level above it', () => {
    // p = 0.5, q = 0.75: level (0.75 − 0.5) / 0.5 = 0.5, the lognormal median e^μ.
    expect(zilnQuantile({ p: 0.5, mu: 2, sigma: 0.7 }, 0.75)).toBeCloseTo(Math.exp(2), 10);
    // p = 1: the plain lognormal; Φ⁻¹(0.9) = 1.2815515655446004.
    expect(zilnQuantile({ p: 1, mu: 1, sigma: 0.5 }, 0.9)).toBeCloseTo(Math.exp(1 + 0.5 * 1.2815515655446004), 10);
  });

  it('matches the empirical quantiles of draws from the distribution', () => {
    let state = 99;
    const uniform = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) + 0.5) / 2 ** 32;
    const params = { p: 0.6, mu: 3, sigma: 0.8 };
    const draws = Float64Array.from({ length: 200_000 }, () => {
      if (uniform() >= params.p) return 0;
      const normal = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
      return Math.exp(params.mu + params.sigma * normal);
    }).sort();
    for (const q of [0.1, 0.5, 0.9]) {
      const empirical = draws[Math.floor(q * draws.length)]!;
      const exact = zilnQuantile(params, q);
      expect(Math.abs(empirical - exact)).toBeLessThanOrEqual(0.02 * exact + 1e-9);
    }
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean / zilnMean({ ...params })).toBeCloseTo(1, 1);
  });

  it('refuses levels outside (0, 1)', () => {
    expect(() => zilnQuantile({ p: 0.5, mu: 0, sigma: 1 }, 1)).toThrow(RangeError);
    expect(() => zilnQuantile({ p: 0.5, mu: 0, sigma: 1 }, 0)).toThrow(RangeError);
  });
});

describe('zilnParams', () => {
  it('bounds μ to [muMin, muMax] and σ to [sigmaFloor, sigmaMax], whatever the raw outputs', () => {
    expect(zilnParams(HEAD, 1e30, 1e30, 1e30)).toEqual({ p: 1, mu: 6, sigma: 1.3 });
    const low = zilnParams(HEAD, -1e30, -1e30, -1e30);
    expect(low).toEqual({ p: 0, mu: 0.5, sigma: 0.05 });
    expect(zilnMean(zilnParams(HEAD, 50, 1e30, 1e30))).toBeCloseTo(Math.exp(6 + 1.3 ** 2 / 2), 6);
  });

  it('has stable softplus and sigmoid at the extremes', () => {
    expect(softplus(1000)).toBe(1000);
    expect(softplus(-1000)).toBe(0);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
    expect(softplus(0)).toBeCloseTo(Math.LN2, 15);
  });
});

/**
 * The members' mixture (src/head/mixture.ts), in Node with the spec tests: its
 * quantiles against a CDF integrated numerically from the mixture's density and
 * against draws from it, and bounded, ordered, finite answers for any parameters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ZilnMixture, mixtureCdf, mixtureQuantile } from '../../../src/head/mixture.js';
import { zilnMean, zilnQuantile } from '../../../src/head/ziln.js';
import { fcSettings } from '../../support/fc-settings.js';

const settings = fcSettings(process.env);

/**
 * P(Y ≤ x) by the trapezoid rule over the mixture's amount density on the log
 * scale, from far below every member: independent of the normal CDF the head uses.
 */
function integratedCdf(m: ZilnMixture, x: number): number {
  const count = m.p.length;
  let zero = 0;
  for (let k = 0; k < count; k++) zero += 1 - m.p[k]!;
  zero /= count;
  if (x <= 0) return zero;
  const density = (t: number) => {
    let sum = 0;
    for (let k = 0; k < count; k++) {
      const z = (t - m.mu[k]!) / m.sigma[k]!;
      sum += (m.p[k]! * Math.exp(-0.5 * z * z)) / (m.sigma[k]! * Math.sqrt(2 * Math.PI));
    }
    return sum / count;
  };
  const low = Math.min(...Array.from(m.mu, (mu, k) => mu - 12 * m.sigma[k]!));
  const high = Math.log(x);
  const steps = 20_000;
  const h = (high - low) / steps;
  let area = (density(low) + density(high)) / 2;
  for (let i = 1; i < steps; i++) area += density(low + i * h);
  return zero + area * h;
}

const MIXTURE = { p: [0.7, 0.4, 0.55], mu: [3, 4.2, 2.5], sigma: [0.6, 1.1, 0.3] };

describe('mixtureQuantile', () => {
  it('agrees with a CDF integrated numerically from the density (1e-6 in probability)', () => {
    for (const q of [0.5, 0.6, 0.75, 0.9, 0.99]) {
      const x = mixtureQuantile(MIXTURE, q);
      expect(x).toBeGreaterThan(0);
      expect(Math.abs(integratedCdf(MIXTURE, x) - q), `q ${q}`).toBeLessThan(1e-6);
      expect(Math.abs(mixtureCdf(MIXTURE, x) - q), `q ${q}`).toBeLessThan(1e-9);
    }
  });

  it('is 0 within the zero mass, the mean of 1 − p', () => {
    const zero = (0.3 + 0.6 + 0.45) / 3;
    expect(mixtureQuantile(MIXTURE, 0.1)).toBe(0);
    expect(mixtureQuantile(MIXTURE, zero - 1e-9)).toBe(0);
    expect(mixtureQuantile(MIXTURE, zero + 1e-3)).toBeGreaterThan(0);
    expect(mixtureCdf(MIXTURE, 0)).toBeCloseTo(zero, 15);
  });

  it('matches the empirical quantiles and mean of draws from the mixture', () => {
    let state = 7;
    const uniform = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) + 0.5) / 2 ** 32;
    const draws = Float64Array.from({ length: 300_000 }, () => {
      const k = Math.min(2, Math.floor(uniform() * 3));
      if (uniform() >= MIXTURE.p[k]!) return 0;
      const normal = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
      return Math.exp(MIXTURE.mu[k]! + MIXTURE.sigma[k]! * normal);
    }).sort();
    for (const q of [0.6, 0.75, 0.9]) {
      const empirical = draws[Math.floor(q * draws.length)]!;
      const exact = mixtureQuantile(MIXTURE, q);
      expect(Math.abs(empirical - exact), `q ${q}`).toBeLessThanOrEqual(0.02 * exact);
    }
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const expected = [0, 1, 2].reduce((s, k) => s + zilnMean({ p: MIXTURE.p[k]!, mu: MIXTURE.mu[k]!, sigma: MIXTURE.sigma[k]! }), 0) / 3;
    expect(mean / expected).toBeCloseTo(1, 1);
  });

  it('is not the mean of the members\' quantiles', () => {
    const averaged = [0, 1, 2].reduce((s, k) => s + zilnQuantile({ p: MIXTURE.p[k]!, mu: MIXTURE.mu[k]!, sigma: MIXTURE.sigma[k]! }, 0.9), 0) / 3;
    expect(Math.abs(mixtureQuantile(MIXTURE, 0.9) - averaged) / averaged).toBeGreaterThan(0.05);
  });

  it('reduces to the closed form for one member, and for identical members', () => {
    const one = { p: 0.6, mu: 3, sigma: 0.8 };
    for (const q of [0.2, 0.5, 0.9]) {
      expect(mixtureQuantile({ p: [one.p], mu: [one.mu], sigma: [one.sigma] }, q)).toBe(zilnQuantile(one, q));
      const same = mixtureQuantile({ p: [one.p, one.p], mu: [one.mu, one.mu], sigma: [one.sigma, one.sigma] }, q);
      expect(Math.abs(same - zilnQuantile(one, q))).toBeLessThanOrEqual(1e-9 * Math.max(1, zilnQuantile(one, q)));
    }
  });

  it('is finite, ordered and within the members\' own quantiles for any parameters the graph can give', () => {
    const member = fc.record({
      p: fc.double({ min: 0, max: 1, noNaN: true }),
      mu: fc.double({ min: -20, max: 20, noNaN: true }),
      sigma: fc.double({ min: 0.05, max: 5, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(member, { minLength: 2, maxLength: 8 }), (members) => {
        const m = { p: members.map((x) => x.p), mu: members.map((x) => x.mu), sigma: members.map((x) => x.sigma) };
        const quantiles = [0.1, 0.5, 0.9].map((q) => mixtureQuantile(m, q));
        for (const x of quantiles) expect(Number.isFinite(x) && x >= 0).toBe(true);
        expect(quantiles[0]! <= quantiles[1]! && quantiles[1]! <= quantiles[2]!).toBe(true);
        const upper = Math.max(...members.map((x) => Math.exp(x.mu + x.sigma * 8)));
        expect(quantiles[2]!).toBeLessThanOrEqual(upper);
      }),
      settings,
    );
  });

  it('refuses levels outside (0, 1) and mixtures of unequal lengths', () => {
    expect(() => mixtureQuantile(MIXTURE, 0)).toThrow(RangeError);
    expect(() => mixtureQuantile(MIXTURE, 1)).toThrow(RangeError);
    expect(() => mixtureQuantile({ p: [0.5], mu: [1, 2], sigma: [1] }, 0.5)).toThrow('one length');
  });
});

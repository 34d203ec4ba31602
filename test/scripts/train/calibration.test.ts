/** The calibration map (scripts/train/calibration.ts): fitted by bins and isotonic regression, strictly increasing, graph-exact. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibrate } from '../../../scripts/onnx/calibrate.js';
import { fitCalibration, poolAdjacentViolators } from '../../../scripts/train/calibration.js';
import { Rng } from '../../../scripts/math/rng.js';
import { fcSettings } from '../../support/fc-settings.js';

const settings = fcSettings(process.env);

describe('poolAdjacentViolators', () => {
  it('merges neighbours until y rises strictly, keeping weighted means of x and y', () => {
    const pooled = poolAdjacentViolators([
      { x: 1, y: 1, weight: 1 },
      { x: 2, y: 3, weight: 1 },
      { x: 3, y: 2, weight: 1 },
      { x: 4, y: 5, weight: 2 },
    ]);
    expect(pooled).toEqual([
      { x: 1, y: 1, weight: 1 },
      { x: 2.5, y: 2.5, weight: 2 },
      { x: 4, y: 5, weight: 2 },
    ]);
  });
});

describe('fitCalibration', () => {
  it('maps a model that overpredicts by 2× back to the truth, bin by bin', () => {
    const rng = new Rng(3);
    const m = Float64Array.from({ length: 4000 }, () => 1 + 99 * rng.next());
    const y = Float64Array.from(m, (v) => (v / 2) * (0.5 + rng.next()));
    const c = fitCalibration(m, y);
    expect(c.fittedOn).toEqual({ rows: 4000, bins: 20 });
    for (const v of [10, 30, 60, 90]) expect(calibrate(c, v) / (v / 2)).toBeCloseTo(1, 1);
  });

  it('is one bin, calibration in the large, with fewer rows than two bins need', () => {
    const c = fitCalibration([1, 2, 3, 4], [2, 4, 6, 8]);
    expect(c.fittedOn.bins).toBe(1);
    expect(c.knots).toEqual([0, 2.5]);
    expect(calibrate(c, 1)).toBeCloseTo(2, 5);
    expect(calibrate(c, 100)).toBeCloseTo(200, 3);
  });

  it('is strictly increasing whatever the held-out rows, so it keeps the ranking, and finite for any mean a graph gives', () => {
    // The mean it reads is bounded by the head (ZILN: the largest target · exp(σmax²/2)); 1e30 is far beyond any.
    const row = fc.tuple(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true }));
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 600 }), fc.integer({ min: 1, max: 200 }), (rows, minBinRows) => {
        const c = fitCalibration(rows.map((r) => r[0]), rows.map((r) => r[1]), { minBinRows });
        expect(c.slopes.every((s) => s > 0)).toBe(true);
        expect(c.knots.every((k, i) => i === 0 ? k === 0 : k > c.knots[i - 1]!)).toBe(true);
        const probes = [0, 1e-30, 1e-3, 1, 10, 1e3, 1e5, 1e6, 1e30];
        const values = probes.map((m) => calibrate(c, m));
        for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
        expect(values.every(Number.isFinite)).toBe(true);
      }),
      settings,
    );
  });

  it('starts at (0, mean y of the first bin) for a head whose predictions can be 0', () => {
    const m = [0, 0, 0, 0, 5, 5, 5, 5];
    const y = [1, 1, 1, 1, 9, 9, 9, 9];
    const c = fitCalibration(m, y, { minBinRows: 4 });
    expect(c.intercept).toBe(1);
    expect(calibrate(c, 0)).toBe(1);
    expect(calibrate(c, 5)).toBeCloseTo(9, 5);
  });

  it('refuses what it cannot fit on', () => {
    expect(() => fitCalibration([], [])).toThrow('no held-out rows');
    expect(() => fitCalibration([1], [1, 2])).toThrow('1 predictions but 2 actual values');
    expect(() => fitCalibration([Number.NaN], [1])).toThrow('prediction 0 is NaN');
  });
});

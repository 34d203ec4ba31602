/** The promotion gate (scripts/releases/gate.ts) on scores given directly. */
import { describe, expect, it } from 'vitest';
import { TOLERANCE, gate } from '../../../scripts/releases/gate.js';

const served = { normalisedGini: 0.6, decileMape: 0.2 };

describe('gate', () => {
  it('accepts a candidate within the tolerances and refuses one beyond them', () => {
    expect(gate(served, { normalisedGini: 0.6 - TOLERANCE.normalisedGini / 2, decileMape: 0.2 }, [], false)).toEqual({ accepted: true, reasons: [] });
    expect(gate(served, { normalisedGini: 0.5, decileMape: 0.3 }, [], false).reasons).toEqual([
      'normalised Gini drops by 0.1000 (tolerance 0.01)',
      'decile MAPE rises by 0.1000 (tolerance 0.02)',
    ]);
  });

  it('refuses a candidate whose scores are not finite, which every comparison with NaN would let through', () => {
    for (const bad of [Number.NaN, Infinity, -Infinity]) {
      const result = gate(served, { normalisedGini: bad, decileMape: bad }, [], false);
      expect(result.accepted, String(bad)).toBe(false);
      expect(result.reasons[0]).toBe(`the candidate's scores on the evaluation rows are not finite numbers ("normalisedGini" ${bad}, "decileMape" ${bad})`);
    }
  });

  it('refuses a candidate whose ltv.json metrics are not finite (NaN is written as null)', () => {
    const result = gate(served, served, [], false, { mse: null, r2: 0.4, gini: 'NaN' });
    expect(result).toEqual({ accepted: false, reasons: ['the candidate\'s test metrics in ltv.json are not finite numbers ("mse" null, "gini" NaN)'] });
  });

  it('still replaces a served model whose own scores are not finite', () => {
    expect(gate({ normalisedGini: Number.NaN, decileMape: Number.NaN }, served, [], false).accepted).toBe(true);
  });
});

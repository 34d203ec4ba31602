import { describe, expect, it } from 'vitest';
import { evaluate, verdict } from '../../../scripts/evaluate/evaluate.js';
import { normalisedGini } from '../../../scripts/evaluate/metrics.js';
import { Rng } from '../../../scripts/math/rng.js';

/** 500 customers, 60 % zeros; the model sees the latent value better than the baseline. */
function sample() {
  const rng = new Rng(11);
  const actual = new Float64Array(500);
  const model = new Float64Array(500);
  const weak = new Float64Array(500);
  const pPurchase = new Float64Array(500);
  for (let i = 0; i < 500; i++) {
    const latent = rng.normal();
    const buys = rng.next() < 1 / (1 + Math.exp(-(latent - 0.4) * 2));
    actual[i] = buys ? Math.exp(latent + 3) : 0;
    model[i] = Math.exp(latent + 0.3 * rng.normal() + 2.5);
    weak[i] = Math.exp(latent + 2 * rng.normal() + 2.5);
    pPurchase[i] = 1 / (1 + Math.exp(-(latent - 0.4) * 2 + 0.5 * rng.normal()));
  }
  return { actual, model, weak, pPurchase };
}

describe('evaluate', () => {
  const { actual, model, weak, pPurchase } = sample();
  const mean = new Float64Array(actual.length).fill(30);
  const options = { bootstrap: { replicates: 300 } };

  it('scores the model and every baseline on the same customers, with Gini intervals and a verdict each', () => {
    const e = evaluate(actual, { ltv: model }, { mean, weak }, options);
    expect(e.rows).toBe(500);
    expect(e.model.metrics.normalisedGini).toBeCloseTo(normalisedGini(actual, model), 12);
    expect(e.baselines.weak!.metrics.normalisedGini).toBeCloseTo(normalisedGini(actual, weak), 12);
    expect(e.model.giniInterval.low).toBeLessThan(e.model.metrics.normalisedGini);
    expect(e.model.giniInterval.high).toBeGreaterThan(e.model.metrics.normalisedGini);
    const v = e.baselines.weak!.verdict;
    expect(v.beats).toBe('yes');
    expect(v.delta).toBeCloseTo(e.model.metrics.normalisedGini - e.baselines.weak!.metrics.normalisedGini, 12);
    expect(v.text).toMatch(/^beats weak on Gini: yes, Δ \+0\.\d{3} \[\+0\.\d{3}, \+0\.\d{3}\]$/);
    expect(e.model.purchase).toBeUndefined();
  });

  it('says "no" when the baseline ranks better', () => {
    const e = evaluate(actual, { ltv: weak }, { ridge: model }, options);
    expect(e.baselines.ridge!.verdict.beats).toBe('no');
    expect(e.baselines.ridge!.verdict.text).toMatch(/^beats ridge on Gini: no \(worse\), Δ −0\.\d{3}/);
  });

  it('adds AUC, precision, recall and F1 when the model has a purchase probability', () => {
    const e = evaluate(actual, { ltv: model, pPurchase }, { mean }, { ...options, purchaseThreshold: 0.4 });
    const p = e.model.purchase!;
    expect(p.threshold).toBe(0.4);
    expect(p.auc).toBeGreaterThan(0.7);
    expect(p.auc).toBeLessThanOrEqual(1);
    for (const value of [p.precision, p.recall, p.f1]) expect(value).toBeGreaterThan(0);
  });
});

describe('verdict', () => {
  it('calls an interval that holds 0 unclear', () => {
    const v = verdict('past spend', 0.004, { low: -0.006, high: 0.013 });
    expect(v.beats).toBe('unclear');
    expect(v.text).toBe('beats past spend on Gini: not clearly (the interval holds 0), Δ +0.004 [−0.006, +0.013]');
  });
});

import { describe, expect, it } from 'vitest';
import { fitZilnHead, type ZilnHead, zilnParams } from '../../../src/head/ziln.js';
import { mlpForward } from '../../../scripts/mlp/forward.js';
import { fit } from '../../../scripts/mlp/fit.js';
import { mseGrad, sumSquaredError } from '../../../scripts/mlp/loss.js';
import { type Objective, mseObjective, zilnObjective } from '../../../scripts/mlp/objective.js';
import { Rng } from '../../../scripts/math/rng.js';

const HEAD: ZilnHead = { muShift: 3, muScale: 1.2, muMin: 0.5, muMax: 6, sigmaFloor: 0.05, sigmaMax: 1.3 };

/** Central differences of the mean loss in float64 around each raw output. */
function numericGradient(objective: Objective, pred: Float64Array, y: Float32Array, rows: number, h = 1e-4): Float64Array {
  // Float32 outputs would drown a small step in rounding; the objective reads any array of numbers.
  const at = (values: Float64Array) => objective.sumLoss(values as unknown as Float32Array, y, rows) / rows;
  const grad = new Float64Array(pred.length);
  for (let k = 0; k < pred.length; k++) {
    const plus = pred.slice();
    const minus = pred.slice();
    plus[k]! += h;
    minus[k]! -= h;
    grad[k] = (at(plus) - at(minus)) / (2 * h);
  }
  return grad;
}

describe('zilnObjective', () => {
  const objective = zilnObjective(HEAD);

  it('has a gradient that matches central finite differences, zeros and spenders alike', () => {
    const rng = new Rng(5);
    const rows = 40;
    const pred = Float64Array.from({ length: rows * 3 }, (_, k) => (k % 3 === 1 ? rng.normal() * 0.8 : rng.normal()));
    const y = Float32Array.from({ length: rows }, (_, r) => (r % 3 === 0 ? 0 : Math.exp(3 + rng.normal())));
    const analytic = new Float32Array(rows * 3);
    const loss = objective.gradient(Float32Array.from(pred), y, rows, analytic);
    const numeric = numericGradient(objective, pred, y, rows);
    expect(loss).toBeCloseTo(objective.sumLoss(Float32Array.from(pred), y, rows) / rows, 5);
    for (let k = 0; k < pred.length; k++) expect(analytic[k]!).toBeCloseTo(numeric[k]!, 4);
    // Zero-spend rows only move the logit.
    expect([analytic[1], analytic[2]]).toEqual([0, 0]);
  });

  it('is the BCE plus the lognormal negative log-likelihood, written out by hand', () => {
    const [logit, rawMu, rawSigma, y] = [0.3, 0.5, -0.2, 40];
    const p = 1 / (1 + Math.exp(-logit));
    const mu = HEAD.muShift + HEAD.muScale * rawMu;
    const sigma = HEAD.sigmaFloor + Math.log(1 + Math.exp(rawSigma));
    const nll = Math.log(y) + Math.log(sigma) + 0.5 * Math.log(2 * Math.PI) + (Math.log(y) - mu) ** 2 / (2 * sigma ** 2);
    expect(objective.sumLoss(Float32Array.of(logit, rawMu, rawSigma), Float32Array.of(y), 1)).toBeCloseTo(-Math.log(p) + nll, 5);
    expect(objective.sumLoss(Float32Array.of(logit, rawMu, rawSigma), Float32Array.of(0), 1)).toBeCloseTo(-Math.log(1 - p), 6);
  });

  it('trains on unbounded μ and σ: no gradient dies at a serving bound, and huge raw outputs stay finite', () => {
    // Raw outputs far past muMax / sigmaMax (and below muMin): the gradient still pulls them back.
    // Rows: μ = 15 above muMax 6; σ ≈ 3.1 above sigmaMax 1.3 with μ at log 50; μ = −9 below muMin 0.5.
    const pred = Float32Array.of(0, 10, 0, 0, (Math.log(50) - 3) / 1.2, 3, 0, -10, 0);
    const grad = new Float32Array(9);
    const loss = objective.gradient(pred, Float32Array.of(50, 50, 50), 3, grad);
    expect(Number.isFinite(loss)).toBe(true);
    expect(grad[1]).toBeGreaterThan(0); // descend towards log 50
    expect(grad[5]).toBeGreaterThan(0); // shrink σ: the residual is ~0
    expect(grad[7]).toBeLessThan(0); // ascend towards log 50
    const huge = new Float32Array(3);
    expect(Number.isFinite(objective.gradient(Float32Array.of(1e30, 1e30, 1e30), Float32Array.of(50), 1, huge))).toBe(true);
    expect(huge.every(Number.isFinite)).toBe(true);
  });

  it('trains a network to the right purchase rate and log-spend mean on synthetic ZILN data', () => {
    const rng = new Rng(9);
    const rows = 4000;
    const x = Float32Array.from({ length: rows * 2 }, () => rng.normal());
    // p = sigmoid(x0), log spend ~ N(2 + 0.5·x1, 0.4²).
    const y = Float32Array.from({ length: rows }, (_, r) =>
      rng.next() < 1 / (1 + Math.exp(-x[2 * r]!)) ? Math.exp(2 + 0.5 * x[2 * r + 1]! + 0.4 * rng.normal()) : 0,
    );
    const head = fitZilnHead(y);
    const result = fit({ x, y, rows, features: 2 }, { hidden: [16], epochs: 80, lr: 1e-2, batchSize: 64, objective: zilnObjective(head), seed: 3 });
    expect(result.params.layers.at(-1)!.outSize).toBe(3);
    const probes = Float32Array.of(0, 0, 2, 0, -2, 0, 0, 1.5, 0, -1.5);
    const raw = mlpForward(result.params, probes, 5);
    const at = (i: number) => zilnParams(head, raw[3 * i]!, raw[3 * i + 1]!, raw[3 * i + 2]!);
    const expected = [[0.5, 2], [0.881, 2], [0.119, 2], [0.5, 2.75], [0.5, 1.25]];
    expected.forEach(([p, mu], i) => {
      expect(Math.abs(at(i).p - p!), `p at probe ${i}`).toBeLessThan(0.07);
      expect(Math.abs(at(i).mu - mu!), `μ at probe ${i}`).toBeLessThan(0.15);
    });
    expect(Math.abs(at(0).sigma - 0.4)).toBeLessThan(0.07);
  });
});

describe('mseObjective', () => {
  it('is the MSE of loss.ts and its gradient, on one output', () => {
    const pred = Float32Array.of(1, 2, 3.5);
    const y = Float32Array.of(0.5, 2, 5);
    const out = new Float32Array(3);
    expect(mseObjective.gradient(pred, y, 3, out)).toBe(sumSquaredError(pred, y, 3) / 3);
    expect(out).toEqual(mseGrad(pred, y, new Float32Array(3), 3));
    expect(mseObjective.outputs).toBe(1);
  });
});

describe('fitZilnHead', () => {
  it('takes μ’s range and σ’s cap from the log of the positive targets only', () => {
    const head = fitZilnHead([0, 0, Math.E, Math.E ** 3, 0]);
    expect(head).toEqual({ muShift: 2, muScale: 1, muMin: Math.fround(1), muMax: 3, sigmaFloor: Math.fround(0.05), sigmaMax: 1 });
  });

  it('refuses targets with fewer than two spenders', () => {
    expect(() => fitZilnHead([0, 0, 5])).toThrow('at least 2 positive training targets');
  });
});

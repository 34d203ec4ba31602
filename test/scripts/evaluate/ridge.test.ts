import { describe, expect, it } from 'vitest';
import { fitMeanBaseline, predictMeanBaseline } from '../../../scripts/evaluate/baselines.js';
import { fitRidge, predictRidge } from '../../../scripts/evaluate/ridge.js';
import { Rng } from '../../../scripts/math/rng.js';

const ROWS = 500;
const COLS = 5;
const TRUE_WEIGHTS = [2, -1, 0.5, 0, 3];
const TRUE_INTERCEPT = 4;

/** y = x·w + 4 on standard-normal features, optionally with N(0, noise²) added. */
function linear(noise: number): { x: Float32Array; y: Float64Array } {
  const rng = new Rng(9);
  const x = Float32Array.from({ length: ROWS * COLS }, () => rng.normal());
  const y = new Float64Array(ROWS);
  for (let r = 0; r < ROWS; r++) {
    let sum = TRUE_INTERCEPT;
    for (let j = 0; j < COLS; j++) sum += x[r * COLS + j]! * TRUE_WEIGHTS[j]!;
    y[r] = sum + noise * rng.normal();
  }
  return { x, y };
}

describe('fitRidge', () => {
  it('recovers an exact linear model when lambda is tiny', () => {
    const { x, y } = linear(0);
    const model = fitRidge(x, y, ROWS, COLS, 1e-9);
    Array.from(model.weights).forEach((w, j) => expect(w).toBeCloseTo(TRUE_WEIGHTS[j]!, 8));
    expect(model.intercept).toBeCloseTo(TRUE_INTERCEPT, 8);
    const predicted = predictRidge(model, x, ROWS);
    predicted.forEach((p, r) => expect(p).toBeCloseTo(y[r]!, 6));
  });

  it('recovers a noisy linear model with the default lambda = 1', () => {
    const { x, y } = linear(0.1);
    const model = fitRidge(x, y, ROWS, COLS);
    expect(model.lambda).toBe(1);
    Array.from(model.weights).forEach((w, j) => expect(Math.abs(w - TRUE_WEIGHTS[j]!)).toBeLessThan(0.03));
    expect(Math.abs(model.intercept - TRUE_INTERCEPT)).toBeLessThan(0.03);
  });

  it('shrinks the weights towards 0 and the prediction towards the mean, never the intercept', () => {
    const { x, y } = linear(0);
    const model = fitRidge(x, y, ROWS, COLS, 1e9);
    Array.from(model.weights).forEach((w) => expect(Math.abs(w)).toBeLessThan(1e-5));
    const mean = y.reduce((s, v) => s + v, 0) / ROWS;
    expect(model.intercept).toBeCloseTo(mean, 4);
  });

  it('explains a singular system instead of returning garbage', () => {
    const x = new Float32Array(ROWS * 2).fill(1); // two constant columns: XcᵀXc = 0
    expect(() => fitRidge(x, new Float64Array(ROWS), ROWS, 2, 0)).toThrow(/not positive definite at column 0/);
    expect(() => fitRidge(new Float32Array(10), new Float64Array(5), 5, 3)).toThrow(
      'fitRidge: expected x [5, 3] and y [5], got 10 and 5 values',
    );
  });
});

describe('mean baseline', () => {
  it('predicts the training mean for every row', () => {
    const model = fitMeanBaseline([1, 2, 3, 6]);
    expect(model.mean).toBe(3);
    expect(Array.from(predictMeanBaseline(model, 3))).toEqual([3, 3, 3]);
  });
});

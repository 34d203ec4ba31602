import { describe, expect, it } from 'vitest';
import { Backprop, type Dropout } from '../../../scripts/mlp/backprop.js';
import { mlpForward } from '../../../scripts/mlp/forward.js';
import { heInit, zerosLike } from '../../../scripts/mlp/init.js';
import { mse, mseGrad } from '../../../scripts/mlp/loss.js';
import type { MlpParams } from '../../../scripts/mlp/params.js';
import { Rng } from '../../../scripts/math/rng.js';

const SIZES = [5, 8, 6, 2];
const ROWS = 7;

function setup(): { params: MlpParams; x: Float32Array; y: Float32Array } {
  const rng = new Rng(7);
  const params = heInit(SIZES, rng);
  // Non-zero biases so the bias gradients are exercised away from the init.
  for (const layer of params.layers) for (let j = 0; j < layer.outSize; j++) layer.bias[j] = 0.1 * rng.normal();
  const x = Float32Array.from({ length: ROWS * SIZES[0]! }, () => rng.normal());
  const y = Float32Array.from({ length: ROWS * SIZES.at(-1)! }, () => rng.normal());
  return { params, x, y };
}

/** Analytic gradients of the MSE, with an optional dropout mask drawn from a fresh Rng(seed). */
function analytic(params: MlpParams, x: Float32Array, y: Float32Array, dropoutSeed?: number): MlpParams {
  const backprop = new Backprop(params, ROWS + 3); // capacity above the batch on purpose
  const dropout: Dropout | undefined = dropoutSeed === undefined ? undefined : { rate: 0.3, rng: new Rng(dropoutSeed) };
  const pred = backprop.forward(params, x, ROWS, dropout);
  const dOut = mseGrad(pred, y, new Float32Array(pred.length));
  const grads = zerosLike(params);
  backprop.backward(params, dOut, grads);
  return grads;
}

/** The loss as a function of the params, with the same dropout mask each time. */
function lossOf(params: MlpParams, x: Float32Array, y: Float32Array, dropoutSeed?: number): number {
  const backprop = new Backprop(params, ROWS);
  const dropout: Dropout | undefined = dropoutSeed === undefined ? undefined : { rate: 0.3, rng: new Rng(dropoutSeed) };
  return mse(backprop.forward(params, x, ROWS, dropout), y);
}

/**
 * Central differences for every parameter. Parameters and activations are float32
 * (the trainer's precision); the loss is summed in float64. The step is 1e-2 and the
 * denominator is the difference of the float32-rounded perturbed values, so rounding
 * of θ ± h does not bias the estimate; float32 noise in the loss (~1e-7 relative)
 * then contributes ~1e-5 to each derivative. Relative error is measured against
 * max(|analytic|, |numeric|, 1e-3) so that near-zero gradients are judged absolutely.
 */
function checkGradients(dropoutSeed?: number): number {
  const { params, x, y } = setup();
  const grads = analytic(params, x, y, dropoutSeed);
  let checked = 0;
  let worst = 0;
  params.layers.forEach((layer, l) => {
    const g = grads.layers[l]!;
    for (const [name, values, grad] of [
      ['weights', layer.weights, g.weights],
      ['bias', layer.bias, g.bias],
    ] as const) {
      for (let k = 0; k < values.length; k++) {
        const original = values[k]!;
        values[k] = original + 1e-2;
        const plus = values[k]!;
        const lossPlus = lossOf(params, x, y, dropoutSeed);
        values[k] = original - 1e-2;
        const minus = values[k]!;
        const lossMinus = lossOf(params, x, y, dropoutSeed);
        values[k] = original;
        const numeric = (lossPlus - lossMinus) / (plus - minus);
        const exact = grad[k]!;
        const error = Math.abs(numeric - exact) / Math.max(Math.abs(numeric), Math.abs(exact), 1e-3);
        worst = Math.max(worst, error);
        if (error >= 1e-2) throw new Error(`layer ${l} ${name}[${k}]: analytic ${exact}, numeric ${numeric}, relative error ${error}`);
        checked++;
      }
    }
  });
  expect(checked).toBe(5 * 8 + 8 + 8 * 6 + 6 + 6 * 2 + 2); // every weight and bias of every layer
  return worst;
}

describe('Backprop', () => {
  it('matches central finite differences for every layer (float32 params, float64 loss)', () => {
    expect(checkGradients()).toBeLessThan(1e-2);
  });

  it('matches finite differences with inverted dropout, the mask fixed by the seed', () => {
    expect(checkGradients(11)).toBeLessThan(1e-2);
  });

  it('forward without dropout is bit-identical to mlpForward', () => {
    const { params, x } = setup();
    const pred = new Backprop(params, ROWS).forward(params, x, ROWS);
    expect(Array.from(pred)).toEqual(Array.from(mlpForward(params, x, ROWS)));
  });

  it('dropout zeroes some hidden units and scales the kept ones by 1 / (1 - rate)', () => {
    // One hidden layer, identity-like: out = sum of hidden units, so the effect is visible.
    const params: MlpParams = {
      layers: [
        { inSize: 1, outSize: 1000, weights: new Float32Array(1000).fill(1), bias: new Float32Array(1000) },
        { inSize: 1000, outSize: 1, weights: new Float32Array(1000).fill(1), bias: new Float32Array(1) },
      ],
    };
    const backprop = new Backprop(params, 1);
    const out = backprop.forward(params, Float32Array.of(1), 1, { rate: 0.5, rng: new Rng(3) })[0]!;
    // Each kept unit contributes 2; about half are kept.
    expect(out % 2).toBe(0);
    expect(out).toBeGreaterThan(800);
    expect(out).toBeLessThan(1200);
  });

  it('names the layer and both shapes when params do not fit the workspace', () => {
    const { params, x } = setup();
    const backprop = new Backprop(params, ROWS);
    const other = heInit([5, 9, 6, 2], new Rng(1));
    expect(() => backprop.forward(other, x, ROWS)).toThrow('layer 0: expected [5, 8], got [5, 9]');
    expect(() => backprop.forward(params, x.subarray(0, 10), ROWS)).toThrow('input: expected [7, 5] = 35 values, got 10');
    expect(() => backprop.forward(params, x, ROWS + 1)).toThrow('rows must be an integer in [1, 7], got 8');
  });
});

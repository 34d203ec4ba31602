import { describe, expect, it } from 'vitest';
import { mlpForward } from '../../../scripts/mlp/forward.js';
import { fit, type EpochProgress, type FitData, TrainingDivergedError } from '../../../scripts/mlp/fit.js';
import { mse } from '../../../scripts/mlp/loss.js';
import type { MlpParams } from '../../../scripts/mlp/params.js';
import { Rng } from '../../../scripts/math/rng.js';

/** y = sin(2·x0) + 0.5·x1² − 0.67 on x ∈ [−2, 2]²: the x1² half alone has variance ≈ 0.36 that no linear model explains. */
function curve(rows: number, seed: number): FitData {
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: rows * 2 }, () => rng.next() * 4 - 2);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) y[r] = Math.sin(2 * x[2 * r]!) + 0.5 * x[2 * r + 1]! ** 2 - 0.67;
  return { x, y, rows, features: 2 };
}

/** Pure noise: nothing generalises, so validation loss rises once the net memorises. */
function noise(rows: number, features: number, seed: number): FitData {
  const rng = new Rng(seed);
  return {
    x: Float32Array.from({ length: rows * features }, () => rng.normal()),
    y: Float32Array.from({ length: rows }, () => rng.normal()),
    rows,
    features,
  };
}

function variance(values: Float32Array): number {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
}

function flat(params: MlpParams): number[] {
  return params.layers.flatMap((layer) => [...layer.weights, ...layer.bias]);
}

/** MSE of `params` on the given rows of `data`, through the reference forward pass. */
function lossOn(params: MlpParams, data: FitData, rows: Uint32Array): number {
  const x = new Float32Array(rows.length * data.features);
  const y = new Float32Array(rows.length);
  rows.forEach((row, k) => {
    x.set(data.x.subarray(row * data.features, (row + 1) * data.features), k * data.features);
    y[k] = data.y[row]!;
  });
  return mse(mlpForward(params, x, rows.length), y);
}

describe('fit', () => {
  it('learns a nonlinear function to a small fraction of the target variance', () => {
    const data = curve(1200, 1);
    const result = fit(data, { hidden: [32, 16], dropout: 0, epochs: 60, batchSize: 32, lr: 3e-3, patience: 15 });
    const best = result.history[result.bestEpoch - 1]!;
    expect(best.valLoss).toBeLessThan(0.01 * variance(data.y)); // ~0.002 vs 0.88 when written
    expect(result.history[0]!.trainLoss).toBeGreaterThan(3 * best.trainLoss);
    expect(result.samplesPerSecond).toBeGreaterThan(0);
  });

  it('is deterministic: the same seed gives bit-identical weights, another seed different ones', () => {
    const data = curve(300, 2);
    const options = { hidden: [16, 8], epochs: 4, batchSize: 32, dropout: 0.2, l2: 1e-4 };
    const a = fit(data, options);
    const b = fit(data, options);
    const c = fit(data, { ...options, seed: 43 });
    expect(flat(b.params)).toEqual(flat(a.params));
    expect(b.history).toEqual(a.history);
    expect(Array.from(b.validationIndices)).toEqual(Array.from(a.validationIndices));
    expect(flat(c.params)).not.toEqual(flat(a.params));
  });

  it('holds out a seeded 10 % of the rows for validation', () => {
    const result = fit(curve(200, 3), { hidden: [4], epochs: 1 });
    const held = Array.from(result.validationIndices);
    expect(held).toHaveLength(20);
    expect(new Set(held).size).toBe(20);
    expect(held).toEqual([...held].sort((p, q) => p - q));
    expect(held.every((row) => row >= 0 && row < 200)).toBe(true);
  });

  it('stops early on a validation plateau, halves the learning rate, and returns the best epoch’s weights', () => {
    const data = noise(200, 8, 4);
    const progress: EpochProgress[] = [];
    const result = fit(
      data,
      { hidden: [64], dropout: 0, epochs: 200, batchSize: 16, lr: 1e-2, patience: 4, minLr: 1e-3 },
      { onEpoch: (p) => progress.push(p) },
    );
    expect(result.stoppedEarly).toBe(true);
    expect(result.history).toHaveLength(result.bestEpoch + 4);
    const losses = result.history.map((h) => h.valLoss);
    expect(result.history[result.bestEpoch - 1]!.valLoss).toBe(Math.min(...losses));
    // The returned weights are the best epoch's, not the last epoch's.
    const restored = lossOn(result.params, data, result.validationIndices);
    expect(restored).toBeCloseTo(result.history[result.bestEpoch - 1]!.valLoss, 6);
    expect(restored).toBeLessThan(result.history.at(-1)!.valLoss);
    // ceil(4 / 2) = 2 epochs without improvement halve the rate (the 3rd epoch after the best trains at lr/2).
    expect(result.history[result.bestEpoch + 2]!.lr).toBe(5e-3);
    // One progress report per epoch, with the loop's own numbers.
    expect(progress.map((p) => p.epoch)).toEqual(result.history.map((h) => h.epoch));
    expect(progress.every((p) => p.epochs === 200 && p.etaMs >= 0 && p.elapsedMs >= 0)).toBe(true);
  });

  it('never decays the learning rate below minLr', () => {
    // Halving 1e-2 would give 5e-3; the floor holds it at 6e-3.
    const result = fit(noise(200, 8, 4), { hidden: [64], dropout: 0, epochs: 200, batchSize: 16, lr: 1e-2, patience: 4, minLr: 6e-3 });
    const rates = result.history.map((h) => h.lr);
    expect(Math.min(...rates)).toBe(6e-3);
    expect(rates.every((lr, k) => k === 0 || lr <= rates[k - 1]!)).toBe(true);
  });

  it('throws TrainingDivergedError naming the epoch and batch when the loss blows up', () => {
    const run = () => fit(curve(200, 6), { hidden: [16, 8], epochs: 3, batchSize: 16, lr: 1e30 });
    expect(run).toThrow(TrainingDivergedError);
    expect(run).toThrow(/^training diverged at epoch 1, batch \d+: loss is (NaN|Infinity)/);
  });

  it('throws TrainingDivergedError on a NaN target', () => {
    const data = curve(200, 7);
    for (let r = 0; r < data.rows; r += 7) data.y[r] = NaN; // 29 rows: some land in training
    try {
      fit(data, { hidden: [8], epochs: 2, batchSize: 16 });
      expect.unreachable('fit should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(TrainingDivergedError);
      const diverged = error as TrainingDivergedError;
      expect(diverged.epoch).toBe(1);
      expect(diverged.batch).toBeTypeOf('number');
      expect(diverged.message).toMatch(/epoch 1, batch \d+: loss is NaN/);
    }
  });

  it('rejects bad shapes and options with the numbers in the message', () => {
    const data = curve(50, 8);
    expect(() => fit({ ...data, features: 3 }, { epochs: 1 })).toThrow('fit: expected x [50, 3] and y [50], got 100 and 50 values');
    expect(() => fit(data, { dropout: 1, batchSize: 0 })).toThrow(/batchSize must be a positive integer, got 0.*dropout must be in \[0, 1\), got 1/);
  });
});

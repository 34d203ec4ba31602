/**
 * The network for one loss on prepared data: the head's target form and spec
 * (MSE: standardised target, one output; ZILN: the target in its unit, three
 * outputs and the bounds of src/head/ziln.ts), the fit, and the graph's outputs on
 * the test rows. Shared by `trainModel` and the loss comparison, so that the
 * comparison measures exactly what the trainer ships.
 */
import { ZILN_OUTPUTS, fitZilnHead } from '../../src/head/ziln.js';
import type { FeatureSpec } from '../../src/spec/feature-spec.js';
import { DataError } from '../data/errors.js';
import type { PreparedData } from '../data/prepare.js';
import { predictReferenceOutputs } from '../onnx/reference.js';
import { type FitHooks, type FitOptions, type FitResult, fit } from '../mlp/fit.js';
import { type LossName, type Objective, mseObjective, zilnObjective } from '../mlp/objective.js';

export interface FittedNetwork {
  /** The prepared spec with the head's target and outputs. */
  spec: FeatureSpec;
  result: FitResult;
  seconds: number;
  /** Every graph output on the test rows, by name (`ltv` first). */
  testOutputs: Record<string, Float32Array>;
}

export function fitNetwork(data: PreparedData, loss: LossName, options: FitOptions, hooks: FitHooks = {}): FittedNetwork {
  const started = performance.now();
  const { spec, result } = fitOnSplit(data, loss, options, data.train, hooks);
  const seconds = (performance.now() - started) / 1000;
  const testOutputs = predictReferenceOutputs(spec, result.params, data.test.raw, data.test.rows);
  return { spec, result, seconds, testOutputs };
}

/** The rows a network is fitted on or scored on: the training split, the test split, or a CV fold. */
export interface NetworkSplit {
  rows: number;
  /** Encoder output [rows, width], what the graph reads. */
  raw: Float32Array;
  /** After imputation, clipping and scaling: what the network reads in training. */
  scaled: Float32Array;
  y: ArrayLike<number>;
}

/** Fits one loss's network on a split (the training split, or a CV fold of it, with the head fitted on that split). */
export function fitOnSplit(data: PreparedData, loss: LossName, options: FitOptions, split: NetworkSplit, hooks: FitHooks = {}): { spec: FeatureSpec; result: FitResult } {
  const { spec, y, objective } = headFor(loss, data.spec, Float64Array.from(split.y));
  const result = fit({ x: split.scaled, y, rows: split.rows, features: data.width }, { ...options, objective }, hooks);
  return { spec, result };
}

/** Every graph output on a split, through the same arithmetic as the exported graph. */
export function predictSplit(spec: FeatureSpec, result: FitResult, split: NetworkSplit): Record<string, Float32Array> {
  return predictReferenceOutputs(spec, result.params, split.raw, split.rows);
}

/** What a loss needs: the spec it exports with, the targets it trains on, the objective. */
export function headFor(loss: LossName, spec: FeatureSpec, trainY: Float64Array): { spec: FeatureSpec; y: Float32Array; objective: Objective } {
  if (loss === 'mse') {
    // The network learns the standardised target; the graph maps it back to the unit.
    const { mean, std } = spec.target;
    return { spec, y: Float32Array.from(trainY, (v) => (v - mean) / std), objective: mseObjective };
  }
  const spenders = trainY.reduce((n, v) => (v > 0 ? n + 1 : n), 0);
  if (spenders < 2) {
    // A data problem, reported as one: --loss ziln cannot fit the spend distribution.
    throw new DataError(`the ZILN loss needs at least 2 training rows with ${spec.target.name} > 0, got ${spenders}; use --loss mse`, { column: spec.target.name });
  }
  const head = fitZilnHead(trainY);
  return {
    spec: { ...spec, target: { ...spec.target, ziln: head }, io: { ...spec.io, outputs: [...ZILN_OUTPUTS] } },
    y: Float32Array.from(trainY),
    objective: zilnObjective(head),
  };
}

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
import { type FitHooks, type FitOptions, type FitResult, fit } from '../train/fit.js';
import { type LossName, type Objective, mseObjective, zilnObjective } from '../train/objective.js';

export interface FittedNetwork {
  /** The prepared spec with the head's target and outputs. */
  spec: FeatureSpec;
  result: FitResult;
  seconds: number;
  /** Every graph output on the test rows, by name (`ltv` first). */
  testOutputs: Record<string, Float32Array>;
}

export function fitNetwork(data: PreparedData, loss: LossName, options: FitOptions, hooks: FitHooks = {}): FittedNetwork {
  const { spec, y, objective } = headFor(loss, data.spec, data.train.y);
  const started = performance.now();
  const result = fit({ x: data.train.scaled, y, rows: data.train.rows, features: data.width }, { ...options, objective }, hooks);
  const seconds = (performance.now() - started) / 1000;
  const testOutputs = predictReferenceOutputs(spec, result.params, data.test.raw, data.test.rows);
  return { spec, result, seconds, testOutputs };
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

/**
 * What a network needs for one loss: the head's target form and spec (MSE:
 * standardised target, one output; ZILN: the target in its unit, three outputs and
 * the bounds of src/head/ziln.ts) and the objective. ./fit-model.ts fits the members.
 */
import { ZILN_OUTPUTS, fitZilnHead } from '../../src/head/ziln.js';
import type { FeatureSpec } from '../../src/spec/feature-spec.js';
import { DataError } from '../data/errors.js';
import { type LossName, type Objective, mseObjective, zilnObjective } from '../mlp/objective.js';

/** The rows a network is fitted on or scored on: the training split, the test split, or a CV fold. */
export interface NetworkSplit {
  rows: number;
  /** Encoder output [rows, width], what the graph reads. */
  raw: Float32Array;
  /** After imputation, clipping and scaling: what the network reads in training. */
  scaled: Float32Array;
  y: ArrayLike<number>;
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

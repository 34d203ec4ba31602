/**
 * One optimisation step (forward, loss, backward, Adam) and the no-dropout loss of
 * a data set, over buffers allocated once. `fit` runs it epoch after epoch; the
 * training benchmark times exactly this, so its numbers are the trainer's numbers.
 */
import * as adam from './adam.js';
import { Backprop } from './backprop.js';
import { zerosLike } from './init.js';
import { type Objective, mseObjective } from './objective.js';
import type { MlpParams } from './params.js';
import type { Rng } from './rng.js';

export interface TrainStepOptions {
  /** Largest batch, in rows; buffers are sized for it. */
  capacity: number;
  /** Dropout rate on hidden units, in [0, 1). Default 0. */
  dropout?: number;
  /** Coupled L2 penalty on weights, passed to Adam. Default 0. */
  l2?: number;
  /** Draws the dropout masks; required when dropout > 0. */
  rng?: Rng;
  /** The loss; its output count must match the network's last layer. Default MSE. */
  objective?: Objective;
}

export class TrainStep {
  readonly params: MlpParams;
  private readonly backprop: Backprop;
  private readonly grads: MlpParams;
  private readonly dOut: Float32Array;
  private readonly optimizer: adam.AdamState;
  private readonly dropout: { rate: number; rng: Rng } | undefined;
  private readonly outSize: number;
  private readonly objective: Objective;

  /** Trains `params` in place. */
  constructor(params: MlpParams, options: TrainStepOptions) {
    const { capacity, dropout = 0, l2 = 0, rng, objective = mseObjective } = options;
    if (dropout > 0 && rng === undefined) throw new Error('TrainStep: dropout > 0 needs an rng');
    this.params = params;
    this.backprop = new Backprop(params, capacity);
    this.grads = zerosLike(params);
    this.outSize = params.layers[params.layers.length - 1]!.outSize;
    if (this.outSize !== objective.outputs) {
      throw new Error(`TrainStep: the ${objective.name} loss needs ${objective.outputs} network outputs, the last layer has ${this.outSize}`);
    }
    this.objective = objective;
    this.dOut = new Float32Array(capacity * this.outSize);
    this.optimizer = adam.init(params, { l2 });
    this.dropout = dropout > 0 && rng !== undefined ? { rate: dropout, rng } : undefined;
  }

  /**
   * One Adam step on `rows` rows of `x` ([rows, in]) and targets `y` ([rows]) at
   * learning rate `lr`. Returns the batch loss measured before the update (with
   * dropout on, as in training). When that loss is not finite nothing is updated,
   * so the caller can stop with the parameters of the last good step.
   */
  run(x: Float32Array, y: Float32Array, rows: number, lr: number): number {
    if (y.length < rows) throw new Error(`TrainStep.run: y: expected [${rows}] values, got ${y.length}`);
    const pred = this.backprop.forward(this.params, x, rows, this.dropout);
    const loss = this.objective.gradient(pred, y, rows, this.dOut);
    if (!Number.isFinite(loss)) return loss;
    this.backprop.backward(this.params, this.dOut, this.grads);
    adam.update(this.grads, this.optimizer, this.params, lr);
    return loss;
  }

  /**
   * Mean loss of the current params on `rows` rows of `x`, `y`, without dropout, in chunks
   * of the step's capacity (so validation allocates nothing). Errors are summed in
   * row order in float64, so the result does not depend on the chunk size beyond
   * float64 rounding.
   */
  evaluate(x: Float32Array, y: Float32Array, rows: number): number {
    const inSize = this.params.layers[0]!.inSize;
    if (x.length < rows * inSize || y.length < rows) {
      throw new Error(`TrainStep.evaluate: expected x [${rows}, ${inSize}] and y [${rows}], got ${x.length} and ${y.length} values`);
    }
    let sum = 0;
    for (let start = 0; start < rows; start += this.backprop.capacity) {
      const count = Math.min(this.backprop.capacity, rows - start);
      const pred = this.backprop.forward(this.params, x.subarray(start * inSize, (start + count) * inSize), count);
      sum += this.objective.sumLoss(pred, y.subarray(start, start + count), count);
    }
    return sum / rows;
  }
}

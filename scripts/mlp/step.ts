/**
 * One optimisation step (forward, loss, backward, Adam) and the no-dropout loss of
 * a data set, over buffers allocated once. `fit` runs it epoch after epoch; the
 * training benchmark times exactly this, so its numbers are the trainer's numbers.
 *
 * The matrix products and Adam run on kernels (./kernels/): SIMD WebAssembly by
 * default, or the reference loops. With SIMD the step trains a working copy of the
 * params inside the kernels' memory, copied in once here and out whenever `params`
 * is read. The loss and its gradient stay plain TypeScript on the predictions.
 */
import * as adam from './adam.js';
import { Backprop } from './backprop.js';
import { copyParams } from './init.js';
import { createKernels, type Kernels, type KernelsName } from './kernels/kernels.js';
import { type Objective, mseObjective } from './objective.js';
import type { MlpParams } from './params.js';
import type { Rng } from '../math/rng.js';

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
  /** Which loops do the work: 'simd' (WebAssembly SIMD, default) or 'reference' (plain TypeScript). */
  kernels?: KernelsName;
}

export class TrainStep {
  private readonly source: MlpParams;
  /** The params the kernels train: `source` itself for the reference kernels, a copy in WASM memory for SIMD. */
  private readonly work: MlpParams;
  private readonly kernels: Kernels;
  private readonly backprop: Backprop;
  private readonly grads: MlpParams;
  private readonly dOut: Float32Array;
  private readonly optimizer: adam.AdamState;
  private readonly dropout: { rate: number; rng: Rng } | undefined;
  private readonly outSize: number;
  private readonly objective: Objective;

  /**
   * Trains `params`: read the trained values through `step.params` (which brings
   * them up to date), not through the object passed in, which may lag behind.
   */
  constructor(params: MlpParams, options: TrainStepOptions) {
    const { capacity, dropout = 0, l2 = 0, rng, objective = mseObjective, kernels = 'simd' } = options;
    if (dropout > 0 && rng === undefined) throw new Error('TrainStep: dropout > 0 needs an rng');
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`TrainStep: capacity must be a positive integer, got ${capacity}`);
    const sizes = [params.layers[0]?.inSize ?? 0, ...params.layers.map((layer) => layer.outSize)];
    this.kernels = createKernels(kernels, sizes, capacity);
    this.source = params;
    this.work = this.kernels.owns(params.layers[0]?.weights ?? new Float32Array()) ? params : this.adopt(params);
    this.backprop = new Backprop(this.work, capacity, this.kernels);
    this.grads = this.adopt(params, false);
    this.outSize = params.layers[params.layers.length - 1]!.outSize;
    if (this.outSize !== objective.outputs) {
      throw new Error(`TrainStep: the ${objective.name} loss needs ${objective.outputs} network outputs, the last layer has ${this.outSize}`);
    }
    this.objective = objective;
    this.dOut = this.kernels.floats(capacity * this.outSize);
    this.optimizer = adam.init(this.work, { l2 }, this.kernels);
    this.dropout = dropout > 0 && rng !== undefined ? { rate: dropout, rng } : undefined;
  }

  /** The trained params (the object given to the constructor, brought up to date). */
  get params(): MlpParams {
    if (this.work !== this.source) copyParams(this.work, this.source);
    return this.source;
  }

  /**
   * One Adam step on `rows` rows of `x` ([rows, in]) and targets `y` ([rows]) at
   * learning rate `lr`. Returns the batch loss measured before the update (with
   * dropout on, as in training). When that loss is not finite nothing is updated,
   * so the caller can stop with the parameters of the last good step.
   */
  run(x: Float32Array, y: Float32Array, rows: number, lr: number): number {
    if (y.length < rows) throw new Error(`TrainStep.run: y: expected [${rows}] values, got ${y.length}`);
    const pred = this.backprop.forward(this.work, x, rows, this.dropout);
    const loss = this.objective.gradient(pred, y, rows, this.dOut);
    if (!Number.isFinite(loss)) return loss;
    this.backprop.backward(this.work, this.dOut, this.grads);
    adam.update(this.grads, this.optimizer, this.work, lr);
    return loss;
  }

  /**
   * Mean loss of the current params on `rows` rows of `x`, `y`, without dropout, in chunks
   * of the step's capacity (so validation allocates nothing). Errors are summed in
   * row order in float64, so the result does not depend on the chunk size beyond
   * float64 rounding.
   */
  evaluate(x: Float32Array, y: Float32Array, rows: number): number {
    const inSize = this.work.layers[0]!.inSize;
    if (x.length < rows * inSize || y.length < rows) {
      throw new Error(`TrainStep.evaluate: expected x [${rows}, ${inSize}] and y [${rows}], got ${x.length} and ${y.length} values`);
    }
    let sum = 0;
    for (let start = 0; start < rows; start += this.backprop.capacity) {
      const count = Math.min(this.backprop.capacity, rows - start);
      const pred = this.backprop.forward(this.work, x.subarray(start * inSize, (start + count) * inSize), count);
      sum += this.objective.sumLoss(pred, y.subarray(start, start + count), count);
    }
    return sum / rows;
  }

  /** A parameter set in the kernels' memory, shaped like `params`: a copy of it, or zeros. */
  private adopt(params: MlpParams, copy = true): MlpParams {
    return {
      layers: params.layers.map(({ inSize, outSize, weights, bias }) => {
        const w = this.kernels.floats(weights.length);
        const b = this.kernels.floats(bias.length);
        if (copy) {
          w.set(weights);
          b.set(bias);
        }
        return { inSize, outSize, weights: w, bias: b };
      }),
    };
  }
}

/**
 * What the network is trained to minimise, as one interface for the training step:
 * how many outputs per row it needs, the summed loss of a set of rows, and the
 * gradient of the mean loss with respect to the raw outputs (where back-propagation
 * starts). Two objectives: MSE on the standardised target, and the zero-inflated
 * lognormal likelihood (`--loss ziln`).
 */
import { type ZilnHead, sigmoid, softplus } from '../../src/head/ziln.js';
import { mseGrad, sumSquaredError } from './loss.js';

export type LossName = 'mse' | 'ziln';
export const LOSS_NAMES: readonly LossName[] = ['mse', 'ziln'];

export interface Objective {
  readonly name: LossName;
  /** Raw network outputs per row. */
  readonly outputs: number;
  /** Σ over `rows` rows of the per-row loss; pred is [rows, outputs], y is [rows]. Float64 sums. */
  sumLoss(pred: Float32Array, y: Float32Array, rows: number): number;
  /**
   * Writes d(mean loss over the rows)/d(pred) into `out` ([rows, outputs]) and
   * returns the mean loss, so a step evaluates the loss once.
   */
  gradient(pred: Float32Array, y: Float32Array, rows: number, out: Float32Array): number;
}

/** Squared error on one output: y is the standardised target. */
export const mseObjective: Objective = {
  name: 'mse',
  outputs: 1,
  sumLoss: (pred, y, rows) => sumSquaredError(pred, y, rows),
  gradient(pred, y, rows, out) {
    const loss = sumSquaredError(pred, y, rows) / rows;
    if (Number.isFinite(loss)) mseGrad(pred, y, out, rows);
    return loss;
  },
};

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The ZILN loss per row, on outputs (logit, raw μ, raw σ) and the target y ≥ 0 in
 * its own unit (not standardised):
 *   BCE(1[y > 0], sigmoid(logit)) + 1[y > 0] · (−log lognormal(y; μ, σ))
 * with μ = muShift + muScale · raw and σ = sigmaFloor + softplus(raw), *unbounded*.
 * The bounds of `zilnParams` are a guard for serving, applied by the graph only:
 * inside a training loss a clamp has zero gradient, and a σ pushed past its cap by
 * the large residuals of the first epochs stayed there for good (on Online Retail
 * every customer ended at the cap, 1.12, against a residual spread of 0.75, and the
 * mean prediction was 2–3× too high). Trained unbounded, σ and μ settle inside the
 * bounds for customers like the training ones, where the served function is then
 * the trained one.
 * Both terms are averaged over all rows, as in Wang et al.'s reference code.
 */
export function zilnObjective(head: ZilnHead): Objective {
  return {
    name: 'ziln',
    outputs: 3,
    sumLoss(pred, y, rows) {
      check('ziln.sumLoss', pred, y, rows);
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += rowLoss(head, pred, y[r]!, r * 3, undefined);
      return sum;
    },
    gradient(pred, y, rows, out) {
      check('ziln.gradient', pred, y, rows);
      if (out.length < rows * 3) throw new Error(`ziln.gradient: out has ${out.length} values, need ${rows * 3}`);
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += rowLoss(head, pred, y[r]!, r * 3, out);
      const inv = 1 / rows;
      for (let k = 0; k < rows * 3; k++) out[k]! *= inv;
      return sum / rows;
    },
  };
}

/** One row's loss; with `grad`, also its gradient (not yet divided by the row count) at grad[o..o+2]. */
function rowLoss(head: ZilnHead, pred: Float32Array, y: number, o: number, grad: Float32Array | undefined): number {
  const logit = pred[o]!;
  const positive = y > 0;
  // BCE from the logit, stably: softplus(logit) − 1[y > 0] · logit.
  let loss = softplus(logit) - (positive ? logit : 0);
  if (grad !== undefined) {
    grad[o] = sigmoid(logit) - (positive ? 1 : 0);
    grad[o + 1] = 0;
    grad[o + 2] = 0;
  }
  if (!positive) return loss;

  const mu = head.muShift + head.muScale * pred[o + 1]!;
  const rawSigma = pred[o + 2]!;
  const sigma = head.sigmaFloor + softplus(rawSigma);
  const logY = Math.log(y);
  const z = (logY - mu) / sigma;
  loss += logY + Math.log(sigma) + HALF_LOG_2PI + 0.5 * z * z;
  if (grad !== undefined) {
    // d/dμ = −z/σ and d/dσ = (1 − z²)/σ, then through the affine map and the softplus.
    grad[o + 1] = (-z / sigma) * head.muScale;
    grad[o + 2] = ((1 - z * z) / sigma) * sigmoid(rawSigma);
  }
  return loss;
}

function check(what: string, pred: Float32Array, y: Float32Array, rows: number): void {
  if (!Number.isInteger(rows) || rows < 1 || pred.length < rows * 3 || y.length < rows) {
    throw new Error(`${what}: ${rows} rows need pred [${rows}, 3] and y [${rows}], got ${pred.length} and ${y.length} values`);
  }
}

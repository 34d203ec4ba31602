/**
 * Mean squared error: the training loss on standardised targets, and its gradient,
 * which is where back-propagation starts.
 *
 * Both take the number of values `n` explicitly, because the trainer's buffers are
 * sized for the largest batch and the last batch of an epoch is usually smaller.
 * Sums run in float64 (JS numbers) whatever the array type.
 */

/** Σ (pred − target)² over the first `n` values. Validation adds these up over chunks. */
export function sumSquaredError(pred: Float32Array, target: Float32Array, n: number = pred.length): number {
  checkLengths('sumSquaredError', pred, target, n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const e = pred[k]! - target[k]!;
    sum += e * e;
  }
  return sum;
}

/**
 * Mean over the batch of (pred − target)². With one output per row that is one value
 * per row; with several outputs the mean runs over all n values.
 */
export function mse(pred: Float32Array, target: Float32Array, n: number = pred.length): number {
  return sumSquaredError(pred, target, n) / n;
}

/**
 * dMSE/dpred = 2·(pred − target)/n, written into the first `n` values of `out`
 * (allocated once by the caller and reused every step). Returns `out`.
 */
export function mseGrad(pred: Float32Array, target: Float32Array, out: Float32Array, n: number = pred.length): Float32Array {
  checkLengths('mseGrad', pred, target, n);
  if (out.length < n) throw new Error(`mseGrad: out has ${out.length} values, need ${n}`);
  const scale = 2 / n;
  for (let k = 0; k < n; k++) out[k] = scale * (pred[k]! - target[k]!);
  return out;
}

function checkLengths(what: string, pred: Float32Array, target: Float32Array, n: number): void {
  if (!Number.isInteger(n) || n < 1 || pred.length < n || target.length < n) {
    throw new Error(`${what}: n = ${n} values needed, pred has ${pred.length} and target ${target.length}`);
  }
}

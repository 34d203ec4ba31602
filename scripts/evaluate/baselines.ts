/**
 * The floor every model must clear: predict the training mean for everyone.
 * Its R² is 0 on the training rows by construction and its Gini is 0 (a constant
 * score orders no one), so it anchors the report's table. Ridge lives in ridge.ts.
 */

export interface MeanBaseline {
  mean: number;
}

export function fitMeanBaseline(y: ArrayLike<number>): MeanBaseline {
  if (y.length === 0) throw new Error('fitMeanBaseline: y is empty');
  let sum = 0;
  for (let k = 0; k < y.length; k++) sum += y[k]!;
  return { mean: sum / y.length };
}

export function predictMeanBaseline(model: MeanBaseline, rows: number): Float64Array {
  return new Float64Array(rows).fill(model.mean);
}

/**
 * The "past spend" heuristic: next period's value in proportion to what the customer
 * spent so far. On real LTV data it is a strong ranker (spend persists), so a model
 * that does not beat it is not yet useful. The one fitted number is the ratio
 * Σ target / Σ past spend over the training rows, which puts predictions in the
 * target's unit and scale so that error and calibration metrics compare fairly; the
 * ranking (Gini, Spearman, capture) is that of past spend itself.
 */
export interface PastSpendBaseline {
  column: string;
  ratio: number;
}

/**
 * `pastSpend` is the column's raw training values (NaN = missing, read as no spend).
 * Throws when the column never holds a positive value: the heuristic is then undefined.
 */
export function fitPastSpendBaseline(column: string, pastSpend: ArrayLike<number>, y: ArrayLike<number>): PastSpendBaseline {
  if (pastSpend.length !== y.length) {
    throw new Error(`fitPastSpendBaseline: ${pastSpend.length} past-spend values for ${y.length} targets`);
  }
  let spent = 0;
  let target = 0;
  for (let k = 0; k < y.length; k++) {
    spent += spendOf(pastSpend[k]!);
    target += y[k]!;
  }
  if (!(spent > 0)) throw new Error(`past-spend column "${column}" has no positive value in the training rows`);
  return { column, ratio: target / spent };
}

export function predictPastSpendBaseline(model: PastSpendBaseline, pastSpend: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: pastSpend.length }, (_, k) => model.ratio * spendOf(pastSpend[k]!));
}

/** Missing or negative past spend counts as none. */
function spendOf(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

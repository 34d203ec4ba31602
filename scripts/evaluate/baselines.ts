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

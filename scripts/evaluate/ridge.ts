/**
 * Ridge regression on the scaled features: the linear baseline the MLP has to beat.
 * If the network cannot beat it on the validation split, the extra machinery is not
 * paying for itself.
 *
 * Closed form: centre X and y, solve (XcᵀXc + λI) w = Xcᵀyc by Cholesky in float64,
 * then intercept = ȳ − x̄·w. Centring is what keeps the intercept out of the penalty,
 * so shrinkage pulls the model towards "predict the mean", not towards 0.
 */

export interface RidgeModel {
  /** One coefficient per feature column. */
  weights: Float64Array;
  intercept: number;
  lambda: number;
}

/**
 * Fits ridge on `rows` rows of `x` (row-major [rows, cols]) against `y` ([rows]).
 * Cost O(rows·cols² + cols³): about a second for 100k × 40.
 */
export function fitRidge(x: Float32Array, y: ArrayLike<number>, rows: number, cols: number, lambda = 1.0): RidgeModel {
  if (x.length !== rows * cols || y.length !== rows || rows < 1 || cols < 1) {
    throw new Error(`fitRidge: expected x [${rows}, ${cols}] and y [${rows}], got ${x.length} and ${y.length} values`);
  }
  if (!(lambda >= 0)) throw new Error(`fitRidge: lambda must be >= 0, got ${lambda}`);

  const xMean = new Float64Array(cols);
  let yMean = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) xMean[j]! += x[o + j]!;
    yMean += y[r]!;
  }
  for (let j = 0; j < cols; j++) xMean[j]! /= rows;
  yMean /= rows;

  // Gram matrix (lower triangle) and right-hand side from the centred rows.
  const gram = new Float64Array(cols * cols);
  const rhs = new Float64Array(cols);
  const row = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) row[j] = x[o + j]! - xMean[j]!;
    const yc = y[r]! - yMean;
    for (let i = 0; i < cols; i++) {
      const xi = row[i]!;
      rhs[i]! += xi * yc;
      const g = i * cols;
      for (let j = 0; j <= i; j++) gram[g + j]! += xi * row[j]!;
    }
  }
  for (let i = 0; i < cols; i++) gram[i * cols + i]! += lambda;

  const weights = choleskySolve(gram, rhs, cols);
  let intercept = yMean;
  for (let j = 0; j < cols; j++) intercept -= xMean[j]! * weights[j]!;
  return { weights, intercept, lambda };
}

/** Predictions for `rows` rows of `x` ([rows, cols]), in float64. */
export function predictRidge(model: RidgeModel, x: Float32Array, rows: number): Float64Array {
  const cols = model.weights.length;
  if (x.length !== rows * cols) {
    throw new Error(`predictRidge: expected x [${rows}, ${cols}] = ${rows * cols} values, got ${x.length}`);
  }
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let sum = model.intercept;
    for (let j = 0; j < cols; j++) sum += x[o + j]! * model.weights[j]!;
    out[r] = sum;
  }
  return out;
}

/**
 * Solves A w = b for symmetric positive definite A (n × n, only the lower triangle is
 * read; it is overwritten by L with A = L Lᵀ), by forward then back substitution.
 */
function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let diag = a[rj + j]!;
    for (let k = 0; k < j; k++) diag -= a[rj + k]! ** 2;
    if (!(diag > 0)) {
      throw new Error(
        `fitRidge: the normal equations are not positive definite at column ${j} (pivot ${diag}); ` +
          'a constant or collinear feature with lambda = 0? Use lambda > 0.',
      );
    }
    const ljj = Math.sqrt(diag);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let sum = a[ri + j]!;
      for (let k = 0; k < j; k++) sum -= a[ri + k]! * a[rj + k]!;
      a[ri + j] = sum / ljj;
    }
  }
  const z = new Float64Array(n); // L z = b
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= a[i * n + k]! * z[k]!;
    z[i] = sum / a[i * n + i]!;
  }
  const w = new Float64Array(n); // Lᵀ w = z
  for (let i = n - 1; i >= 0; i--) {
    let sum = z[i]!;
    for (let k = i + 1; k < n; k++) sum -= a[k * n + i]! * w[k]!;
    w[i] = sum / a[i * n + i]!;
  }
  return w;
}

/** Quantiles of sorted samples, the one definition the trainer's statistics share. */

/**
 * The q-quantile of ascending `sorted` values, interpolating linearly between order
 * statistics (Hyndman–Fan type 7, NumPy's default).
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantile of no values');
  const position = (n - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.min(n - 1, lower + 1);
  const a = sorted[lower]!;
  const b = sorted[upper]!;
  return a + (b - a) * (position - lower);
}

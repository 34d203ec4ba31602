/**
 * How a job grows with its input: a least-squares line through (rows, seconds) and
 * (rows, peak RSS) over the sizes measured. The slope of time is the marginal cost
 * of a row (its inverse the sustained rows/s); the slope of memory is the bytes each
 * row adds, and the intercept what the job holds whatever the size.
 */
export interface Line {
  intercept: number;
  slope: number;
}

/** The least-squares line through `points`; through the origin when there is one point. */
export function fitLine(points: readonly { x: number; y: number }[]): Line {
  if (points.length === 0) throw new RangeError('no points to fit');
  if (points.length === 1) return { intercept: 0, slope: points[0]!.y / points[0]!.x };
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { intercept: my - slope * mx, slope };
}

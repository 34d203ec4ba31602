/**
 * Prediction statistics to Workers Analytics Engine (PREDICTIONS binding), one data
 * point per scoring request, so that drift of the score distribution can be charted
 * per model version with SQL (README "Releasing a model"):
 *   index   model version (sampling key)
 *   blobs   [model version, route]
 *   doubles [rows, mean LTV, min LTV, max LTV, share of zero predictions]
 * Only aggregates of the predictions are written, never a feature value. Without the
 * binding nothing is written; a failing write never fails the request.
 */
import type { Context } from 'hono';

export function writePredictionStats(c: Context, modelVersion: string, ltv: Float32Array): void {
  const dataset = (c.env as Partial<Env> | undefined)?.PREDICTIONS;
  if (dataset === undefined || ltv.length === 0) return;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let zeros = 0;
  for (const value of ltv) {
    sum += value;
    if (value < min) min = value;
    if (value > max) max = value;
    if (value === 0) zeros += 1;
  }
  try {
    dataset.writeDataPoint({
      indexes: [modelVersion],
      blobs: [modelVersion, c.req.routePath],
      doubles: [ltv.length, sum / ltv.length, min, max, zeros / ltv.length],
    });
  } catch (error) {
    console.error(JSON.stringify({ event: 'prediction_stats_failed', message: error instanceof Error ? error.message : String(error) }));
  }
}

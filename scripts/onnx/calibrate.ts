/**
 * The calibration map f(m) as the exported graph computes it (scripts/onnx/calibration-graph.ts):
 * float32 at every step, in the graph's order, so the trainer's evaluation of a
 * calibrated model is the served value, not a float64 approximation of it.
 */
import type { CalibrationSpec } from '../../src/spec/feature-spec.js';

/** f(m), computed as the graph computes it (float32 at every step). */
export function calibrate(c: CalibrationSpec, m: number): number {
  const f32 = Math.fround;
  const x = Math.max(f32(m), f32(c.floor));
  let sum = 0;
  for (let i = 0; i < c.knots.length; i++) {
    const width = i + 1 < c.knots.length ? f32(f32(c.knots[i + 1]!) - f32(c.knots[i]!)) : F32_MAX;
    const segment = Math.min(Math.max(f32(x - f32(c.knots[i]!)), 0), width);
    sum = f32(sum + f32(segment * f32(c.slopes[i]!)));
  }
  return f32(sum + f32(c.intercept));
}

/** Largest finite float32: the open-ended last segment's width in the graph. */
export const F32_MAX = 3.4028234663852886e38;

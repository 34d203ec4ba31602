/**
 * The calibration map (spec.calibration, fitted by scripts/train/calibration.ts) as
 * ONNX nodes, after the members' average m [batch, 1]:
 *
 *   m ─ Max(·, floor) ─ Sub(knots) ─ Relu ─ Min(widths) ─ MatMul(slopes) ─ Add(intercept) ─▶ ltv
 *                                                                            │
 *   mu [batch, K] ─────────────────────────── Add(Log(ltv / max(m, floor))) ◀┘─▶ mu, calibrated
 *
 * Sub against the [B] knots broadcasts m into one column per segment; Relu and Min
 * keep the part of m that falls in each segment (the last one open-ended), and the
 * MatMul with the [B, 1] slopes sums slope × part. Every term is ≥ 0, so nothing
 * cancels in float32, and every slope > 0 makes the map strictly increasing. The
 * ZILN members' μ are shifted by log(f(m)/m), which scales each member's amount
 * distribution, and so the mixture's mean, quantiles and all, by f(m)/m.
 */
import type { CalibrationSpec } from '../../src/spec/feature-spec.js';
import { F32_MAX } from './calibrate.js';
import type { Node, Tensor } from './wire.js';

export interface CalibrationNodes {
  initializers: Tensor[];
  nodes: Node[];
}

/**
 * Nodes from the value `mean` ([batch, 1]) to `ltv` ([batch, 1]), and, when `mu` is
 * given, from mu.value ([batch, K]) to mu.output. `float32` checks and converts constants.
 */
export function calibrationNodes(
  c: CalibrationSpec,
  values: { mean: string; ltv: string; mu?: { value: string; output: string } },
  float32: (values: ArrayLike<number>, where: (index: number) => string) => Float32Array,
): CalibrationNodes {
  const segments = c.knots.length;
  const knots = float32(c.knots, (i) => `calibration knot ${i}`);
  const widths = Float32Array.from(knots, (k, i) => (i + 1 < segments ? Math.fround(knots[i + 1]! - k) : F32_MAX));
  const initializers: Tensor[] = [
    { name: 'calibration/floor', dims: [], data: float32([c.floor], () => 'calibration floor'), docString: 'The expected value is read as at least this, so that f(m)/m stays finite.' },
    { name: 'calibration/knots', dims: [segments], data: knots, docString: 'Where each segment of the piecewise-linear map starts.' },
    { name: 'calibration/widths', dims: [segments], data: widths, docString: 'Length of each segment; the last one is open-ended.' },
    { name: 'calibration/slopes', dims: [segments, 1], data: float32(c.slopes, (i) => `calibration slope ${i}`), docString: 'Slope of each segment, > 0: the map keeps the ranking.' },
    { name: 'calibration/intercept', dims: [], data: float32([c.intercept], () => 'calibration intercept'), docString: 'The map at 0.' },
  ];
  const nodes: Node[] = [
    { name: 'calibration/Max', opType: 'Max', inputs: [values.mean, 'calibration/floor'], outputs: ['calibration/m'] },
    { name: 'calibration/Sub', opType: 'Sub', inputs: ['calibration/m', 'calibration/knots'], outputs: ['calibration/excess'] },
    { name: 'calibration/Relu', opType: 'Relu', inputs: ['calibration/excess'], outputs: ['calibration/above'] },
    { name: 'calibration/Min', opType: 'Min', inputs: ['calibration/above', 'calibration/widths'], outputs: ['calibration/segments'] },
    { name: 'calibration/MatMul', opType: 'MatMul', inputs: ['calibration/segments', 'calibration/slopes'], outputs: ['calibration/sum'] },
    { name: 'calibration/Add', opType: 'Add', inputs: ['calibration/sum', 'calibration/intercept'], outputs: [values.ltv], docString: 'The calibrated expected value f(m).' },
  ];
  if (values.mu !== undefined) {
    nodes.push(
      { name: 'calibration/ratio/Div', opType: 'Div', inputs: [values.ltv, 'calibration/m'], outputs: ['calibration/ratio'] },
      { name: 'calibration/ratio/Log', opType: 'Log', inputs: ['calibration/ratio'], outputs: ['calibration/log_ratio'] },
      { name: 'calibration/mu/Add', opType: 'Add', inputs: [values.mu.value, 'calibration/log_ratio'], outputs: [values.mu.output], docString: 'μ shifted so that the amount distribution scales by f(m)/m.' },
    );
  }
  return { initializers, nodes };
}

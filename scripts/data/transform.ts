/**
 * The spec's column transforms in TypeScript: impute → clip → scale, exactly as the
 * ONNX graph does them in float32. The MLP trains on this output, and the exported
 * graph is checked against it, so the network sees the same numbers in both places.
 *
 * Per column: x ← isNaN(x) ? impute : x; x ← min(max(x, min), max);
 * x ← (x − mean) / std, each constant and each result rounded to float32
 * (subtraction then division, as the graph's Sub and Div nodes do; a multiply
 * by 1/std would differ in the last bit).
 */
import { type ColumnTransform, type FeatureSpec, columnTransforms } from '../../src/spec/feature-spec.js';

const f32 = Math.fround;

/**
 * Transforms `rows` encoded rows (row-major [rows, width], NaN = missing) into the
 * scaled matrix the network reads. Returns a new array; `raw` is not changed.
 */
export function applyTransforms(spec: Pick<FeatureSpec, 'features'>, raw: Float32Array, rows: number): Float32Array {
  const transforms = columnTransforms(spec);
  const width = transforms.length;
  if (raw.length !== rows * width) {
    throw new Error(`raw has ${raw.length} values, expected [${rows}, ${width}] = ${rows * width}`);
  }
  const impute = Float32Array.from(transforms, (t) => t.impute);
  const min = Float32Array.from(transforms, (t) => t.min);
  const max = Float32Array.from(transforms, (t) => t.max);
  const mean = Float32Array.from(transforms, (t) => t.mean);
  const std = Float32Array.from(transforms, (t) => t.std);
  const scaled = new Float32Array(raw.length);
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    for (let c = 0; c < width; c++) {
      let x = raw[o + c]!;
      if (Number.isNaN(x)) x = impute[c]!;
      if (x < min[c]!) x = min[c]!;
      else if (x > max[c]!) x = max[c]!;
      scaled[o + c] = f32(x - mean[c]!) / std[c]!; // the store rounds the quotient to float32
    }
  }
  return scaled;
}

/** One value through one column's transform; the scalar form of applyTransforms, for tests and reports. */
export function transformValue(t: ColumnTransform, x: number): number {
  let v = Number.isNaN(x) ? f32(t.impute) : f32(x);
  v = Math.min(Math.max(v, f32(t.min)), f32(t.max));
  return f32(f32(v - f32(t.mean)) / f32(t.std));
}

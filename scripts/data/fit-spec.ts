/**
 * Fitting the feature spec on the training split only: the categorical vocabulary,
 * then for every encoded column the median to impute, the quantile clip bounds and
 * the standard-scaler mean and standard deviation after imputation and clipping.
 *
 * Transforms are fitted on the encoded training matrix itself, the float32 values
 * the ONNX graph will see, and every fitted number is rounded to float32, so the
 * spec in `ltv.json` holds exactly the constants of the graph.
 */
import {
  type ColumnTransform,
  type Feature,
  MISSING_LEVEL,
  OTHER_LEVEL,
  type TargetSpec,
  encodedWidth,
} from '../../src/spec/feature-spec.js';
import type { CategoricalColumn, FeatureColumn } from './table.js';
import { quantile } from '../math/quantile.js';

const f32 = Math.fround;

/** What the Encoder needs before fitting: no-op transforms, replaced by fitTransforms. */
const UNFITTED: ColumnTransform = { impute: 0, min: -Infinity, max: Infinity, mean: 0, std: 1 };

/**
 * Longest categorical level kept, in UTF-16 code units. Levels travel in ltv.json, which
 * the worker bundles and GET /v1/model serves: a free-text cell of megabytes must not.
 */
export const MAX_LEVEL_LENGTH = 256;

export interface Vocabulary {
  /** The kept levels, most frequent first, then OTHER_LEVEL and MISSING_LEVEL. */
  levels: string[];
  /** Distinct non-missing values in the training split. */
  distinct: number;
  /** Training rows whose value is not among the kept levels (they encode as OTHER). */
  otherRows: number;
  /** Distinct training values longer than MAX_LEVEL_LENGTH, and their rows: never levels. */
  overlong: { values: number; rows: number };
}

/**
 * The `maxLevels` most frequent training values of a categorical column (ties in
 * code-unit order, so the result does not depend on row order), then OTHER and
 * MISSING. Values equal to those reserved names, or longer than MAX_LEVEL_LENGTH, are
 * not levels: they encode as OTHER.
 */
export function vocabulary(column: CategoricalColumn, trainRows: Int32Array, maxLevels: number): Vocabulary {
  const counts = new Map<string, number>();
  for (const row of trainRows) {
    const value = column.values[row];
    if (value === null || value === undefined) continue;
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  const overlong = { values: 0, rows: 0 };
  for (const [value, count] of counts) {
    if (value.length > MAX_LEVEL_LENGTH) {
      overlong.values++;
      overlong.rows += count;
    }
  }
  const ranked = [...counts]
    .filter(([value]) => value !== OTHER_LEVEL && value !== MISSING_LEVEL && value.length <= MAX_LEVEL_LENGTH)
    .sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, maxLevels);
  const keptRows = ranked.reduce((sum, [, count]) => sum + count, 0);
  const presentRows = [...counts.values()].reduce((sum, count) => sum + count, 0);
  return {
    levels: [...ranked.map(([value]) => value), OTHER_LEVEL, MISSING_LEVEL],
    distinct: counts.size,
    otherRows: presentRows - keptRows,
    overlong,
  };
}

/** Features in column order, all optional, with unfitted transforms: the layout the Encoder needs. */
export function layoutFeatures(
  columns: readonly FeatureColumn[], trainRows: Int32Array, maxLevels: number,
): { features: Feature[]; vocabularies: Map<string, Vocabulary> } {
  const vocabularies = new Map<string, Vocabulary>();
  const features = columns.map((column): Feature => {
    if (column.type === 'numeric') return { name: column.name, type: 'numeric', optional: true, transform: UNFITTED };
    const vocab = vocabulary(column, trainRows, maxLevels);
    vocabularies.set(column.name, vocab);
    return {
      name: column.name,
      type: 'categorical',
      optional: true,
      levels: vocab.levels,
      transforms: vocab.levels.map(() => UNFITTED),
    };
  });
  return { features, vocabularies };
}

/** Training values of a numeric column outside its clip bounds. */
export interface ClipCount {
  below: number;
  above: number;
}

export interface FittedTransforms {
  features: Feature[];
  /** Per numeric feature. */
  clipped: Record<string, ClipCount>;
  /** Numeric features whose clip bounds coincide, so that they are constant after clipping. */
  collapsed: string[];
}

/**
 * Fits every column's transform on `raw`, the encoded training rows (row-major
 * [rows, width], NaN = missing). Numeric: impute = median, [min, max] = the
 * `clipQuantiles` quantiles of the non-missing values. One-hot columns: impute 0,
 * [min, max] = [0, 1]. Then mean and population standard deviation of the imputed,
 * clipped column; a standard deviation of 0 becomes 1.
 */
export function fitTransforms(
  features: readonly Feature[], raw: Float32Array, rows: number, clipQuantiles: readonly [number, number],
): FittedTransforms {
  const width = encodedWidth({ features: [...features] });
  if (raw.length !== rows * width) throw new Error(`raw has ${raw.length} values, expected [${rows}, ${width}] = ${rows * width}`);
  if (rows === 0) throw new Error('cannot fit transforms on 0 rows');
  const [low, high] = clipQuantiles;
  const clipped: Record<string, ClipCount> = {};
  const collapsed: string[] = [];
  let column = 0;
  const fitted = features.map((feature): Feature => {
    if (feature.type === 'numeric') {
      const values = columnValues(raw, rows, width, column);
      const present = values.filter((x) => !Number.isNaN(x)).sort();
      if (present.length === 0) throw new Error(`column ${feature.name} has no training values`);
      const impute = f32(quantile(present, 0.5));
      const min = f32(quantile(present, low));
      const max = f32(quantile(present, high));
      let below = 0;
      let above = 0;
      for (const x of present) {
        if (x < min) below++;
        else if (x > max) above++;
      }
      clipped[feature.name] = { below, above };
      if (min === max) collapsed.push(feature.name);
      column++;
      return { ...feature, transform: scaler(values, { impute, min, max }) };
    }
    const transforms = feature.levels.map(() => {
      const transform = scaler(columnValues(raw, rows, width, column), { impute: 0, min: 0, max: 1 });
      column++;
      return transform;
    });
    return { ...feature, transforms };
  });
  return { features: fitted, clipped, collapsed };
}

function columnValues(raw: Float32Array, rows: number, width: number, column: number): Float64Array {
  const values = new Float64Array(rows);
  for (let r = 0, at = column; r < rows; r++, at += width) values[r] = raw[at]!;
  return values;
}

/** Mean and standard deviation of the column after imputation and clipping, in float32 as the graph computes. */
function scaler(values: Float64Array, bounds: Pick<ColumnTransform, 'impute' | 'min' | 'max'>): ColumnTransform {
  const { impute, min, max } = bounds;
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    values[i] = clip(Number.isNaN(values[i]!) ? impute : values[i]!, min, max);
    sum += values[i]!;
  }
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
  const std = f32(Math.sqrt(squares / n));
  return { impute, min, max, mean: f32(mean), std: std > 0 && Number.isFinite(1 / std) ? std : 1 };
}

function clip(x: number, min: number, max: number): number {
  return x < min ? min : x > max ? max : x;
}

/** Target spec from the training targets: the network learns (y − mean) / std; a std of 0 becomes 1. */
export function fitTarget(name: string, unit: string, y: Float64Array): TargetSpec {
  if (y.length === 0) throw new Error('cannot fit the target on 0 rows');
  let sum = 0;
  for (const v of y) sum += v;
  const mean = sum / y.length;
  let squares = 0;
  for (const v of y) squares += (v - mean) ** 2;
  const std = f32(Math.sqrt(squares / y.length));
  return { name, unit, mean: f32(mean), std: std > 0 ? std : 1 };
}

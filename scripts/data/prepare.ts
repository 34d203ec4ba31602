/**
 * From a customer table to what the trainer needs, in one call: read and type the
 * table, clean rows, split, drop useless columns, fit the feature spec on the
 * training split, encode every kept row with the shared Encoder and scale it with
 * the spec's transforms. Every decision is counted in the report.
 *
 *   CSV ─readTable─────────────┐
 *   Parquet ─readParquetTable──┴▶ Table (typed columns) ─cleanRows─▶ kept rows ─split─▶ train / test
 *       ─findDegenerateColumns─▶ features ─layoutFeatures─▶ Encoder ─encode─▶ raw (float32)
 *       ─fitTransforms (train)─▶ FeatureSpec ─applyTransforms─▶ scaled (float32)
 *
 * The table is streamed into typed columns, never held as text or rows, and is let go
 * once the rows are encoded, before the scaled copies exist: the peak holds the
 * columns and the raw matrix, or the raw and the scaled matrices.
 */
import { Encoder } from '../../src/spec/encode.js';
import { type FeatureSpec, OTHER_LEVEL, SPEC_FORMAT, columnNames, encodedWidth } from '../../src/spec/feature-spec.js';
import { type DroppedColumn, cleanRows, countMissing, findDegenerateColumns } from './clean.js';
import { DataError, plural } from './errors.js';
import { type ClipCount, MAX_LEVEL_LENGTH, fitTarget, fitTransforms, layoutFeatures } from './fit-spec.js';
import { type SplitRows, applySplitFile, randomSplit, readSplitFile } from './split.js';
import { readParquetTable } from './parquet-table.js';
import { type FeatureColumn, type Table, type TableOptions, readTable, releaseTable, rowError } from './table.js';
import { applyTransforms } from './transform.js';
import { DEFAULT_SEED } from '../math/rng.js';
import { printable, printableValue } from './printable.js';

export interface PrepareOptions {
  /** CSV file, one row per customer, with a header. */
  data: string;
  /** Target column. Default: the last column (the last one that is not the id). */
  target?: string;
  /** Customer id column, never a feature. Default: none. */
  id?: string;
  /** Categorical features. Default: inferred (a column with a non-number is categorical). */
  categorical?: readonly string[];
  /** `row,customer_id,split` file fixing the split. Default: a seeded random split. */
  split?: string;
  /** Seed of the random split. Default DEFAULT_SEED (42). */
  seed?: number;
  /** Share of kept rows in the random test split. Default 0.2. */
  testFraction?: number;
  /** Quantiles of the training values that bound each numeric column. Default [0.001, 0.999]. */
  clipQuantiles?: readonly [number, number];
  /** Most frequent training levels kept per categorical feature (then OTHER, MISSING). Default 20. */
  maxLevels?: number;
  /** Unit of the prediction, written into the spec. Default ''. */
  unit?: string;
  /** Fewest rows with a valid target that can be split and fitted. Default 10. */
  minRows?: number;
  /** Drop rows identical to an earlier row. Default true; see the warning about it below. */
  dropDuplicates?: boolean;
}

/** One split, rows in ascending data-row order. */
export interface PreparedSplit {
  rows: number;
  /** Encoder output, row-major [rows, width], NaN = missing: the ONNX graph's input. */
  raw: Float32Array;
  /** `raw` after impute → clip → scale: what the network reads. */
  scaled: Float32Array;
  /** Target in its own unit. */
  y: Float64Array;
  /** 0-based data row of the input CSV of each row (the `row` of a split file). */
  dataRows: Int32Array;
  /** Customer id of each row, from `id` or the split file's `customer_id`, when known. */
  ids: (string | null)[] | undefined;
}

export interface DataReport {
  file: string;
  rowsRead: number;
  duplicateRows: number;
  duplicateIds: number;
  missingTarget: number;
  nonFiniteTarget: number;
  negativeTarget: number;
  rowsKept: number;
  split: 'random' | 'file';
  trainRows: number;
  testRows: number;
  /** Feature columns read (id and target excluded), kept after dropping, and encoded width. */
  features: { read: number; kept: number; width: number };
  /** Missing values per feature column over the kept rows. */
  missingByColumn: Record<string, number>;
  /** Non-finite numbers (read as missing) per numeric column over all data rows; only columns with any. */
  nonFiniteByColumn: Record<string, number>;
  droppedColumns: DroppedColumn[];
  /** Training values outside the clip bounds, per numeric feature. */
  clippedByColumn: Record<string, ClipCount>;
  clippedTotal: number;
  /** Per categorical feature: distinct training values, levels kept, training rows encoded as OTHER. */
  categories: Record<string, { distinct: number; kept: number; otherRows: number }>;
}

export interface PreparedData {
  spec: FeatureSpec;
  /** Names of the encoded columns, e.g. `recency`, `channel=email`. */
  columns: string[];
  width: number;
  train: PreparedSplit;
  test: PreparedSplit;
  report: DataReport;
  /** Human-readable warnings, each naming its column or cause. */
  warnings: string[];
  /** SHA-256 (hex) of the data file's bytes. */
  dataSha256: string;
}

type Settings = PrepareOptions & Required<Omit<PrepareOptions, 'target' | 'id' | 'categorical' | 'split'>>;

/** Defaults first, the caller's options over them. */
function settings(options: PrepareOptions): Settings {
  return {
    ...options,
    seed: options.seed ?? DEFAULT_SEED,
    testFraction: options.testFraction ?? 0.2,
    clipQuantiles: options.clipQuantiles ?? [0.001, 0.999],
    maxLevels: options.maxLevels ?? 20,
    unit: options.unit ?? '',
    minRows: options.minRows ?? 10,
    dropDuplicates: options.dropDuplicates ?? true,
  };
}

/** Runs the whole data side on a CSV table. Throws DataError for input that cannot be used. */
export function prepareData(options: PrepareOptions): PreparedData {
  const o = settings(options);
  checkOptions(o);
  // The table is an argument only: once encoded it can be collected, before the scaled copies are made.
  return scaleSplits(encodeTable(readTable(o.data, tableOptions(o)), o));
}

/** prepareData for a CSV or a Parquet table (by the extension `.parquet`), which DuckDB reads. */
export async function loadTrainingData(options: PrepareOptions): Promise<PreparedData> {
  if (!/\.parquet$/i.test(options.data)) return prepareData(options);
  const o = settings(options);
  checkOptions(o);
  return scaleSplits(encodeTable(await readParquetTable(o.data, tableOptions(o)), o));
}

function tableOptions(o: Settings): TableOptions {
  return { target: o.target, id: o.id, categorical: o.categorical };
}

/** A split encoded, not yet scaled. */
type EncodedSplit = Omit<PreparedSplit, 'scaled'>;

interface EncodedData extends Omit<PreparedData, 'train' | 'test'> {
  train: EncodedSplit;
  test: EncodedSplit;
}

/** Everything but the scaled matrices: what needs the table. */
function encodeTable(table: Table, o: Settings): EncodedData {
  const warnings: string[] = [];
  const splitFile = o.split === undefined ? undefined : readSplitFile(o.split, table.rows, table.id);
  const ids = table.id?.values ?? splitFile?.customerIds;

  const cleaning = cleanRows(table, { dropDuplicates: o.dropDuplicates, ids });
  const { kept } = cleaning;
  if (kept.length < o.minRows) {
    throw new DataError(
      `need at least ${o.minRows} rows with a valid target to split and fit, got ${kept.length} (of ${table.rows} data rows: ` +
        `${cleaning.duplicateRows} duplicate, ${cleaning.missingTarget} missing, ${cleaning.nonFiniteTarget} non-finite, ` +
        `${cleaning.negativeTarget} negative target, ${cleaning.duplicateIds} repeated id)`,
      { file: o.data },
    );
  }
  if (cleaning.duplicateRows > 0 && ids === undefined && cleaning.duplicateRows >= 0.01 * table.rows) {
    warnings.push(
      `${cleaning.duplicateRows} rows (${percent(cleaning.duplicateRows, table.rows)}) repeat an earlier row exactly and were dropped; ` +
        'if they are different customers, name an id column or give a split file with customer_id',
    );
  }
  const split: SplitRows = splitFile === undefined ? randomSplit(kept, o.testFraction, o.seed) : applySplitFile(kept, splitFile);

  for (const column of table.features) {
    if (column.type !== 'categorical' || column.inferredFrom === undefined) continue;
    const { line, cell, numbers } = column.inferredFrom;
    warnings.push(
      `column ${printable(column.name)} is read as categorical because line ${line} holds ${printableValue(cell)}, which is not a number ` +
        `(${numbers} of its cells are numbers); if the column is numeric, fix that cell, or pass --categorical to list the categorical columns and make any other non-number an error`,
    );
  }
  const missingByColumn = countMissing(table.features, kept);
  const nonFiniteByColumn: Record<string, number> = {};
  for (const column of table.features) {
    if (column.type === 'numeric' && column.nonFinite > 0) {
      nonFiniteByColumn[column.name] = column.nonFinite;
      warnings.push(`column ${printable(column.name)} has ${column.nonFinite} non-finite values, read as missing`);
    }
  }
  const { kept: columns, dropped } = findDegenerateColumns(table.features, split.train);
  warnings.push(...dropped.map((d) => d.message));
  if (columns.length === 0) throw new DataError('no feature column is left to learn from', { file: o.data });

  const { features: layout, vocabularies } = layoutFeatures(columns, split.train, o.maxLevels);
  const categories: DataReport['categories'] = {};
  for (const [name, vocab] of vocabularies) {
    categories[name] = { distinct: vocab.distinct, kept: vocab.levels.length - 2, otherRows: vocab.otherRows };
    if (vocab.overlong.values > 0) {
      warnings.push(
        `column ${printable(name)}: ${vocab.overlong.values} distinct value${vocab.overlong.values === 1 ? ' is' : 's are'} longer than ${MAX_LEVEL_LENGTH} characters ` +
          `(${plural(vocab.overlong.rows, 'training row')}) and not kept as levels; they encode as ${OTHER_LEVEL}, in training and when scored`,
      );
    }
    if (vocab.distinct > o.maxLevels && vocab.distinct >= 0.5 * split.train.length) {
      warnings.push(
        `column ${printable(name)} has ${vocab.distinct} distinct values in ${split.train.length} training rows; ` +
          'if it identifies customers, name it as the id column',
      );
    }
  }

  const encoder = new Encoder({ features: layout });
  const trainRaw = encodeRows(encoder, table, columns, split.train);
  const fitted = fitTransforms(layout, trainRaw, split.train.length, o.clipQuantiles);
  for (const name of fitted.collapsed) {
    warnings.push(`column ${printable(name)} is constant after clipping to its training quantiles; it carries no information`);
  }
  const spec: FeatureSpec = {
    format: SPEC_FORMAT,
    features: fitted.features,
    target: fitTarget(table.target.name, o.unit, pick(table.target.values, split.train)),
    io: { input: 'features', outputs: ['ltv'] },
  };

  const train = encodedSplit(table, ids, split.train, trainRaw);
  const test = encodedSplit(table, ids, split.test, encodeRows(encoder, table, columns, split.test));
  const clippedTotal = Object.values(fitted.clipped).reduce((sum, c) => sum + c.below + c.above, 0);
  const report: DataReport = {
    file: o.data,
    rowsRead: table.rows,
    duplicateRows: cleaning.duplicateRows,
    duplicateIds: cleaning.duplicateIds,
    missingTarget: cleaning.missingTarget,
    nonFiniteTarget: cleaning.nonFiniteTarget,
    negativeTarget: cleaning.negativeTarget,
    rowsKept: kept.length,
    split: splitFile === undefined ? 'random' : 'file',
    trainRows: train.rows,
    testRows: test.rows,
    features: { read: table.features.length, kept: columns.length, width: encodedWidth(spec) },
    missingByColumn,
    nonFiniteByColumn,
    droppedColumns: dropped,
    clippedByColumn: fitted.clipped,
    clippedTotal,
    categories,
  };
  const dataSha256 = table.sha256;
  releaseTable(table);
  return { spec, columns: columnNames(spec), width: encodedWidth(spec), train, test, report, warnings, dataSha256 };
}

/**
 * Encodes the given data rows with the shared Encoder: a record per row with a
 * number or null per numeric feature and a string or null per categorical one.
 */
function encodeRows(encoder: Encoder, table: Table, columns: readonly FeatureColumn[], rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * encoder.width);
  // One record, refilled per row (same keys in the same order): millions of rows leave no garbage.
  const record: Record<string, number | string | null> = {};
  rows.forEach((row, i) => {
    for (const column of columns) {
      const value = column.values[row]!;
      record[column.name] = typeof value === 'number' && Number.isNaN(value) ? null : value;
    }
    const { errors } = encoder.encodeInto(record, out, i * encoder.width);
    const first = errors[0];
    if (first !== undefined) throw rowError(table, row, first.field, first.message);
  });
  return out;
}

function encodedSplit(table: Table, ids: readonly (string | null)[] | undefined, rows: Int32Array, raw: Float32Array): EncodedSplit {
  return {
    rows: rows.length,
    raw,
    y: pick(table.target.values, rows),
    dataRows: rows,
    ids: ids === undefined ? undefined : Array.from(rows, (row) => ids[row] ?? null),
  };
}

/** Adds what the network reads: each split's rows through the spec's transforms. */
function scaleSplits(data: EncodedData): PreparedData {
  const scale = (split: EncodedSplit): PreparedSplit => ({ ...split, scaled: applyTransforms(data.spec, split.raw, split.rows) });
  return { ...data, train: scale(data.train), test: scale(data.test) };
}

function pick(values: Float64Array, rows: Int32Array): Float64Array {
  const picked = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) picked[i] = values[rows[i]!]!;
  return picked;
}

function percent(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(1)} %`;
}

function checkOptions(o: Settings): void {
  const [low, high] = o.clipQuantiles;
  if (!(low >= 0 && low < high && high <= 1)) {
    throw new DataError(`clip quantiles must satisfy 0 ≤ low < high ≤ 1, got [${low}, ${high}]`);
  }
  if (!(o.testFraction > 0 && o.testFraction < 1)) throw new DataError(`the test fraction must be in (0, 1), got ${o.testFraction}`);
  if (!Number.isInteger(o.maxLevels) || o.maxLevels < 1) throw new DataError(`max levels must be an integer ≥ 1, got ${o.maxLevels}`);
  if (!Number.isInteger(o.seed)) throw new DataError(`the seed must be an integer, got ${o.seed}`);
  if (!Number.isInteger(o.minRows) || o.minRows < 2) throw new DataError(`min rows must be an integer ≥ 2, got ${o.minRows}`);
}

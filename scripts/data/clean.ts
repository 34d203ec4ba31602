/**
 * Cleaning: which rows and columns of a table the model may learn from, with a
 * count for every decision so that the run report can show it.
 *
 * Rows, in file order: an exact duplicate of an earlier row is dropped; then a row
 * whose target is missing, non-finite or negative; then a row whose customer id was
 * already kept (the first one wins). Columns, on the training split only: a feature
 * missing in every training row, or with a single value there, is dropped with a
 * warning that names it. Outlier clipping is fitted later with the spec
 * (./fit-spec.ts), since the ONNX graph does the clipping.
 */
import { FingerprintSet, fingerprintInto } from './fingerprint.js';
import type { FeatureColumn, Table } from './table.js';
import { printable } from './printable.js';

export interface CleanOptions {
  /** Drop rows identical to an earlier row in every field (and in id). Default true. */
  dropDuplicates?: boolean;
  /**
   * Customer id of every data row (from `--id` or the split file), or undefined.
   * Two rows with different ids are never exact duplicates; a repeated id is dropped.
   */
  ids?: readonly (string | null)[];
}

export interface RowCleaning {
  /** 0-based data rows kept, ascending. */
  kept: Int32Array;
  duplicateRows: number;
  duplicateIds: number;
  missingTarget: number;
  nonFiniteTarget: number;
  negativeTarget: number;
}

/**
 * Decides which data rows to keep. Pure: the table is not changed. Rows and ids are
 * compared by their 128-bit fingerprints (./fingerprint.ts), which stand for their text.
 */
export function cleanRows(table: Pick<Table, 'rows' | 'fingerprints' | 'target'>, options: CleanOptions = {}): RowCleaning {
  const { dropDuplicates = true, ids } = options;
  const seenRows = new FingerprintSet(table.rows);
  const seenIds = new FingerprintSet(ids === undefined ? 16 : table.rows);
  const key = new Uint32Array(4);
  const idKey = new Uint32Array(4);
  const kept: number[] = [];
  const counts = { duplicateRows: 0, duplicateIds: 0, missingTarget: 0, nonFiniteTarget: 0, negativeTarget: 0 };
  for (let row = 0; row < table.rows; row++) {
    const id = ids?.[row] ?? null;
    if (id !== null) fingerprintInto(id, idKey, 0);
    if (dropDuplicates) {
      // The row's fields and, when it has one, its id: two rows with different ids are never duplicates.
      key.set(table.fingerprints.subarray(row * 4, row * 4 + 4));
      if (id !== null) for (let k = 0; k < 4; k++) key[k]! ^= Math.imul(idKey[k]!, 0x9e3779b1) ^ ROW_AND_ID;
      if (!seenRows.add(key, 0)) {
        counts.duplicateRows++;
        continue;
      }
    }
    const y = table.target.values[row]!;
    if (Number.isNaN(y)) { counts.missingTarget++; continue; }
    if (!Number.isFinite(y)) { counts.nonFiniteTarget++; continue; }
    if (y < 0) { counts.negativeTarget++; continue; }
    if (id !== null) {
      if (!seenIds.add(idKey, 0)) { counts.duplicateIds++; continue; }
    }
    kept.push(row);
  }
  return { kept: Int32Array.from(kept), ...counts };
}

/** Sets a row-and-id key apart from a row's own fingerprint. */
const ROW_AND_ID = 0x5bd1e995;

/** Missing values of each feature over the given rows (non-finite numbers included). */
export function countMissing(features: readonly FeatureColumn[], rows: Int32Array): Record<string, number> {
  const missing: Record<string, number> = {};
  for (const column of features) {
    let count = 0;
    if (column.type === 'numeric') {
      for (const row of rows) if (Number.isNaN(column.values[row]!)) count++;
    } else {
      for (const row of rows) if (column.values[row] === null) count++;
    }
    missing[column.name] = count;
  }
  return missing;
}

export interface DroppedColumn {
  name: string;
  reason: 'missing' | 'constant';
  /** The warning, naming the column. */
  message: string;
}

/**
 * Splits features into those worth fitting and those that carry nothing in the
 * training split: missing everywhere, or a single value (for a numeric feature,
 * a single value among the non-missing ones, since imputation fills the rest with it;
 * for a categorical one, a single level with nothing missing).
 */
export function findDegenerateColumns(
  features: readonly FeatureColumn[], trainRows: Int32Array,
): { kept: FeatureColumn[]; dropped: DroppedColumn[] } {
  const kept: FeatureColumn[] = [];
  const dropped: DroppedColumn[] = [];
  for (const column of features) {
    const distinct = new Set<number | string | null>();
    let present = 0;
    for (const row of trainRows) {
      const value = column.values[row]!;
      if (value === null || (typeof value === 'number' && Number.isNaN(value))) {
        if (column.type === 'categorical') distinct.add(null);
        continue;
      }
      present++;
      distinct.add(value);
      if (distinct.size > 1) break;
    }
    const name = printable(column.name);
    if (present === 0) {
      dropped.push({ name: column.name, reason: 'missing', message: `column ${name} is missing in every training row; dropped` });
    } else if (distinct.size === 1) {
      const [value] = distinct;
      const every = column.type === 'numeric' && present < trainRows.length ? 'every non-missing value' : 'every value';
      dropped.push({
        name: column.name,
        reason: 'constant',
        message: `column ${name} is constant in the training split (${every} is ${JSON.stringify(value)}); dropped`,
      });
    } else {
      kept.push(column);
    }
  }
  return { kept, dropped };
}

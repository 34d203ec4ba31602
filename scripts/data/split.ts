/**
 * Train/test split of the kept rows: seeded and random by default, or read from a
 * `row,customer_id,split` file so that a published test set can be reproduced.
 */
import { Rng } from '../math/rng.js';
import { DataError } from './errors.js';
import { readCsvFile } from './table.js';
import { printable, printableList } from './printable.js';

export interface SplitRows {
  /** 0-based data rows of each split, ascending. */
  train: Int32Array;
  test: Int32Array;
}

/**
 * Shuffles `rows` with a generator seeded by `seed` and puts round(n · testFraction)
 * of them (at least one, and at least one fewer than n) in the test split.
 */
export function randomSplit(rows: Int32Array, testFraction: number, seed: number): SplitRows {
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`testFraction must be in (0, 1), got ${testFraction}`);
  if (rows.length < 2) throw new RangeError(`need at least 2 rows to split, got ${rows.length}`);
  const shuffled = new Rng(seed).shuffle(Int32Array.from(rows));
  const testCount = Math.min(rows.length - 1, Math.max(1, Math.round(rows.length * testFraction)));
  return {
    test: shuffled.slice(0, testCount).sort(),
    train: shuffled.slice(testCount).sort(),
  };
}

/** A split file, checked against the data it belongs to. */
export interface SplitFile {
  file: string;
  /** 1 when the data row is in the test split, 0 when in train; indexed by data row. */
  isTest: Uint8Array;
  /** `customer_id` of each data row when the file has that column. */
  customerIds: string[] | undefined;
}

/**
 * Reads a split file for a table of `dataRows` rows. Every data row must appear
 * exactly once with `train` or `test`. When the data has an id column, the file's
 * `customer_id` (if any) must agree with it row by row (numerically equal ids such
 * as `00042` and `42` agree).
 */
export function readSplitFile(
  file: string, dataRows: number, ids?: { name: string; values: readonly (string | null)[] },
): SplitFile {
  const { records } = readCsvFile(file);
  const header = records[0]!.fields.map((name) => name.trim());
  const rowAt = header.indexOf('row');
  const splitAt = header.indexOf('split');
  const idAt = header.indexOf('customer_id');
  if (rowAt < 0 || splitAt < 0) {
    throw new DataError(`a split file needs the columns "row" and "split" (header: ${printableList(header)})`, { file, line: records[0]!.line });
  }
  const count = records.length - 1;
  if (count !== dataRows) {
    throw new DataError(`the split file has ${count} rows, but the data has ${dataRows}`, { file });
  }

  const isTest = new Uint8Array(dataRows);
  const firstLine = new Int32Array(dataRows);
  const customerIds = idAt < 0 ? undefined : new Array<string>(dataRows).fill('');
  for (const { fields, line } of records.slice(1)) {
    const rowCell = fields[rowAt]!.trim();
    const row = /^\d+$/.test(rowCell) ? Number(rowCell) : -1;
    if (row < 0 || row >= dataRows) {
      throw new DataError(`"row" must be a data row index from 0 to ${dataRows - 1}, got ${JSON.stringify(rowCell)}`, { file, line });
    }
    if (firstLine[row] !== 0) throw new DataError(`row ${row} appears twice (first on line ${firstLine[row]})`, { file, line });
    firstLine[row] = line;
    const split = fields[splitAt]!.trim();
    if (split !== 'train' && split !== 'test') {
      throw new DataError(`"split" must be "train" or "test", got ${JSON.stringify(split)}`, { file, line });
    }
    isTest[row] = split === 'test' ? 1 : 0;
    if (customerIds !== undefined) {
      const customerId = fields[idAt]!.trim();
      customerIds[row] = customerId;
      const dataId = ids?.values[row];
      if (ids !== undefined && dataId !== null && dataId !== undefined && !sameId(customerId, dataId)) {
        throw new DataError(
          `customer_id ${printable(customerId)} of row ${row} does not match ${printable(dataId)} in the data's column ${printable(ids.name)}`,
          { file, line },
        );
      }
    }
  }
  return { file, isTest, customerIds };
}

function sameId(a: string, b: string): boolean {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  return a !== '' && b !== '' && Number.isFinite(x) && x === y;
}

/** Divides the kept rows as the split file says; each split must keep at least one row. */
export function applySplitFile(rows: Int32Array, split: SplitFile): SplitRows {
  const train = rows.filter((row) => split.isTest[row] === 0);
  const test = rows.filter((row) => split.isTest[row] === 1);
  for (const [name, part] of [['train', train], ['test', test]] as const) {
    if (part.length === 0) {
      throw new DataError(`no kept row is in the ${name} split (of ${rows.length} kept rows)`, { file: split.file });
    }
  }
  return { train, test };
}

/**
 * A customer table as a typed table: which column is the target, which the id, which
 * are features, and whether each feature is numeric or categorical.
 *
 * Roles: the target is `--target` or else the last column (the last one that is not
 * the id); the `--id` column is never a feature; every other column is a feature.
 * Types: a feature listed in `--categorical` is categorical. Without that list a
 * feature is numeric when every non-missing cell parses as a number and
 * categorical otherwise; with it, a non-number in an unlisted column is an error,
 * since the caller said the column was numeric.
 * Cells are trimmed; empty, `NA`, `NaN` and `null` (any case) are missing.
 *
 * The table is read twice, streaming (./csv-stream.ts), and kept column by column
 * (./table-builder.ts): its size in memory is that of its typed columns, not of its text.
 * Parquet tables are read by ./parquet-table.ts into the same shape.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type CsvRecord, parseCsv } from './csv.js';
import { CR_ONLY, NOT_UTF8, countCsvRecords, forEachCsvRecord } from './csv-stream.js';
import { DataError } from './errors.js';
import { unescapeFormulaCell } from './formula-cells.js';
import { type PlaceNoun, TableBuilder } from './table-builder.js';

/** A numeric feature: NaN marks a missing (or non-finite) value. */
export interface NumericColumn {
  name: string;
  type: 'numeric';
  values: Float64Array;
  /** Cells such as `Infinity` or `1e999`, read as missing. */
  nonFinite: number;
}

/** A categorical feature: null marks a missing value. */
export interface CategoricalColumn {
  name: string;
  type: 'categorical';
  values: (string | null)[];
  /**
   * Present when the column was inferred categorical (not listed in `categorical`) although
   * some of its cells are numbers: the first cell that is not one, which made it so, and
   * how many cells are numbers. A stray byte in a numeric column shows up here.
   */
  inferredFrom?: { line: number; cell: string; numbers: number };
}

export type FeatureColumn = NumericColumn | CategoricalColumn;

export interface Table {
  /** The path as given, for messages. */
  file: string;
  /** SHA-256 (hex) of the file's bytes. */
  sha256: string;
  header: string[];
  /** Number of data rows (records after the header). */
  rows: number;
  /** How `places` count: physical lines (CSV, the header on line 1 unless blank lines precede it) or 1-based rows (Parquet). */
  noun: PlaceNoun;
  /** Where every data row is, for messages (see `rowError`). */
  places: Int32Array;
  /**
   * A 128-bit fingerprint of every data row's fields as written (untrimmed), four words
   * per row (./fingerprint.ts): rows with equal fingerprints are exact duplicates.
   */
  fingerprints: Uint32Array;
  /** The target: NaN when missing; ±Infinity and negative values are kept for cleaning to count. */
  target: { name: string; values: Float64Array };
  /** The id column when one was named; null when a cell is missing. */
  id: { name: string; values: (string | null)[] } | undefined;
  /** Every other column, in file order. */
  features: FeatureColumn[];
}

export interface TableOptions {
  /** Target column name. Default: the last column that is not the id. */
  target?: string;
  /** Customer id column name, never a feature. Default: none. */
  id?: string;
  /** Categorical feature names. Default: inferred (a column with a non-number is categorical). */
  categorical?: readonly string[];
}

const MISSING_TOKENS = new Set(['', 'na', 'nan', 'null']);
const INFINITE = /^[+-]?inf(?:inity)?$/i;
const NON_DECIMAL = /^[+-]?0[xXbBoO]/;

/** Whether a trimmed cell counts as a missing value. */
export function isMissing(cell: string): boolean {
  if (cell.length === 0) return true;
  // Every other token starts with n or N: most cells are settled without a lower-cased copy.
  const first = cell.charCodeAt(0);
  return (first === 0x6e || first === 0x4e) && cell.length <= 4 && MISSING_TOKENS.has(cell.toLowerCase());
}

/**
 * A trimmed, non-missing cell as a number (possibly ±Infinity), or undefined when it
 * is not a decimal number: `12`, `-3.5`, `.5`, `1e-3`, `inf`, `Infinity` are numbers;
 * `0x1A`, `1,5`, `12 kg` are not.
 */
export function parseNumber(cell: string): number | undefined {
  const value = Number(cell);
  if (Number.isNaN(value)) return INFINITE.test(cell) ? (cell.startsWith('-') ? -Infinity : Infinity) : undefined;
  // Only a cell whose digits start with 0 can be hexadecimal, binary or octal: the regular expression runs for those alone.
  const sign = cell.charCodeAt(0) === 0x2b || cell.charCodeAt(0) === 0x2d ? 1 : 0;
  return cell.charCodeAt(sign) === 0x30 && NON_DECIMAL.test(cell) ? undefined : value;
}

/** Reads a CSV file whole: bytes, their SHA-256 and the parsed records, formula escapes undone. */
export function readCsvFile(file: string): { records: CsvRecord[]; sha256: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : `cannot read it (${code ?? 'unknown error'})`;
    throw new DataError(reason, { file });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const text = decodeUtf8(bytes, file);
  checkLineEnds(text, file);
  const records = parseCsv(text, { file });
  // Cells the tools escaped against spreadsheet formulas read back as they were (./formula-cells.ts).
  for (const { fields } of records) {
    for (let i = 0; i < fields.length; i++) if (fields[i]!.charCodeAt(0) === 0x27) fields[i] = unescapeFormulaCell(fields[i]!);
  }
  if (records.length === 0) throw new DataError('the file is empty', { file });
  if (records.length === 1) throw new DataError('the file has a header but no data rows', { file });
  return { records, sha256 };
}

/** The file as text, or a DataError naming the first line that is not UTF-8. */
function decodeUtf8(bytes: Uint8Array, file: string): string {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    return decoder.decode(bytes);
  } catch {
    // A line feed is never part of a multi-byte sequence, so lines can be decoded one by one.
    let line = 1;
    for (let start = 0; start <= bytes.length; line++) {
      const end = bytes.indexOf(0x0a, start);
      const stop = end < 0 ? bytes.length : end;
      try {
        decoder.decode(bytes.subarray(start, stop));
      } catch {
        break;
      }
      start = stop + 1;
    }
    throw new DataError(NOT_UTF8, { file, line });
  }
}

/**
 * Line ends of CR alone (classic Mac OS, Excel's "CSV (Macintosh)") would read as one long
 * record, since a lone CR is data in CSV: say so instead of "no data rows".
 */
function checkLineEnds(text: string, file: string): void {
  const cr = text.indexOf('\r');
  if (!text.includes('\n') && cr >= 0 && cr < text.trimEnd().length) {
    throw new DataError(CR_ONLY, { file, line: 1 });
  }
}

/**
 * Reads and types a customer CSV, streaming. Throws DataError naming the file, line
 * and column of the first problem, as ./table-builder.ts orders them.
 */
export function readTable(file: string, options: TableOptions = {}): Table {
  const builder = new TableBuilder(file, options, 'line', countCsvRecords(file) - 1);
  let header = true;
  const { sha256 } = forEachCsvRecord(file, ({ fields, line }) => {
    if (header) builder.setHeader(fields, line);
    else builder.add(fields, line, JSON.stringify(fields));
    header = false;
  });
  const columns = builder.rereadColumns();
  if (columns.length > 0) {
    let row = -1;
    forEachCsvRecord(file, ({ fields }) => {
      if (row >= 0) builder.reread(fields, row, columns);
      row++;
    });
  }
  return builder.finish(sha256);
}

/**
 * Frees the table's typed arrays now rather than when the garbage collector gets to
 * them: at millions of rows they are as large as the encoded matrix, and the scaled
 * copy of that matrix is made next (on 5 million rows the peak held both). Detaching
 * a buffer (ArrayBuffer.prototype.transfer) releases its memory at once. The table
 * must not be read afterwards.
 */
export function releaseTable(table: Table): void {
  const arrays: ArrayBufferView[] = [table.places, table.fingerprints, table.target.values];
  for (const column of table.features) if (column.type === 'numeric') arrays.push(column.values);
  for (const array of arrays) {
    const buffer = array.buffer as ArrayBuffer & { transfer?(length: number): ArrayBuffer };
    if (buffer.byteLength > 0) buffer.transfer?.(0);
  }
}

/** The error for a problem in data row `row` (0-based) of `table`: its line, or for Parquet `row N: `. */
export function rowError(table: Pick<Table, 'file' | 'noun' | 'places'>, row: number, column: string | undefined, detail: string): DataError {
  const at = table.places[row]!;
  return table.noun === 'line'
    ? new DataError(detail, { file: table.file, line: at, column })
    : new DataError(`row ${at}: ${detail}`, { file: table.file, column });
}

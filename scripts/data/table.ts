/**
 * A customer CSV as a typed table: which column is the target, which the id, which
 * are features, and whether each feature is numeric or categorical.
 *
 * Roles: the target is `--target` or else the last column (the last one that is not
 * the id); the `--id` column is never a feature; every other column is a feature.
 * Types: a feature listed in `--categorical` is categorical. Without that list a
 * feature is numeric when every non-missing cell parses as a number and
 * categorical otherwise; with it, a non-number in an unlisted column is an error,
 * since the caller said the column was numeric.
 * Cells are trimmed; empty, `NA`, `NaN` and `null` (any case) are missing.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type CsvRecord, parseCsv } from './csv.js';
import { DataError } from './errors.js';
import { unescapeFormulaCell } from './formula-cells.js';

/** Largest magnitude a float32 holds: the model predicts in float32, so no target may be larger. */
const FLOAT32_MAX = 3.4028234663852886e38;
import { printable, printableList, printableValue } from '../cli/printable.js';

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
  /** Raw fields of every data row, untrimmed, for exact-duplicate detection. */
  cells: string[][];
  /** Physical line of every data row, for messages. */
  lines: Int32Array;
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
  return NON_DECIMAL.test(cell) ? undefined : value;
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
    throw new DataError('this line is not UTF-8 text; save the file as UTF-8 (it may be Latin-1 or Windows-1252)', { file, line });
  }
}

/**
 * Line ends of CR alone (classic Mac OS, Excel's "CSV (Macintosh)") would read as one long
 * record, since a lone CR is data in CSV: say so instead of "no data rows".
 */
function checkLineEnds(text: string, file: string): void {
  const cr = text.indexOf('\r');
  if (!text.includes('\n') && cr >= 0 && cr < text.trimEnd().length) {
    throw new DataError('the lines end in CR alone (classic Mac OS line ends); save the file with LF or CRLF line ends', { file, line: 1 });
  }
}

/** Reads and types a customer table. Throws DataError naming the file, line and column of the first problem. */
export function readTable(file: string, options: TableOptions = {}): Table {
  const { records, sha256 } = readCsvFile(file);
  const headerRecord = records[0]!;
  const header = headerRecord.fields.map((name) => name.trim());
  checkHeader(header, file, headerRecord.line);
  const where = (name: string, what: string): number => {
    const index = header.indexOf(name);
    if (index < 0) throw new DataError(`${what} ${printable(name)} is not in the header (columns: ${printableList(header)})`, { file });
    return index;
  };

  const idIndex = options.id === undefined ? -1 : where(options.id, 'the id column');
  let targetIndex: number;
  if (options.target !== undefined) {
    targetIndex = where(options.target, 'the target column');
  } else {
    targetIndex = idIndex === header.length - 1 ? header.length - 2 : header.length - 1;
  }
  if (targetIndex < 0 || targetIndex === idIndex) {
    throw new DataError('the file has no column left for the target besides the id', { file });
  }
  const categorical = new Set(options.categorical ?? []);
  for (const name of categorical) {
    const index = where(name, 'the categorical column');
    if (index === targetIndex) throw new DataError(`the target ${printable(name)} cannot be categorical`, { file });
    if (index === idIndex) throw new DataError(`${printable(name)} is the id column, never a feature`, { file });
  }

  const dataRecords = records.slice(1);
  const rows = dataRecords.length;
  const cells = dataRecords.map((record) => record.fields);
  const lines = Int32Array.from(dataRecords, (record) => record.line);
  const column = (index: number): string[] => cells.map((fields) => fields[index]!.trim());

  const targetName = header[targetIndex]!;
  const target = { name: targetName, values: readTarget(column(targetIndex), lines, file, targetName) };
  const id = idIndex < 0 ? undefined : {
    name: header[idIndex]!,
    values: column(idIndex).map((cell) => (isMissing(cell) ? null : cell)),
  };

  const features: FeatureColumn[] = [];
  header.forEach((name, index) => {
    if (index === targetIndex || index === idIndex) return;
    const values = column(index);
    const declared = options.categorical !== undefined;
    const numbers = categorical.has(name) ? undefined : readNumbers(values, lines, file, name, false, declared);
    if (numbers === undefined || 'firstText' in numbers) {
      const column: CategoricalColumn = { name, type: 'categorical', values: values.map((cell) => (isMissing(cell) ? null : cell)) };
      if (numbers !== undefined) {
        const count = values.reduce((n, cell) => (!isMissing(cell) && parseNumber(cell) !== undefined ? n + 1 : n), 0);
        if (count > 0) column.inferredFrom = { line: lines[numbers.firstText]!, cell: values[numbers.firstText]!, numbers: count };
      }
      features.push(column);
    } else {
      features.push({ name, type: 'numeric', ...numbers });
    }
  });

  return { file, sha256, header, rows, cells, lines, target, id, features };
}

function checkHeader(header: string[], file: string, line: number): void {
  const seen = new Map<string, number>();
  header.forEach((name, index) => {
    if (name === '') throw new DataError(`column ${index + 1} of the header has no name`, { file, line });
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      throw new DataError(`column ${printable(name)} appears twice (columns ${earlier + 1} and ${index + 1})`, { file, line });
    }
    seen.set(name, index);
  });
}

/**
 * The target column as numbers (./readNumbers, keeping ±Infinity for cleaning to count).
 * A finite target beyond the float32 range is an error with its place: the network
 * predicts in float32, and such a value made training diverge without saying where.
 */
function readTarget(cells: readonly string[], lines: Int32Array, file: string, name: string): Float64Array {
  const { values } = readNumbers(cells, lines, file, name, true) as { values: Float64Array };
  for (let row = 0; row < values.length; row++) {
    const y = values[row]!;
    if (Number.isFinite(y) && Math.abs(y) > FLOAT32_MAX) {
      throw new DataError(
        `target ${printableValue(cells[row]!)} is beyond ±3.4e38, the float32 range the model predicts in; fix the value or leave the cell empty`,
        { file, line: lines[row]!, column: name },
      );
    }
  }
  return values;
}

/**
 * Parses a column as numbers: missing cells become NaN; non-finite numbers stay
 * ±Infinity when `keepInfinite` (the target: cleaning drops those rows) and become
 * NaN otherwise (a feature: counted in `nonFinite`). A cell that is not a number
 * is an error when `strict`; otherwise the column is not numeric, and the result
 * names the first such row.
 */
function readNumbers(
  cells: readonly string[], lines: Int32Array, file: string, name: string, keepInfinite: boolean, strict = true,
): { values: Float64Array; nonFinite: number } | { firstText: number } {
  const values = new Float64Array(cells.length);
  let nonFinite = 0;
  for (let row = 0; row < cells.length; row++) {
    const cell = cells[row]!;
    if (isMissing(cell)) {
      values[row] = Number.NaN;
      continue;
    }
    const value = parseNumber(cell);
    if (value === undefined) {
      if (!strict) return { firstText: row };
      throw new DataError(`expected a number, got ${printableValue(cell)}`, { file, line: lines[row]!, column: name });
    }
    if (!Number.isFinite(value) && !keepInfinite) {
      nonFinite++;
      values[row] = Number.NaN;
    } else {
      values[row] = value;
    }
  }
  return { values, nonFinite };
}

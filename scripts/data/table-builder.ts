/**
 * A customer table typed and stored column by column, from rows given twice: once
 * to learn each column's type, once to fill it. Rows are never kept: a numeric
 * column is one Float64Array, a categorical one an array of shared strings (equal
 * values are one string), and each row's fields leave a 128-bit fingerprint behind
 * for finding exact duplicates (./fingerprint.ts). CSV (./table.ts) and Parquet
 * (./parquet-table.ts) feed it the same way, so both follow the rules of ./table.ts
 * and stop with the same messages, in the same order:
 * 1. the header: unnamed or repeated columns; the id, target and categorical columns named;
 * 2. the target: the first cell that is not a number;
 * 3. the features, in header order: with `categorical` given, the first cell of an
 *    unlisted column that is not a number; without it, such a cell makes the column categorical.
 */
import { describe } from '../../src/spec/encode.js';
import { DataError } from './errors.js';
import { fingerprintInto } from './fingerprint.js';
import { type CategoricalColumn, type FeatureColumn, type NumericColumn, type Table, type TableOptions, isMissing, parseNumber } from './table.js';

/** A cell as a source gives it: text as written (CSV, Parquet text), a number (Parquet numbers; NaN missing), or null (missing). */
export type Cell = string | number | null;

/** How rows are placed in messages: physical lines (CSV) or 1-based rows (Parquet). */
export type PlaceNoun = 'line' | 'row';

interface ColumnScan {
  /** The first data row whose cell is present and not a number, and that cell. */
  firstText: { row: number; cell: string } | undefined;
}

export class TableBuilder {
  private header: string[] = [];
  private headerPlace = 0;
  private scans: ColumnScan[] = [];
  private rows = 0;
  private places: number[] = [];
  private plan: Plan | undefined;
  private filled = 0;

  constructor(
    private readonly file: string,
    private readonly options: TableOptions,
    private readonly noun: PlaceNoun,
  ) {}

  /** Pass 1, first call: the column names as written, and where they are (line 1, or row 0). */
  setHeader(names: readonly string[], place: number): void {
    this.header = names.map((name) => name.trim());
    this.headerPlace = place;
    this.scans = names.map(() => ({ firstText: undefined }));
  }

  /** Pass 1: one data row, to learn which columns hold anything but numbers. */
  scan(cells: readonly Cell[], place: number): void {
    const row = this.rows++;
    this.places.push(place);
    // A row of another width is reported when the whole file has been read; until then it is read as far as it fits.
    const width = Math.min(cells.length, this.scans.length);
    for (let c = 0; c < width; c++) {
      const scan = this.scans[c]!;
      if (scan.firstText !== undefined) continue;
      const value = cells[c];
      if (typeof value !== 'string') continue;
      const cell = value.trim();
      if (!isMissing(cell) && parseNumber(cell) === undefined) scan.firstText = { row, cell };
    }
  }

  /** Between the passes: checks the header and the values in the trainer's order, and lays out the columns. */
  layOut(): void {
    const { file, header, options } = this;
    checkHeader(header, file, this.noun === 'line' ? this.headerPlace : undefined);
    const where = (name: string, what: string): number => {
      const index = header.indexOf(name);
      if (index < 0) throw new DataError(`${what} ${JSON.stringify(name)} is not in the header (columns: ${header.join(', ')})`, { file });
      return index;
    };
    const idIndex = options.id === undefined ? -1 : where(options.id, 'the id column');
    const targetIndex = options.target !== undefined ? where(options.target, 'the target column') : idIndex === header.length - 1 ? header.length - 2 : header.length - 1;
    if (targetIndex < 0 || targetIndex === idIndex) throw new DataError('the file has no column left for the target besides the id', { file });
    const categorical = new Set(options.categorical ?? []);
    for (const name of categorical) {
      const index = where(name, 'the categorical column');
      if (index === targetIndex) throw new DataError(`the target ${JSON.stringify(name)} cannot be categorical`, { file });
      if (index === idIndex) throw new DataError(`${JSON.stringify(name)} is the id column, never a feature`, { file });
    }
    const notNumber = (index: number): never => {
      const { row, cell } = this.scans[index]!.firstText!;
      throw this.rowError(row, header[index]!, `expected a number, got ${describe(cell)}`);
    };
    if (this.scans[targetIndex]!.firstText !== undefined) notNumber(targetIndex);
    const declared = options.categorical !== undefined;
    const kinds = header.map((name, index): 'numeric' | 'categorical' | 'skip' => {
      if (index === targetIndex || index === idIndex) return 'skip';
      if (categorical.has(name)) return 'categorical';
      if (this.scans[index]!.firstText === undefined) return 'numeric';
      if (declared) notNumber(index);
      return 'categorical';
    });
    const rows = this.rows;
    this.plan = {
      idIndex,
      targetIndex,
      kinds,
      target: new Float64Array(rows),
      id: idIndex < 0 ? undefined : new Array<string | null>(rows),
      features: header.flatMap((name, index): FeatureColumn[] => {
        if (kinds[index] === 'numeric') return [{ name, type: 'numeric', values: new Float64Array(rows), nonFinite: 0 }];
        if (kinds[index] === 'categorical') return [{ name, type: 'categorical', values: new Array<string | null>(rows) }];
        return [];
      }),
      interned: header.map(() => new Map<string, string>()),
      fingerprints: new Uint32Array(rows * 4),
    };
  }

  /** Pass 2: the same rows again, in the same order; `raw` is the row's fields as written, for its fingerprint. */
  fill(cells: readonly Cell[], raw: string): void {
    const plan = this.plan!;
    const row = this.filled++;
    fingerprintInto(raw, plan.fingerprints, row * 4);
    let f = 0;
    for (let c = 0; c < cells.length; c++) {
      const kind = plan.kinds[c]!;
      const value = cells[c]!;
      if (c === plan.targetIndex) {
        plan.target[row] = numberOf(value, true).value;
      } else if (c === plan.idIndex) {
        plan.id![row] = textOf(value, plan.interned[c]!, false);
      } else if (kind === 'numeric') {
        const column = plan.features[f++] as NumericColumn;
        const { value: x, nonFinite } = numberOf(value, false);
        column.values[row] = x;
        if (nonFinite) column.nonFinite++;
      } else if (kind === 'categorical') {
        (plan.features[f++] as CategoricalColumn).values[row] = textOf(value, plan.interned[c]!, true);
      }
    }
  }

  finish(sha256: string): Table {
    const plan = this.plan!;
    if (this.filled !== this.rows) throw new Error(`the second pass gave ${this.filled} rows, the first ${this.rows}`);
    const { header, file, noun } = this;
    return {
      file,
      sha256,
      header,
      rows: this.rows,
      noun,
      places: Int32Array.from(this.places),
      fingerprints: plan.fingerprints,
      target: { name: header[plan.targetIndex]!, values: plan.target },
      id: plan.id === undefined ? undefined : { name: header[plan.idIndex]!, values: plan.id },
      features: plan.features,
    };
  }

  private rowError(row: number, column: string, detail: string): DataError {
    return this.noun === 'line'
      ? new DataError(detail, { file: this.file, line: this.places[row]!, column })
      : new DataError(`row ${this.places[row]!}: ${detail}`, { file: this.file, column });
  }
}

interface Plan {
  idIndex: number;
  targetIndex: number;
  kinds: ('numeric' | 'categorical' | 'skip')[];
  target: Float64Array;
  id: (string | null)[] | undefined;
  features: FeatureColumn[];
  /** One string per distinct value of each column, shared by every row holding it. */
  interned: Map<string, string>[];
  fingerprints: Uint32Array;
}

/**
 * A cell as a number: missing is NaN; a non-finite number stays ±Infinity when
 * `keepInfinite` (the target: cleaning counts those rows), else it is NaN and counted.
 * Pass 1 has checked that text cells are numbers.
 */
function numberOf(cell: Cell, keepInfinite: boolean): { value: number; nonFinite: boolean } {
  let value: number;
  if (cell === null) return { value: Number.NaN, nonFinite: false };
  if (typeof cell === 'number') {
    value = cell;
  } else {
    const text = cell.trim();
    if (isMissing(text)) return { value: Number.NaN, nonFinite: false };
    value = parseNumber(text)!;
  }
  if (Number.isNaN(value) || Number.isFinite(value) || keepInfinite) return { value, nonFinite: false };
  return { value: Number.NaN, nonFinite: true };
}

/** A cell as text, trimmed, or null when missing; interned. A number is written as JavaScript writes it. */
function textOf(cell: Cell, interned: Map<string, string>, share: boolean): string | null {
  if (cell === null || (typeof cell === 'number' && Number.isNaN(cell))) return null;
  const text = typeof cell === 'number' ? String(cell) : cell.trim();
  if (isMissing(text)) return null;
  if (!share) return text;
  const known = interned.get(text);
  if (known !== undefined) return known;
  interned.set(text, text);
  return text;
}

function checkHeader(header: readonly string[], file: string, line: number | undefined): void {
  const seen = new Map<string, number>();
  header.forEach((name, index) => {
    if (name === '') throw new DataError(`column ${index + 1} of the header has no name`, { file, line });
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      throw new DataError(`column ${JSON.stringify(name)} appears twice (columns ${earlier + 1} and ${index + 1})`, { file, line });
    }
    seen.set(name, index);
  });
}

/**
 * A customer table typed and stored column by column as its rows stream by. Rows
 * are never kept: a numeric column is one Float64Array, a categorical one an array
 * of shared strings (equal values are one string), and each row's fields leave a
 * 128-bit fingerprint for finding exact duplicates (./fingerprint.ts). CSV
 * (./table.ts) and Parquet (./parquet-table.ts) feed it the same way, so both follow
 * the rules of ./table.ts and stop with the same messages, in the same order, once
 * every row has been read (a malformed record further on is reported first, as when
 * the file was parsed whole):
 * 1. the header: unnamed or repeated columns; the id, target and categorical columns named;
 * 2. the target: the first cell that is not a number, then the first beyond float32;
 * 3. the features, in header order: with `categorical` given, the first cell of an
 *    unlisted column that is not a number; without it, such a cell makes the column categorical.
 *
 * One pass, typing as it goes: a column is kept as numbers until a cell is not one.
 * If numbers came first, their text is gone by then; such a column, when it ends up
 * categorical (the rare case of a stray word in a numeric column), is read again
 * (`rereadColumns`), for that column only.
 */
import { printable, printableList, printableValue } from './printable.js';
import { DataError } from './errors.js';
import { fingerprintInto } from './fingerprint.js';
import { type FeatureColumn, type Table, type TableOptions, isMissing, parseNumber } from './table.js';

/** A cell as a source gives it: text as written (CSV, Parquet text), a number (Parquet numbers; NaN missing), or null (missing). */
export type Cell = string | number | null;

/** How rows are placed in messages: physical lines (CSV) or 1-based rows (Parquet). */
export type PlaceNoun = 'line' | 'row';

/** Largest magnitude a float32 holds: the model predicts in float32, so no target may be larger. */
const FLOAT32_MAX = 3.4028234663852886e38;

type Role = 'target' | 'id' | 'categorical' | 'feature';

interface ColumnState {
  role: Role;
  /** How cells are kept now: as numbers (NaN missing) or as text (null missing). */
  mode: 'number' | 'text';
  numbers: Float64Array | undefined;
  texts: (string | null)[] | undefined;
  /** Present cells that are numbers, so far (also in a column kept as text, for the warning about it). */
  present: number;
  nonFinite: number;
  /** The first row whose cell is present and not a number, and that cell. */
  firstText: { row: number; cell: string } | undefined;
  /** A cell that is not a number came after numbers, whose text was not kept. */
  lateText: boolean;
  /** The target's first finite value beyond float32, and its cell. */
  beyondFloat32: { row: number; cell: string } | undefined;
  interned: Map<string, string>;
}

export class TableBuilder {
  private header: string[] = [];
  private headerPlace = 0;
  private columns: ColumnState[] = [];
  private roleError: DataError | undefined;
  private rows = 0;
  private places: Int32Array;
  private fingerprints: Uint32Array;
  private capacity: number;

  /** `capacity`: the rows expected (more are taken, at the cost of a copy). */
  constructor(
    private readonly file: string,
    private readonly options: TableOptions,
    private readonly noun: PlaceNoun,
    capacity: number,
  ) {
    this.capacity = Math.max(1, capacity);
    this.places = new Int32Array(this.capacity);
    this.fingerprints = new Uint32Array(this.capacity * 4);
  }

  /** The column names as written, and where they are (line 1, or row 0). */
  setHeader(names: readonly string[], place: number): void {
    this.header = names.map((name) => name.trim());
    this.headerPlace = place;
    const roles = this.roles();
    this.columns = roles.map((role) => ({
      role,
      mode: role === 'id' || role === 'categorical' ? 'text' : 'number',
      numbers: undefined,
      texts: undefined,
      present: 0,
      nonFinite: 0,
      firstText: undefined,
      lateText: false,
      beyondFloat32: undefined,
      interned: new Map(),
    }));
    for (const column of this.columns) this.allocate(column, this.capacity);
  }

  /** One data row: its cells, its line or row, and its fields as written for its fingerprint. */
  add(cells: readonly Cell[], place: number, raw: string): void {
    if (this.rows === this.capacity) this.grow();
    const row = this.rows++;
    this.places[row] = place;
    fingerprintInto(raw, this.fingerprints, row * 4);
    // A row of another width is reported when the whole file has been read; until then it is read as far as it fits.
    const width = Math.min(cells.length, this.columns.length);
    for (let c = 0; c < width; c++) {
      const column = this.columns[c]!;
      const cell = cells[c]!;
      if (column.mode === 'text') {
        const text = textOf(cell, column.interned, column.role !== 'id');
        column.texts![row] = text;
        // An inferred categorical column counts its numbers, for the warning that says what made it categorical.
        if (column.role === 'feature' && text !== null && (typeof cell === 'number' || parseNumber(text) !== undefined)) column.present++;
        continue;
      }
      const value = numberOf(cell);
      if (value !== undefined) {
        if (Number.isNaN(value)) { column.numbers![row] = value; continue; }
        column.present++;
        if (Number.isFinite(value) || column.role === 'target') column.numbers![row] = value;
        else { column.numbers![row] = Number.NaN; column.nonFinite++; }
        if (column.role === 'target' && Number.isFinite(value) && Math.abs(value) > FLOAT32_MAX && column.beyondFloat32 === undefined) {
          column.beyondFloat32 = { row, cell: typeof cell === 'string' ? cell.trim() : String(cell) };
        }
        continue;
      }
      // Not a number.
      column.firstText ??= { row, cell: (cell as string).trim() };
      if (column.role === 'feature' && this.options.categorical === undefined && column.present === 0) {
        // Nothing but missing cells so far: the column turns to text with nothing lost.
        column.mode = 'text';
        column.numbers = undefined;
        this.allocate(column, this.capacity);
        column.texts!.fill(null, 0, row);
        column.texts![row] = textOf(cell, column.interned, true);
      } else {
        column.numbers![row] = Number.NaN;
        column.lateText = true;
      }
    }
  }

  /** Columns that ended up categorical after numbers: their text must be read again, with `reread`. */
  rereadColumns(): number[] {
    if (this.options.categorical !== undefined) return [];
    return this.columns.flatMap((column, c) => (column.role === 'feature' && column.lateText ? [c] : []));
  }

  /** A second pass over the same rows, for `rereadColumns()` only. */
  reread(cells: readonly Cell[], row: number, columns: readonly number[]): void {
    for (const c of columns) {
      const column = this.columns[c]!;
      if (column.mode === 'number') {
        column.mode = 'text';
        column.numbers = undefined;
        this.allocate(column, this.capacity);
      }
      column.texts![row] = textOf(cells[c] ?? null, column.interned, true);
    }
  }

  /** The table, after the checks in the trainer's order. */
  finish(sha256: string): Table {
    const { file, header } = this;
    checkHeader(header, file, this.noun === 'line' ? this.headerPlace : undefined);
    if (this.roleError !== undefined) throw this.roleError;
    const targetIndex = this.columns.findIndex((c) => c.role === 'target');
    const idIndex = this.columns.findIndex((c) => c.role === 'id');
    const notNumber = (index: number): DataError => {
      const { row, cell } = this.columns[index]!.firstText!;
      return this.rowError(row, header[index]!, `expected a number, got ${printableValue(cell)}`);
    };
    if (this.columns[targetIndex]!.firstText !== undefined) throw notNumber(targetIndex);
    const beyond = this.columns[targetIndex]!.beyondFloat32;
    if (beyond !== undefined) {
      throw this.rowError(beyond.row, header[targetIndex]!,
        `target ${printableValue(beyond.cell)} is beyond ±3.4e38, the float32 range the model predicts in; fix the value or leave the cell empty`);
    }
    const rows = this.rows;
    const features: FeatureColumn[] = [];
    this.columns.forEach((column, index) => {
      const name = header[index]!;
      if (column.role === 'target' || column.role === 'id') return;
      if (column.role === 'feature' && column.firstText !== undefined && this.options.categorical !== undefined) throw notNumber(index);
      if (column.mode === 'text') {
        column.texts!.length = rows;
        const inferred = column.role === 'feature' && column.firstText !== undefined && column.present > 0;
        features.push({
          name,
          type: 'categorical',
          values: column.texts!,
          ...(inferred ? { inferredFrom: { line: this.places[column.firstText!.row]!, cell: column.firstText!.cell, numbers: column.present } } : {}),
        });
      } else if (column.firstText === undefined) {
        features.push({ name, type: 'numeric', values: fit(column.numbers!, rows), nonFinite: column.nonFinite });
      } else {
        throw new Error(`column ${name} became categorical after numbers and was not read again`);
      }
    });
    const target = this.columns[targetIndex]!;
    const id = idIndex < 0 ? undefined : this.columns[idIndex]!;
    if (id !== undefined) id.texts!.length = rows;
    return {
      file,
      sha256,
      header,
      rows,
      noun: this.noun,
      places: fit(this.places, rows),
      fingerprints: fit(this.fingerprints, rows * 4),
      target: { name: header[targetIndex]!, values: fit(target.numbers!, rows) },
      id: id === undefined ? undefined : { name: header[idIndex]!, values: id.texts! },
      features,
    };
  }

  /** Each column's role from the header; a role that cannot be resolved is reported by `finish`, after the header's own problems. */
  private roles(): Role[] {
    const { header, options, file } = this;
    const generic = (): Role[] => header.map((_, i) => (i === header.length - 1 ? 'target' : 'feature'));
    try {
      const where = (name: string, what: string): number => {
        const index = header.indexOf(name);
        if (index < 0) throw new DataError(`${what} ${printable(name)} is not in the header (columns: ${printableList(header)})`, { file });
        return index;
      };
      const idIndex = options.id === undefined ? -1 : where(options.id, 'the id column');
      const targetIndex = options.target !== undefined ? where(options.target, 'the target column') : idIndex === header.length - 1 ? header.length - 2 : header.length - 1;
      if (targetIndex < 0 || targetIndex === idIndex) throw new DataError('the file has no column left for the target besides the id', { file });
      const categorical = new Set(options.categorical ?? []);
      for (const name of categorical) {
        const index = where(name, 'the categorical column');
        if (index === targetIndex) throw new DataError(`the target ${printable(name)} cannot be categorical`, { file });
        if (index === idIndex) throw new DataError(`${printable(name)} is the id column, never a feature`, { file });
      }
      return header.map((name, i) => (i === targetIndex ? 'target' : i === idIndex ? 'id' : categorical.has(name) ? 'categorical' : 'feature'));
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      this.roleError = error;
      return generic();
    }
  }

  private allocate(column: ColumnState, capacity: number): void {
    if (column.mode === 'number') column.numbers = new Float64Array(capacity);
    else column.texts = new Array<string | null>(capacity).fill(null);
  }

  private grow(): void {
    const capacity = Math.ceil(this.capacity * 1.5) + 16;
    const places = new Int32Array(capacity);
    places.set(this.places);
    this.places = places;
    const fingerprints = new Uint32Array(capacity * 4);
    fingerprints.set(this.fingerprints);
    this.fingerprints = fingerprints;
    for (const column of this.columns) {
      if (column.numbers !== undefined) {
        const numbers = new Float64Array(capacity);
        numbers.set(column.numbers);
        column.numbers = numbers;
      }
      if (column.texts !== undefined) column.texts.length = capacity;
    }
    this.capacity = capacity;
  }

  private rowError(row: number, column: string, detail: string): DataError {
    return this.noun === 'line'
      ? new DataError(detail, { file: this.file, line: this.places[row]!, column })
      : new DataError(`row ${this.places[row]!}: ${detail}`, { file: this.file, column });
  }
}

/** The first `length` values: a view when the rest is small, else a copy that lets the rest go. */
function fit<T extends Float64Array | Int32Array | Uint32Array>(array: T, length: number): T {
  if (array.length === length) return array;
  return (array.length - length <= length / 64 ? array.subarray(0, length) : array.slice(0, length)) as T;
}

/** A cell as a number (NaN when missing, ±Infinity kept), or undefined when it is text that is not a number. */
function numberOf(cell: Cell): number | undefined {
  if (cell === null) return Number.NaN;
  if (typeof cell === 'number') return cell;
  const text = cell.trim();
  if (isMissing(text)) return Number.NaN;
  return parseNumber(text);
}

/** A cell as text, trimmed, or null when missing; interned when `share`. A number is written as JavaScript writes it. */
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
      throw new DataError(`column ${printable(name)} appears twice (columns ${earlier + 1} and ${index + 1})`, { file, line });
    }
    seen.set(name, index);
  });
}

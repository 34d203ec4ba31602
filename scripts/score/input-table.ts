/**
 * The customer table to score, read by DuckDB in chunks: CSV (plain or gzip) or
 * Parquet, by the file's extension. Only the columns the model reads (and the id)
 * are selected, each as the type the cell rules of ./cells.ts expect:
 * - CSV: every column as text, exactly as written (the header read here, so that
 *   DuckDB never guesses a layout from the data), formula escapes undone as the
 *   trainer undoes them;
 * - Parquet: a numeric feature stored as a number becomes DOUBLE, anything else
 *   text; the id keeps its own type, so that the output carries it unchanged.
 * NULLs are turned into NaN or '' in SQL: both read as missing, and a vector
 * without NULLs is read without its validity mask, several times faster.
 */
import { existsSync, statSync } from 'node:fs';
import type { DuckDBConnection, DuckDBResult, DuckDBType } from '@duckdb/node-api';
import { printable, printableList } from '../data/printable.js';
import { DataError } from '../data/errors.js';
import { unescapeFormulaCell } from '../data/formula-cells.js';
import { readCsvHeader } from '../log-to-table/header.js';
import { ident, literal } from '../log-to-table/sql.js';
import type { Feature } from '../../src/spec/feature-spec.js';

export type TableFormat = 'csv' | 'parquet';

/** The format a path names: `.parquet`, or `.csv` / `.csv.gz`; anything else is refused. */
export function tableFormat(path: string, flag: string): TableFormat {
  if (/\.parquet$/i.test(path)) return 'parquet';
  if (/\.csv(\.gz)?$/i.test(path)) return 'csv';
  throw new DataError(`${flag}: expected a .csv, .csv.gz or .parquet file name (the format follows the extension)`, { file: path });
}

/** How each selected feature column arrives in a chunk. */
export type ColumnKind = 'number' | 'text';

export interface InputColumns {
  /** Per spec feature, in spec order: how its column arrives (`number`: DOUBLE, NaN = missing). */
  kinds: ColumnKind[];
  /** The id column's DuckDB type when an id was asked for. */
  idType: DuckDBType | undefined;
  /** Rows in the table when cheap to know (Parquet metadata); undefined for CSV. */
  rows: number | undefined;
}

export interface InputTable extends InputColumns {
  file: string;
  format: TableFormat;
  /** Starts the scan; chunks hold the features in spec order, then the id. */
  scan(db: DuckDBConnection): Promise<DuckDBResult>;
}

const NUMERIC_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL\(\d+,\s*\d+\))$/;

/**
 * Opens `file` and checks that it holds every feature of the spec (and the id
 * column, if named). Throws DataError naming the missing columns and the ones present.
 */
export async function openInputTable(db: DuckDBConnection, file: string, features: readonly Feature[], id: string | undefined): Promise<InputTable> {
  const format = tableFormat(file, '--data');
  if (!existsSync(file)) throw new DataError('no such file', { file });
  if (statSync(file).isDirectory()) throw new DataError('it is a directory', { file });
  const source = format === 'csv' ? await csvSource(file) : await parquetSource(db, file);
  const wanted = [...features.map((f) => f.name), ...(id === undefined ? [] : [id])];
  const missing = wanted.filter((name) => !source.columns.has(name));
  if (missing.length > 0) {
    const list = printableList(missing);
    const present = printableList([...source.columns.keys()]);
    throw new DataError(`missing column${missing.length > 1 ? 's' : ''} ${list} (the model reads ${features.length} features${id === undefined ? '' : ' and --id'}); the file has ${present}`, { file });
  }

  const kinds: ColumnKind[] = [];
  const select: string[] = [];
  for (const feature of features) {
    const column = source.columns.get(feature.name)!;
    if (feature.type === 'numeric' && NUMERIC_TYPES.test(column.type)) {
      kinds.push('number');
      select.push(`COALESCE(CAST(${ident(column.raw)} AS DOUBLE), 'NaN'::DOUBLE)`);
    } else {
      kinds.push('text');
      select.push(`COALESCE(CAST(${ident(column.raw)} AS VARCHAR), '')`);
    }
  }
  const idColumn = id === undefined ? undefined : source.columns.get(id)!;
  // A CSV id is text as the trainer reads it: a formula escape undone (scripts/data/formula-cells.ts), trimmed.
  if (idColumn !== undefined) select.push(format === 'csv' ? `TRIM(${unescapedFormulaSql(ident(idColumn.raw))})` : ident(idColumn.raw));
  const sql = `SELECT ${select.join(', ')} FROM ${source.from}`;
  let idType: DuckDBType | undefined;
  if (idColumn !== undefined) {
    const described = await db.runAndReadAll(`SELECT * FROM (${sql}) LIMIT 0`);
    idType = described.columnType(select.length - 1);
  }
  return {
    file,
    format,
    kinds,
    idType,
    rows: source.rows,
    scan: (connection) => connection.stream(sql).catch((error: unknown) => { throw readError(error, file); }),
  };
}

interface Source {
  /** Column name as the trainer sees it (trimmed for CSV) → raw name and DuckDB type. */
  columns: Map<string, { raw: string; type: string }>;
  from: string;
  rows: number | undefined;
}

async function csvSource(file: string): Promise<Source> {
  const header = await readCsvHeader(file, ',');
  const columns = new Map<string, { raw: string; type: string }>();
  header.forEach((raw, index) => {
    const name = unescapeFormulaCell(raw).trim();
    if (name === '') throw new DataError(`column ${index + 1} of the header has no name`, { file, line: 1 });
    if (columns.has(name)) throw new DataError(`column ${printable(name)} appears twice`, { file, line: 1 });
    columns.set(name, { raw, type: 'VARCHAR' });
  });
  const types = header.map((raw) => `${literal(raw)}: 'VARCHAR'`).join(', ');
  // The dialect is the trainer's: comma, RFC 4180 quotes, a header line; nothing sniffed.
  const from = `read_csv(${literal(file)}, header = true, auto_detect = false, columns = {${types}}, delim = ',', quote = '"', escape = '"')`;
  return { columns, from, rows: undefined };
}

async function parquetSource(db: DuckDBConnection, file: string): Promise<Source> {
  const from = `read_parquet(${literal(file)})`;
  try {
    const described = (await db.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${from})`)).getRowsJS();
    const columns = new Map(described.map(([name, type]) => [String(name), { raw: String(name), type: String(type) }]));
    const rows = Number((await db.runAndReadAll(`SELECT COUNT(*) FROM ${from}`)).getRowsJS()[0]![0]);
    return { columns, from, rows };
  } catch (error) {
    throw readError(error, file);
  }
}

/** A text expression with a formula escape undone, as scripts/data/formula-cells.ts's unescapeFormulaCell does. */
function unescapedFormulaSql(expr: string): string {
  return `CASE WHEN regexp_matches(${expr}, '^''+[=+\\-@\\t\\r]') THEN substr(${expr}, 2) ELSE ${expr} END`;
}

/** DuckDB's reader errors as the trainer words them; others keep DuckDB's first line. */
export function readError(error: unknown, file: string): DataError {
  if (error instanceof DataError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const line = /CSV Error on Line: (\d+)/.exec(message)?.[1];
  const count = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  if (line !== undefined && count !== null) {
    return new DataError(`the record has ${count[2]} field${count[2] === '1' ? '' : 's'}, but the header has ${count[1]}`, { file, line: Number(line) });
  }
  const first = message.split('\n').find((l) => l.trim() !== '') ?? message;
  const hint = /Out of Memory/i.test(message) ? '; give DuckDB more with --memory-limit' : '';
  return new DataError(`cannot read the table: ${first}${hint}`, line === undefined ? { file } : { file, line: Number(line) });
}

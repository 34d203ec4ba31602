/**
 * Reads the transaction log into DuckDB and turns it into the `transactions` table
 * the SQL files read (see sql/lines.sql for its columns). This is the one
 * engine-specific step: reading CSV, gzip, Parquet or whitespace-separated text,
 * parsing dates, and checking every value with the line it came from, so that bad
 * input stops with `file: line 17, column "amount": expected a number, got "abc"`
 * before anything is written.
 */
import { mkdtempSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DataError, plural } from '../data/errors.js';
import type { FeaturesConfig } from './config.js';
import { readCsvHeader } from './header.js';
import { ident, literal } from './sql.js';
import { printable, printableList } from '../data/printable.js';

export interface LoadReport {
  /** Data lines in the file. */
  lines: number;
  /** Lines dropped because the customer id is empty. */
  linesWithoutCustomer: number;
  /** First and last calendar day in the log (ISO), over lines with a customer. */
  firstDay: string;
  lastDay: string;
}

/** Type of amounts and quantities: exact to a millionth, below 10^12. Sums widen to 128 bits by themselves. */
const EXACT = 'DECIMAL(18, 6)';
/** quantity × unit price: up to 10^24. */
const WIDE = 'DECIMAL(38, 6)';

/** How a data row maps to a place in the file, for messages. */
interface RowPlace {
  /** SQL expression of the place number of a row of `raw`. */
  expr: string;
  /** 'line' for text files (header = line 1), 'row' for Parquet (1-based). */
  noun: 'line' | 'row';
}

export async function loadTransactions(db: DuckDBConnection, config: FeaturesConfig): Promise<LoadReport> {
  const file = config.transactions;
  const place = await readRaw(db, config);
  const types = await checkColumns(db, config);
  const c = config.columns;
  const text = (name: string) => asText(name, types.get(name));
  const customer = `NULLIF(TRIM(${text(c.customer)}), '')`;
  const withCustomer = `${customer} IS NOT NULL`;

  // Every value is checked in one pass; the first bad line (over all columns) is reported.
  const checks: Check[] = [];
  for (const name of [c.amount, c.quantity, c.unitPrice]) {
    if (name === undefined) continue;
    // NaN, infinities and magnitudes from 1e12 up count as bad too: they would not fit the exact type below.
    const value = `TRY_CAST(TRIM(CAST(${ident(name)} AS VARCHAR)) AS DOUBLE)`;
    checks.push({ column: name, bad: `${value} IS NULL OR NOT isfinite(${value}) OR ABS(${value}) >= 1e12`, expected: 'expected a number' });
  }
  const timestamp = timestampExpr(c.date, config.dateFormat);
  const expected = config.dateFormat === undefined ? 'expected a date (YYYY-MM-DD, optionally with a time)' : `expected a date in the format ${config.dateFormat}`;
  checks.push({ column: c.date, bad: `${timestamp} IS NULL`, expected });
  await firstBad(db, place, file, withCustomer, checks);

  // Amounts and quantities as exact decimals (6 places): their sums are then the same
  // whatever order DuckDB's threads add them in, so the same log gives the same bytes.
  // Values are below 1e12 (checked above), so they fit 64-bit decimals, several times
  // faster than 128-bit ones; a product of two may not, hence the wider type for it.
  const number = (name: string) => `CAST(CAST(TRIM(CAST(${ident(name)} AS VARCHAR)) AS DOUBLE) AS ${EXACT})`;
  const amount = c.amount !== undefined ? number(c.amount) : `CAST(${number(c.quantity!)} * ${number(c.unitPrice!)} AS ${WIDE})`;
  const quantity = c.quantity !== undefined ? number(c.quantity) : `CAST(NULL AS ${EXACT})`;
  // Without an order column an order is a distinct (customer, timestamp).
  const order = c.order !== undefined ? 'order_text' : 'CAST(ts AS VARCHAR)';
  const product = c.product !== undefined ? text(c.product) : 'CAST(NULL AS VARCHAR)';
  const attributes = c.attributes.map((name, i) => `, ${text(name)} AS attr_${i + 1}`).join('');
  await db.run(`
    CREATE TABLE transactions AS
    SELECT customer_id, file_line, ts,
      CAST(date_diff('day', DATE '1970-01-01', CAST(ts AS DATE)) AS INTEGER) AS day,
      amount, quantity, ${order} AS order_id, product${c.attributes.map((_, i) => `, attr_${i + 1}`).join('')}
    FROM (
      SELECT ${customer} AS customer_id, ${place.expr} AS file_line, ${timestamp} AS ts,
        ${amount} AS amount, ${quantity} AS quantity, ${product} AS product${attributes}
        ${c.order !== undefined ? `, ${text(c.order)} AS order_text` : ''}
      FROM raw
      WHERE ${withCustomer}
    ) typed`);

  const totals = await db.runAndReadAll(`
    SELECT (SELECT COUNT(*) FROM raw), (SELECT COUNT(*) FROM transactions),
      (SELECT CAST(CAST(MIN(ts) AS DATE) AS VARCHAR) FROM transactions),
      (SELECT CAST(CAST(MAX(ts) AS DATE) AS VARCHAR) FROM transactions)`);
  const [lines, kept, firstDay, lastDay] = totals.getRowsJS()[0]!;
  await db.run('DROP TABLE raw');
  if (Number(kept) === 0) throw new DataError('no line has a customer id', { file, column: c.customer });
  return { lines: Number(lines), linesWithoutCustomer: Number(lines) - Number(kept), firstDay: String(firstDay), lastDay: String(lastDay) };
}

/**
 * Runs `read` with the path DuckDB is to read, and the local files it names. DuckDB reads
 * a path holding `*`, `?` or `[` as a glob (`a*.csv` read `ab.csv` too) and one with a
 * scheme (`https://`, `s3://`) as a remote file; the transactions are the one local file
 * named, so DuckDB is handed a link to it, in a fresh directory, under a plain name.
 * With `--transactions-glob` the pattern is DuckDB's to expand, as asked; it must match
 * a file, and not the output.
 */
async function withSource<T>(db: DuckDBConnection, config: FeaturesConfig, read: (path: string, files: string[]) => Promise<T>): Promise<T> {
  const file = config.transactions;
  if (config.glob) {
    const files = (await db.runAndReadAll(`SELECT file FROM glob(${literal(file)}) ORDER BY file`)).getRowsJS().map((row) => String(row[0]));
    if (files.length === 0) throw new DataError('no file matches this pattern', { file });
    const out = canonical(config.out);
    if (files.some((f) => canonical(f) === out)) throw new DataError(`the pattern matches --out ${config.out}; write the output elsewhere`, { file });
    return read(file, files);
  }
  let stat;
  try {
    stat = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataError(`cannot read the transactions: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`, { file });
  }
  if (!stat.isFile()) throw new DataError('cannot read the transactions: not a file', { file });
  const dir = mkdtempSync(join(tmpdir(), 'ltv-features-input-'));
  try {
    // The extension stays: DuckDB decompresses by it (.gz, .zst).
    const link = join(dir, `transactions${extname(file).replace(/[^.\w]/g, '')}`);
    symlinkSync(resolve(file), link);
    return await read(link, [file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** Creates `raw`: the file's columns as read, in file order (DuckDB keeps insertion order). */
async function readRaw(db: DuckDBConnection, config: FeaturesConfig): Promise<RowPlace> {
  return withSource(db, config, (source, files) => readRawFrom(db, config, source, files));
}

async function readRawFrom(db: DuckDBConnection, config: FeaturesConfig, source: string, files: string[]): Promise<RowPlace> {
  const path = literal(source);
  // Several files: a row number over all of them, not a line of one.
  const noun = files.length === 1 ? 'line' : 'row';
  try {
    if (config.format === 'parquet') {
      await db.run(`CREATE TABLE raw AS SELECT * FROM read_parquet(${path})`);
      return { expr: 'rowid + 1', noun: 'row' };
    }
    if (config.format === 'whitespace') {
      // Columns separated by runs of blanks (CDNOW's layout): read whole lines, split them.
      await db.run(`CREATE TABLE text_lines AS SELECT line FROM read_csv(${path}, columns = {'line': 'VARCHAR'}, header = false, delim = '\x01', quote = '', escape = '')`);
      const header = (await db.runAndReadAll(`SELECT regexp_split_to_array(TRIM(line), '\\s+') FROM text_lines WHERE rowid = 0`)).getRowsJS()[0]?.[0];
      if (!Array.isArray(header)) throw new DataError('the file is empty', { file: config.transactions });
      const names = header.map(String);
      const columns = names.map((name, i) => `f[${i + 1}] AS ${ident(name)}`).join(', ');
      await db.run(`
        CREATE TABLE raw AS SELECT ${columns}, line_number AS __line FROM (
          SELECT rowid + 1 AS line_number, regexp_split_to_array(TRIM(line), '\\s+') AS f
          FROM text_lines WHERE rowid > 0 AND TRIM(line) <> '' ORDER BY rowid
        ) split`);
      await db.run('DROP TABLE text_lines');
      return { expr: '__line', noun: 'line' };
    }
    const delimiter = config.delimiter ?? ',';
    const header = await readCsvHeader(files[0]!, delimiter);
    for (const other of files.slice(1)) {
      const its = await readCsvHeader(other, delimiter);
      if (its.join('\u0000') !== header.join('\u0000')) {
        throw new DataError(`its header (${printableList(its)}) differs from that of ${files[0]} (${printableList(header)})`, { file: other, line: 1 });
      }
    }
    const columns = header.map((name) => `${literal(name)}: 'VARCHAR'`).join(', ');
    await db.run(`CREATE TABLE raw AS SELECT * FROM read_csv(${path}, header = true, auto_detect = false,
      columns = {${columns}}, delim = ${literal(delimiter)}, quote = '"', escape = '"')`);
    return noun === 'line' ? { expr: 'rowid + 2', noun } : { expr: 'rowid + 1', noun };
  } catch (error) {
    if (error instanceof DataError) throw error;
    // DuckDB's message names the path it was given (the link): say the file's own name.
    const message = error instanceof Error ? error.message.replaceAll(source, config.transactions) : String(error);
    throw readError(new Error(message), config.transactions);
  }
}

/** Checks that every named column exists; returns the type of each column of `raw`. */
async function checkColumns(db: DuckDBConnection, config: FeaturesConfig): Promise<Map<string, string>> {
  const described = (await db.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE raw)`)).getRowsJS();
  const types = new Map(described.map((row) => [String(row[0]), String(row[1])]));
  const present = [...types.keys()];
  const c = config.columns;
  const wanted = [
    ['--customer', c.customer], ['--date', c.date], ['--amount', c.amount], ['--quantity', c.quantity],
    ['--unit-price', c.unitPrice], ['--order', c.order], ['--product', c.product],
    ...c.attributes.map((name) => ['--attribute', name]),
  ].filter((pair): pair is [string, string] => pair[1] !== undefined);
  const missing = wanted.filter(([, name]) => !present.includes(name));
  if (missing.length > 0) {
    const list = missing.map(([option, name]) => `${printable(name)} (${option})`).join(', ');
    const shown = printableList(present.filter((name) => name !== '__line'));
    throw new DataError(`missing column${missing.length > 1 ? 's' : ''} ${list}; the file has ${shown}`, { file: config.transactions });
  }
  return types;
}

/**
 * A column as text. Parquet files often store integer ids as floating point
 * (Online Retail's CustomerID 12346 as 12346.0): whole numbers lose the ".0" so
 * that the Parquet and the CSV of one log give the same ids.
 */
function asText(name: string, type: string | undefined): string {
  const column = ident(name);
  if (type === 'DOUBLE' || type === 'FLOAT') {
    return `CASE WHEN ${column} = TRUNC(${column}) THEN CAST(CAST(${column} AS BIGINT) AS VARCHAR) ELSE CAST(${column} AS VARCHAR) END`;
  }
  return `CAST(${column} AS VARCHAR)`;
}

/** A value check: `bad` is true on a row whose `column` cannot be used. */
interface Check {
  column: string;
  bad: string;
  expected: string;
}

/** Throws for the first line (over all checks) where a check fails, with its value. */
async function firstBad(db: DuckDBConnection, place: RowPlace, file: string, where: string, checks: Check[]): Promise<void> {
  const firsts = (await db.runAndReadAll(`
    SELECT ${checks.map((check) => `MIN(CASE WHEN ${check.bad} THEN ${place.expr} END)`).join(', ')}
    FROM raw WHERE ${where}`)).getRowsJS()[0]!;
  let worst: { check: Check; at: number } | undefined;
  checks.forEach((check, i) => {
    const at = firsts[i];
    if (at !== null && at !== undefined && (worst === undefined || Number(at) < worst.at)) worst = { check, at: Number(at) };
  });
  if (worst === undefined) return;
  const { check, at } = worst;
  const cell = (await db.runAndReadAll(`SELECT CAST(${ident(check.column)} AS VARCHAR) FROM raw WHERE ${place.expr} = ${at}`)).getRowsJS()[0]?.[0];
  const value = cell === null || cell === undefined ? '' : String(cell);
  const prefix = place.noun === 'row' ? `row ${at}: ` : '';
  const location = place.noun === 'line' ? { file, line: at, column: check.column } : { file, column: check.column };
  throw new DataError(`${prefix}${check.expected}, got ${JSON.stringify(value)}`, location);
}

function timestampExpr(column: string, format: string | undefined): string {
  const text = `TRIM(CAST(${ident(column)} AS VARCHAR))`;
  return format === undefined ? `TRY_CAST(${text} AS TIMESTAMP)` : `TRY_STRPTIME(${text}, ${literal(format)})`;
}

/** DuckDB's reader errors, said the way the trainer says them; others keep DuckDB's first line. */
function readError(error: unknown, file: string): DataError {
  const message = error instanceof Error ? error.message : String(error);
  const line = /CSV Error on Line: (\d+)/.exec(message)?.[1];
  const count = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  if (line !== undefined && count !== null) {
    return new DataError(`the record has ${plural(Number(count[2]), 'field')}, but the header has ${count[1]}`, { file, line: Number(line) });
  }
  if (line !== undefined) return new DataError(message.split('\n').slice(0, 3).join('; '), { file, line: Number(line) });
  return new DataError(`cannot read the transactions: ${message.split('\n')[0]}`, { file });
}

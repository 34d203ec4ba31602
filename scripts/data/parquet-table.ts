/**
 * A customer table in Parquet, read by DuckDB in chunks into the same typed table
 * as a CSV (./table-builder.ts), by the same rules: a column stored as a number is
 * numbers (NULL and NaN missing); any other column is read as text, as a CSV cell
 * would be. Rows are named by their 1-based row in messages (`row 8: …`).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { DataError } from './errors.js';
import { type Cell, TableBuilder } from './table-builder.js';
import type { Table, TableOptions } from './table.js';

const NUMERIC_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL\(\d+,\s*\d+\))$/;

export async function readParquetTable(file: string, options: TableOptions = {}): Promise<Table> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const from = `read_parquet('${file.replaceAll("'", "''")}')`;
    const described = await run(db, file, `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${from})`);
    const names = described.map(([name]) => String(name));
    const numeric = described.map(([, type]) => NUMERIC_TYPES.test(String(type)));
    // NULLs as NaN or '': both read as missing, and a vector without NULLs is read without its validity mask.
    const select = names.map((name, i) => {
      const column = `"${name.replaceAll('"', '""')}"`;
      return numeric[i] ? `COALESCE(CAST(${column} AS DOUBLE), 'NaN'::DOUBLE)` : `COALESCE(CAST(${column} AS VARCHAR), '')`;
    });
    const sql = `SELECT ${select.join(', ')} FROM ${from}`;
    const count = Number((await run(db, file, `SELECT COUNT(*) FROM ${from}`))[0]![0]);
    if (count === 0) throw new DataError('the file has a header but no data rows', { file });
    const builder = new TableBuilder(file, options, 'row', count);
    builder.setHeader(names, 0);
    await forEachRow(db, file, sql, names.length, (cells, row) => builder.add(cells, row + 1, JSON.stringify(cells)));
    const columns = builder.rereadColumns();
    if (columns.length > 0) await forEachRow(db, file, sql, names.length, (cells, row) => builder.reread(cells, row, columns));
    return builder.finish(await sha256Of(file));
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

/** Streams the rows of `sql`, each as an array of cells (reused: copy what is kept); returns the row count. */
async function forEachRow(db: DuckDBConnection, file: string, sql: string, width: number, onRow: (cells: Cell[], row: number) => void): Promise<number> {
  let row = 0;
  const cells = new Array<Cell>(width);
  const result = await reading(file, () => db.stream(sql));
  for (let chunk = await reading(file, () => result.fetchChunk()); chunk !== null && chunk.rowCount > 0; chunk = await reading(file, () => result.fetchChunk())) {
    const vectors = Array.from({ length: width }, (_, c) => chunk.getColumnVector(c));
    for (let r = 0; r < chunk.rowCount; r++) {
      for (let c = 0; c < width; c++) cells[c] = vectors[c]!.getItem(r) as Cell;
      onRow(cells, row++);
    }
  }
  return row;
}

/** A DuckDB call whose failure is the file's: said as a DataError. */
async function reading<T>(file: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw readError(error, file);
  }
}

async function run(db: DuckDBConnection, file: string, sql: string): Promise<unknown[][]> {
  return (await reading(file, () => db.runAndReadAll(sql))).getRowsJS();
}

function readError(error: unknown, file: string): DataError {
  if (error instanceof DataError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/No files found|does not exist/i.test(message)) return new DataError('no such file', { file });
  return new DataError(`cannot read it as Parquet: ${message.split('\n')[0]}`, { file });
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Small customer tables for the batch scorer's tests: the generator's CSV (missing
 * tokens, outliers and duplicates included) and the same table as Parquet, written
 * by DuckDB with the numeric columns as DOUBLE; and reading a scored table back.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { generateCustomers, toCsv } from '../../../scripts/data/generate.js';
import { literal } from '../../../scripts/log-to-table/sql.js';

export async function customerTables(dir: string, rows: number, seed: number): Promise<{ csv: string; parquet: string }> {
  const table = generateCustomers({ rows, seed });
  const csv = join(dir, `customers-${rows}-${seed}.csv`);
  writeFileSync(csv, toCsv(table));
  const parquet = csv.replace(/\.csv$/, '.parquet');
  const text = new Set(['customer_id', 'channel', 'country']);
  const select = table.header.map((name) => (text.has(name) ? `"${name}"` : `TRY_CAST(TRIM("${name}") AS DOUBLE) AS "${name}"`)).join(', ');
  await withDuckDB(async (db) => {
    await db.run(`COPY (SELECT ${select} FROM read_csv(${literal(csv)}, all_varchar = true)) TO ${literal(parquet)} (FORMAT parquet)`);
  });
  return { csv, parquet };
}

/** Every row of a CSV or Parquet file as plain JS values (FLOAT columns as the float32 numbers they hold). */
export async function readRows(path: string): Promise<Record<string, unknown>[]> {
  return withDuckDB(async (db) => {
    const from = path.endsWith('.parquet') ? `read_parquet(${literal(path)})` : `read_csv(${literal(path)}, all_varchar = true)`;
    const reader = await db.runAndReadAll(`SELECT * FROM ${from}`);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  });
}

export async function parquetMetadata(path: string): Promise<Record<string, string>> {
  return withDuckDB(async (db) => {
    const rows = (await db.runAndReadAll(`SELECT decode(key), decode(value) FROM parquet_kv_metadata(${literal(path)})`)).getRowsJS();
    return Object.fromEntries(rows.map(([k, v]) => [String(k), String(v)]));
  });
}

export async function withDuckDB<T>(use: (db: Awaited<ReturnType<DuckDBInstance['connect']>>) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    return await use(db);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

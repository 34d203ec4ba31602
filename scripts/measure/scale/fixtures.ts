/**
 * The tables and logs of growing size that `npm run bench:scale` runs on, written
 * once into its work directory and reused between runs:
 * - customers: the generator's table (scripts/data/generate.ts, seed 42) of
 *   BASE_CUSTOMERS rows, repeated with fresh ids up to the size asked for, as
 *   Parquet (numeric columns DOUBLE) and as CSV. Repeating rows costs the scorer
 *   and the trainer exactly what new rows would: nothing is cached by value.
 * - logs: the log generator's output (scripts/log-to-table/log-generator.ts, seed
 *   42) up to BASE_LOG_LINES lines; a larger log is that log repeated with customer
 *   and order ids suffixed `-k`, so that lines and customers grow by the same factor
 *   and per-customer work stays alike (generating 100 M lines in JavaScript would
 *   take longer than the measurement).
 * DuckDB does the repeating and the conversions.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { generateCustomers, toCsv } from '../../data/generate.js';
import { generateLog } from '../../log-to-table/log-generator.js';
import { literal } from '../../log-to-table/sql.js';

export const BASE_CUSTOMERS = 100_000;
export const BASE_LOG_LINES = 10_000_000;
const SEED = 42;

async function withDuckDB(use: (db: Awaited<ReturnType<DuckDBInstance['connect']>>) => Promise<void>): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    await use(db);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

/** `rows` customers as Parquet and as CSV in `dir` (made if missing, else reused). */
export async function customerTables(dir: string, rows: number, log: (text: string) => void): Promise<{ parquet: string; csv: string }> {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `customers-base-${BASE_CUSTOMERS}.csv`);
  if (!existsSync(base)) {
    log(`generating ${BASE_CUSTOMERS.toLocaleString('en')} customers …`);
    writeFileSync(`${base}.partial`, toCsv(generateCustomers({ rows: BASE_CUSTOMERS, seed: SEED })));
    renameSync(`${base}.partial`, base);
  }
  const parquet = join(dir, `customers-${rows}.parquet`);
  const csv = join(dir, `customers-${rows}.csv`);
  if (existsSync(parquet) && existsSync(csv)) return { parquet, csv };
  log(`writing ${rows.toLocaleString('en')} customers as Parquet and CSV …`);
  const text = new Set(['customer_id', 'channel', 'country']);
  await withDuckDB(async (db) => {
    await db.run(`CREATE TABLE base AS SELECT *, row_number() OVER () - 1 AS base_row FROM read_csv(${literal(base)}, all_varchar = true)`);
    const header = (await db.runAndReadAll(`SELECT column_name FROM (DESCRIBE base) WHERE column_name <> 'base_row'`)).getRowsJS().map(([name]) => String(name));
    const select = header.map((name) =>
      name === 'customer_id' ? `'C' || lpad(CAST(r.range * ${BASE_CUSTOMERS} + b.base_row AS VARCHAR), 10, '0') AS customer_id`
        : text.has(name) ? `b."${name}"` : `TRY_CAST(TRIM(b."${name}") AS DOUBLE) AS "${name}"`);
    const rowsSql = `SELECT ${select.join(', ')} FROM range(${Math.ceil(rows / BASE_CUSTOMERS)}) r, base b ORDER BY r.range, b.base_row LIMIT ${rows}`;
    await db.run(`COPY (${rowsSql}) TO ${literal(`${parquet}.partial`)} (FORMAT parquet)`);
    await db.run(`COPY (SELECT * FROM read_parquet(${literal(`${parquet}.partial`)})) TO ${literal(`${csv}.partial`)} (FORMAT csv, HEADER true)`);
  });
  renameSync(`${parquet}.partial`, parquet);
  renameSync(`${csv}.partial`, csv);
  return { parquet, csv };
}

/** A transaction log of `lines` lines (≤ BASE_LOG_LINES, or a multiple of it) in `dir`. */
export async function transactionLog(dir: string, lines: number, log: (text: string) => void): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `log-${lines}.csv`);
  if (existsSync(path)) return path;
  if (lines <= BASE_LOG_LINES) {
    log(`generating a log of ${lines.toLocaleString('en')} lines …`);
    const file = createWriteStream(`${path}.partial`);
    await generateLog({ lines, seed: SEED }, async (chunk) => {
      if (!file.write(chunk)) await once(file, 'drain');
    });
    file.end();
    await once(file, 'close');
  } else {
    if (lines % BASE_LOG_LINES !== 0) throw new RangeError(`a log above ${BASE_LOG_LINES} lines must be a multiple of it, got ${lines}`);
    const base = await transactionLog(dir, BASE_LOG_LINES, log);
    log(`writing a log of ${lines.toLocaleString('en')} lines (the ${BASE_LOG_LINES.toLocaleString('en')}-line log × ${lines / BASE_LOG_LINES}) …`);
    await withDuckDB(async (db) => {
      await db.run(`COPY (
        SELECT customer_id || '-' || r.range AS customer_id, order_id || '-' || r.range AS order_id, timestamp, product, quantity, unit_price, country
        FROM range(${lines / BASE_LOG_LINES}) r, read_csv(${literal(base)}, all_varchar = true)
      ) TO ${literal(`${path}.partial`)} (FORMAT csv, HEADER true)`);
    });
  }
  renameSync(`${path}.partial`, path);
  return path;
}

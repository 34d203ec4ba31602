/**
 * Transaction log → per-customer feature table, end to end: load and check the log
 * (load.ts), fix the windows, run the SQL definitions (sql/*.sql) in DuckDB, and
 * write the CSV the trainer reads — id first, features, target last — to a
 * temporary file renamed into place only when everything succeeded.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { UsageError } from '../cli/args.js';
import { printable } from '../data/printable.js';
import { DataError } from '../data/errors.js';
import { escapeFormulaCell } from '../data/formula-cells.js';
import { DEFAULT_MEMORY_LIMIT, type FeaturesConfig } from './config.js';
import { type LoadReport, loadTransactions } from './load.js';
import { escapedFormulaSql, ident, literal, readSql } from './sql.js';

/** Feature columns in output order; the ones that need an input column say which; counts are integers. */
export const FEATURE_COLUMNS: readonly { name: string; needs?: 'quantity' | 'product' | 'calibration'; count?: true }[] = [
  { name: 'x_repeat_days', count: true }, { name: 't_x_weeks' }, { name: 'T_weeks' }, { name: 'weeks_since_last' },
  { name: 'n_lines', count: true }, { name: 'log_total_spend' }, { name: 'log_mean_day_spend' }, { name: 'log_max_day_spend' },
  { name: 'log_min_day_spend' }, { name: 'std_log_day_spend' }, { name: 'log_total_qty', needs: 'quantity' },
  { name: 'mean_qty_per_day', needs: 'quantity' }, { name: 'log_first_day_spend' }, { name: 'first_day_qty', needs: 'quantity' },
  { name: 'log_repeat_spend' }, { name: 'mean_interpurchase_weeks' }, { name: 'days_last_13w', count: true },
  { name: 'log_spend_last_13w' }, { name: 'total_spend' }, { name: 'spend_last_13w' },
  { name: 'acq_week', needs: 'calibration' },
  { name: 'log_returns_value' }, { name: 'n_return_lines', count: true }, { name: 'log_net_spend' }, { name: 'net_spend' },
  { name: 'n_orders', count: true }, { name: 'n_distinct_products', needs: 'product', count: true },
  { name: 'mean_day_spend' }, { name: 'max_day_spend' }, { name: 'min_day_spend' }, { name: 'std_day_spend' },
  { name: 'total_qty', needs: 'quantity' }, { name: 'max_qty_per_day', needs: 'quantity' }, { name: 'first_day_spend' },
];

export interface FeaturesSummary extends LoadReport {
  /** Customers written (rows of the output). */
  customers: number;
  /** Customers left out, by reason (none in calibration mode beyond the cohort rule). */
  excluded: { reason: string; count: number }[];
  /** Share of written customers whose target is 0. */
  targetZeroShare: number;
  /** The output's columns, id first and target last. */
  columns: string[];
  /** The windows as ISO days (inclusive), for the summary. */
  window: string;
}

export async function buildFeatures(config: FeaturesConfig): Promise<FeaturesSummary> {
  checkOutputNames(config);
  checkOutputDirectory(config.out);
  // DuckDB works within its memory limit. The log and the tables built from it live in a
  // database file in the spill directory, so that they can leave memory (an in-memory
  // database cannot evict its tables); what queries do not fit in memory spills there too.
  const ownSpillDir = config.spillDir === undefined ? mkdtempSync(join(tmpdir(), 'ltv-table-from-log-spill-')) : undefined;
  const spillDir = config.spillDir ?? ownSpillDir!;
  mkdirSync(spillDir, { recursive: true });
  const database = join(spillDir, `ltv-table-from-log-${process.pid}.duckdb`);
  const instance = await DuckDBInstance.create(database, {
    memory_limit: config.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
    temp_directory: join(spillDir, `ltv-table-from-log-${process.pid}.tmp`),
    // Freed memory goes back to the system as the work goes, not at the end: on a 100-million-line
    // log the process otherwise held ~800 MiB beyond the limit (2,250 MiB peak at 1.5 GB).
    allocator_background_threads: 'true',
    allocator_flush_threshold: '32MB',
  });
  const db = await instance.connect();
  const temporary = `${config.out}.partial-${process.pid}.csv`;
  try {
    const load = await loadTransactions(db, config);
    const window = await defineWindows(db, config, load);
    const excluded = [...await outsideCohort(db, config), ...await excludeIncomplete(db, config)];
    const columns = outputColumns(config);
    // Names and text cells escaped against spreadsheet formulas (scripts/data/formula-cells.ts).
    const select = columns.map(([name, expr]) => `${expr} AS ${ident(escapeFormulaCell(name))}`).join(', ');
    // Ascending id, numerically when ids are numbers ("00012" after "00002"), as the shared tables are.
    await db.run(`CREATE TABLE features AS SELECT ${select} FROM (${featuresSql(config)}) computed
      ORDER BY TRY_CAST(customer_id AS DOUBLE) NULLS LAST, customer_id`);
    await db.run(`COPY features TO ${literal(temporary)} (FORMAT csv, HEADER true)`);
    const target = ident(escapeFormulaCell(config.targetName));
    const stats = (await db.runAndReadAll(`SELECT COUNT(*), AVG(CASE WHEN ${target} = 0 THEN 1.0 ELSE 0.0 END) FROM features`)).getRowsJS()[0]!;
    renameSync(temporary, config.out);
    return { ...load, customers: Number(stats[0]), excluded, targetZeroShare: Number(stats[1] ?? 0), columns: columns.map(([name]) => name), window };
  } finally {
    rmSync(temporary, { force: true });
    db.closeSync();
    instance.closeSync();
    for (const file of [database, `${database}.wal`, `${database}.tmp`]) rmSync(file, { recursive: true, force: true });
    rmSync(join(spillDir, `ltv-table-from-log-${process.pid}.tmp`), { recursive: true, force: true });
    if (ownSpillDir !== undefined) rmSync(ownSpillDir, { recursive: true, force: true });
  }
}

/** Writes `params` and `windows`; stops on an empty or inverted window. */
async function defineWindows(db: DuckDBConnection, config: FeaturesConfig, load: LoadReport): Promise<string> {
  const w = config.window;
  const start = w.calibrationStart ?? load.firstDay;
  const logEnd = `CAST(date_diff('day', DATE '1970-01-01', DATE ${literal(load.lastDay)}) AS INTEGER) + 1`;
  const day = (iso: string) => `CAST(date_diff('day', DATE '1970-01-01', DATE ${literal(iso)}) AS INTEGER)`;
  let description: string;
  if (w.kind === 'calibration') {
    const holdoutEnd = w.holdoutEnd ?? load.lastDay;
    if (start > w.calibrationEnd) throw new DataError(`the calibration window is empty: it starts ${start}, after its end ${w.calibrationEnd}`);
    if (w.calibrationEnd >= holdoutEnd) throw new DataError(`the holdout window is empty: the calibration ends ${w.calibrationEnd}, the holdout ends ${holdoutEnd}${w.holdoutEnd === undefined ? ' (the last day of the log)' : ''}`);
    await db.run(`CREATE TABLE params AS SELECT ${day(start)} AS cal_start_day, ${day(w.calibrationEnd)} + 1 AS cutoff_day,
      ${day(holdoutEnd)} + 1 AS horizon_end_day, 0 AS first_days, 0 AS horizon_days, ${logEnd} AS log_end_day`);
    description = `calibration ${start}..${w.calibrationEnd}, holdout to ${holdoutEnd}`;
  } else {
    await db.run(`CREATE TABLE params AS SELECT ${day(start)} AS cal_start_day, NULL AS cutoff_day, NULL AS horizon_end_day,
      ${w.firstPurchaseDays} AS first_days, ${w.horizonDays} AS horizon_days, ${logEnd} AS log_end_day`);
    description = `new customers from ${start}: features from the first ${w.firstPurchaseDays} days, target over the next ${w.horizonDays}`;
  }
  await db.run(`CREATE VIEW lines AS ${readSql('lines')}`);
  await db.run(`CREATE TABLE windows AS ${readSql(w.kind === 'calibration' ? 'windows_calibration' : 'windows_new_customer')}`);
  const count = Number((await db.runAndReadAll('SELECT COUNT(*) FROM windows')).getRowsJS()[0]![0]);
  if (count === 0) {
    throw new DataError(w.kind === 'calibration'
      ? `the calibration window ${start}..${w.calibrationEnd} holds no purchase line (the log runs ${load.firstDay}..${load.lastDay})`
      : `no customer makes a first purchase on or after ${start} (the log runs ${load.firstDay}..${load.lastDay})`, { file: config.transactions });
  }
  return description;
}

/** Customers of the log the windows left out, and why (before the incomplete-horizon rule). */
async function outsideCohort(db: DuckDBConnection, config: FeaturesConfig): Promise<FeaturesSummary['excluded']> {
  const count = Number((await db.runAndReadAll(
    'SELECT (SELECT COUNT(DISTINCT customer_id) FROM transactions) - (SELECT COUNT(*) FROM windows)')).getRowsJS()[0]![0]);
  if (count === 0) return [];
  const reason = config.window.kind === 'calibration'
    ? 'no purchase line in the calibration window'
    : 'first purchase before the calibration start, or no purchase line at all';
  return [{ reason, count }];
}

/** New-customer mode: drops (and counts) customers whose horizon is cut off by the log's end. */
async function excludeIncomplete(db: DuckDBConnection, config: FeaturesConfig): Promise<FeaturesSummary['excluded']> {
  const incomplete = Number((await db.runAndReadAll('SELECT COUNT(*) FROM windows WHERE NOT horizon_complete')).getRowsJS()[0]![0]);
  if (incomplete === 0) return [];
  await db.run('DELETE FROM windows WHERE NOT horizon_complete');
  const left = Number((await db.runAndReadAll('SELECT COUNT(*) FROM windows')).getRowsJS()[0]![0]);
  if (left === 0) throw new DataError(`no customer has a complete ${config.window.kind === 'new-customer' ? config.window.horizonDays : 0}-day horizon before the log ends`, { file: config.transactions });
  return [{ reason: 'horizon runs past the end of the log', count: incomplete }];
}

function featuresSql(config: FeaturesConfig): string {
  const attributes = config.columns.attributes.map((_, i) => `, f.attr_${i + 1} AS attr_${i + 1}`).join('');
  return readSql('features').replace('{{attributes}}', attributes);
}

/** [output name, expression over the features view, where the name comes from], id first, target last. */
function outputColumns(config: FeaturesConfig): [string, string, string][] {
  const c = config.columns;
  const has = { quantity: c.quantity !== undefined, product: c.product !== undefined, calibration: config.window.kind === 'calibration' };
  const features = FEATURE_COLUMNS.filter((f) => f.needs === undefined || has[f.needs])
    .map((f): [string, string, string] => [f.name, f.count ? ident(f.name) : stable(ident(f.name)), 'a feature']);
  const attributes = c.attributes.map((name, i): [string, string, string] => [name, escapedFormulaSql(`attr_${i + 1}`), 'an attribute (--attribute)']);
  return [
    [c.customer, escapedFormulaSql('customer_id'), 'the customer id (--customer)'],
    ...features,
    ...attributes,
    [config.targetName, stable('target'), 'the target (--target-name)'],
  ];
}

/**
 * Every output column needs its own name, compared as DuckDB compares them (ignoring
 * case): a clash used to end in a DuckDB stack trace (`--target-name customer_id`) or
 * in a column silently renamed `total_spend_1` (`--target-name total_spend`).
 */
function checkOutputNames(config: FeaturesConfig): void {
  const seen = new Map<string, string>();
  for (const [name, , origin] of outputColumns(config)) {
    const key = name.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new UsageError(
        `two output columns would be named ${printable(name)}: ${earlier} and ${origin}; give another --target-name or --attribute ` +
          '(output names must differ, ignoring case)',
      );
    }
    seen.set(key, origin);
  }
}

/** The output goes into an existing directory; DuckDB's error for a missing one was a stack trace. */
function checkOutputDirectory(out: string): void {
  const parent = dirname(resolve(out));
  const stat = statSync(parent, { throwIfNoEntry: false });
  if (stat === undefined) throw new UsageError(`--out ${out}: the directory ${parent} does not exist; create it first`);
  if (!stat.isDirectory()) throw new UsageError(`--out ${out}: ${parent} is not a directory`);
}

/**
 * A number as written: DOUBLE (decimal sums print as 11.770000 otherwise), rounded to
 * 12 significant digits. Sums are exact (load.ts), but STDDEV_SAMP combines per-thread
 * partial results in a varying order, which moves its last bits from run to run;
 * 12 digits keep the output the same for the same log and lose nothing a model uses.
 */
function stable(expr: string): string {
  const x = `CAST(${expr} AS DOUBLE)`;
  return `CASE WHEN ${x} = 0 OR NOT isfinite(${x}) THEN ${x} ELSE ROUND(${x}, 11 - CAST(FLOOR(LOG10(ABS(${x}))) AS INTEGER)) END`;
}

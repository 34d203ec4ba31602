/**
 * `npm run table-from-log` rebuilds the shared feature tables from their logs
 * (../shared/data, or LTV_DATA_DIR; definitions in its FEATURES.md), customer by
 * customer. The shared files are written with 6 significant digits, so a feature
 * matches within 1e-4 relative and the target matches exactly at the precision
 * written (ours rounds to the shared value). Skipped, with a message, where the data is absent.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { featuresConfig, type FeatureOptionValues } from '../../../scripts/log-to-table/args.js';
import { buildFeatures } from '../../../scripts/log-to-table/build.js';
import { sharedDataDir } from '../../../scripts/data/shared-data.js';

const dataDir = sharedDataDir();
const present = existsSync(join(dataDir, 'features')) && existsSync(join(dataDir, 'cdnow')) && existsSync(join(dataDir, 'online-retail'));
if (!present) console.warn(`feature reproduction tests skipped: ${dataDir} (features/, cdnow/, online-retail/) not found (set LTV_DATA_DIR)`);

const dir = mkdtempSync(join(tmpdir(), 'ltv-features-repro-'));

interface Table { header: string[]; rows: string[][] }

/** The tables hold plain numbers and ids: no quoting to undo. */
function readTable(path: string): Table {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  return { header: head!.split(','), rows: lines.map((line) => line.split(',')) };
}

const RESIDUE = 1e-9;
/**
 * Whether `ours` rounds to `written`, a value written with 6 significant digits: within half
 * a unit of its 6th digit. Not `toPrecision(6)` equality: a sum landing on a tie
 * (13033.55 as 13033.550000000005 here, 13033.549999… in the reference) rounds either way.
 */
function roundsTo(ours: number, written: number): boolean {
  if (written === 0) return ours === 0;
  const unit = 10 ** (Math.floor(Math.log10(Math.abs(written))) - 5);
  return Math.abs(ours - written) <= 0.5 * unit * (1 + 1e-9);
}

interface ColumnResult {
  column: string;
  /** Largest |ours − shared| / |shared| over customers (absolute where shared is 0; both below RESIDUE count as equal). */
  maxRel: number;
  /** Customers whose value does not round to the shared one at its 6 significant digits. */
  differAt6: number;
}

/** Compares, customer by customer in row order, every shared column we also produce (or derive). */
function compare(ours: Table, shared: Table, derived: Record<string, (row: string[], col: (name: string) => number) => number> = {}): ColumnResult[] {
  expect(ours.rows.length).toBe(shared.rows.length);
  const ourIndex = (name: string) => ours.header.indexOf(name);
  const results: ColumnResult[] = [];
  shared.header.forEach((column, j) => {
    const derive = derived[column];
    const i = ourIndex(column);
    if (derive === undefined && i < 0) return;
    let maxRel = 0;
    let differAt6 = 0;
    ours.rows.forEach((row, r) => {
      const ourValue = derive ? derive(row, ourIndex) : Number(row[i]);
      const theirs = Number(shared.rows[r]![j]);
      // A sum of money that cancels out (bought, then all returned) leaves floating-point
      // residue of order 1e-14 whose size depends on summation order: both are zero.
      if (Math.abs(ourValue) < RESIDUE && Math.abs(theirs) < RESIDUE) return;
      maxRel = Math.max(maxRel, Math.abs(ourValue - theirs) / (theirs === 0 ? 1 : Math.abs(theirs)));
      if (!roundsTo(ourValue, theirs)) differAt6++;
    });
    results.push({ column, maxRel, differAt6 });
  });
  return results;
}

function expectReproduced(name: string, ours: Table, shared: Table, results: ColumnResult[]): void {
  const worst = results.reduce((a, b) => (b.maxRel > a.maxRel ? b : a));
  console.info(`${name}: ${ours.rows.length} customers, ${results.length}/${shared.header.length} shared columns matched, ` +
    `max relative difference ${worst.maxRel.toExponential(2)} (${worst.column}); ` +
    `values differing at 6 significant digits: ${results.reduce((s, r) => s + r.differAt6, 0)}`);
  expect(results.map((r) => r.column)).toEqual(shared.header);
  for (const { column, maxRel } of results) expect({ column, within1e4: maxRel <= 1e-4 }).toEqual({ column, within1e4: true });
  const target = results[results.length - 1]!;
  expect(target.column).toBe(shared.header[shared.header.length - 1]);
  expect(target.differAt6).toBe(0);
}

async function rebuild(name: string, options: FeatureOptionValues): Promise<Table> {
  const out = join(dir, `${name}.csv`);
  await buildFeatures(featuresConfig({ ...options, out }));
  return readTable(out);
}

const ONLINE_RETAIL: FeatureOptionValues = {
  customer: 'CustomerID', date: 'InvoiceDate', quantity: 'Quantity', 'unit-price': 'UnitPrice',
  product: 'Description', attribute: ['Country'],
  'calibration-start': '2010-12-01', 'calibration-end': '2011-08-31', 'holdout-end': '2011-12-09',
  'target-name': 'holdout_net_spend_14w',
};
/** Built once from the gzip CSV, compared with the shared table and with the Parquet build. */
let onlineRetailBuild: Promise<Table> | undefined;
const onlineRetail = () => (onlineRetailBuild ??= rebuild('online_retail', { ...ONLINE_RETAIL, transactions: join(dataDir, 'online-retail/online_retail.csv.gz') }));

describe.skipIf(!present)('rebuilding the shared feature tables from their logs', () => {
  it('cdnow_39w: every shared column matches per customer, the target exactly', async () => {
    const ours = await rebuild('cdnow', {
      transactions: join(dataDir, 'cdnow/CDNOW_master.txt'), format: 'whitespace', 'date-format': '%Y%m%d',
      amount: 'dollar_value', quantity: 'number_of_cds',
      'calibration-start': '1997-01-01', 'calibration-end': '1997-09-30', 'holdout-end': '1998-06-30',
      'target-name': 'holdout_spend_39w',
    });
    const shared = readTable(join(dataDir, 'features/cdnow_39w.csv'));
    expect(ours.header[0]).toBe('customer_id');
    expectReproduced('cdnow_39w', ours, shared, compare(ours, shared));
  }, 60_000);

  it('online_retail: every shared column matches per customer (is_uk from the Country attribute), the target exactly', async () => {
    const ours = await onlineRetail();
    const shared = readTable(join(dataDir, 'features/online_retail.csv'));
    // is_uk is not a feature of ours: it is the carried Country attribute, one-hot encoded by the trainer.
    const results = compare(ours, shared, { is_uk: (row, col) => (row[col('Country')] === 'United Kingdom' ? 1 : 0) });
    expectReproduced('online_retail', ours, shared, results);
  }, 60_000);

  it('reads the Online Retail Parquet file to the same bytes as its gzip CSV', async () => {
    const parquet = await rebuild('online_retail_parquet', { ...ONLINE_RETAIL, transactions: join(dataDir, 'online-retail/online_retail.parquet') });
    expect(parquet.rows.length).toBe(3317);
    expect(parquet).toEqual(await onlineRetail());
  }, 60_000);
});

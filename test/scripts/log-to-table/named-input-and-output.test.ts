/**
 * What `npm run table-from-log` reads and writes: the one transactions file named (a glob
 * only with --transactions-glob), output column names that cannot clash, an --out in
 * a directory that exists, and cells escaped against spreadsheet formulas that the
 * trainer and publish-store read back exactly.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../scripts/cli/args.js';
import { DataError } from '../../../scripts/data/errors.js';
import { readCsvFile, readTable } from '../../../scripts/data/table.js';
import { type FeatureOptionValues, featuresConfig } from '../../../scripts/log-to-table/args.js';
import { buildFeatures } from '../../../scripts/log-to-table/build.js';

const dir = mkdtempSync(join(tmpdir(), 'ltv-features-io-'));
const HEADER = 'customer_id,date,amount,country';

function log(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${[HEADER, ...lines].join('\n')}\n`);
  return path;
}

let outputs = 0;
async function build(options: FeatureOptionValues): Promise<{ out: string; customers: number }> {
  const out = join(dir, `out-${++outputs}.csv`);
  const summary = await buildFeatures(featuresConfig({ 'calibration-end': '2024-02-01', ...options, out }));
  return { out, customers: summary.customers };
}

async function refusal(options: FeatureOptionValues): Promise<Error> {
  const error = await build(options).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

/** Customers with a line in the calibration window (to 2024-02-01) and one after it. */
const lines = (ids: string[], country = 'SE') => ids.flatMap((id, i) => [`${id},2024-01-0${i + 1},${i + 5},${country}`, `${id},2024-03-0${i + 1},3,${country}`]);
const A = lines(['a1', 'a2']);
const B = lines(['b1', 'b2', 'b3'], 'DE');
/** A CSV field, quoted when it must be. */
const field = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

describe('the transactions file', () => {
  it('is the one file named, even when its name holds glob characters', async () => {
    for (const name of ['a*.csv', 'a?.csv', 'a[b].csv']) {
      const path = log(name, A);
      log('ab.csv', B);
      expect((await build({ transactions: path })).customers, name).toBe(2);
    }
  });

  it('is a local file: a URL is a file name that does not exist, never a download', async () => {
    const error = await refusal({ transactions: 'https://example.com/orders.csv' });
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe('https://example.com/orders.csv: cannot read the transactions: no such file');
  });

  it('may be several files with --transactions-glob, whose headers must agree', async () => {
    const glob = join(dir, 'glob');
    log('glob-1.csv', A);
    log('glob-2.csv', B);
    expect((await build({ 'transactions-glob': `${glob}-*.csv` })).customers).toBe(5);
    writeFileSync(join(dir, 'glob-3.csv'), 'customer_id,amount,date\nc1,1,2024-01-07\nc1,1,2024-03-07\n');
    const error = await refusal({ 'transactions-glob': `${glob}-*.csv` });
    expect(error.message).toBe(`${join(dir, 'glob-3.csv')}: line 1: its header ("customer_id", "amount", "date") differs from that of ${join(dir, 'glob-1.csv')} ("customer_id", "date", "amount", "country")`);
    expect((await refusal({ 'transactions-glob': join(dir, 'none-*.csv') })).message).toMatch(/none-\*\.csv: no file matches this pattern$/);
    expect(() => featuresConfig({ transactions: 'x.csv', 'transactions-glob': 'y*.csv', out: 'o.csv', 'calibration-end': '2024-02-01' })).toThrow(
      new UsageError('give --transactions FILE or --transactions-glob PATTERN, not both'),
    );
  });
});

describe('the output', () => {
  it('refuses column names that would clash, ignoring case, naming where each comes from', async () => {
    const transactions = log('names.csv', A);
    const cases: [FeatureOptionValues, string][] = [
      [{ 'target-name': 'customer_id' }, 'two output columns would be named "customer_id": the customer id (--customer) and the target (--target-name)'],
      [{ 'target-name': 'TOTAL_SPEND' }, 'two output columns would be named "TOTAL_SPEND": a feature and the target (--target-name)'],
      [{ attribute: 'customer_id' }, 'two output columns would be named "customer_id": the customer id (--customer) and an attribute (--attribute)'],
      [{ attribute: ['country', 'country'] }, 'two output columns would be named "country": an attribute (--attribute) and an attribute (--attribute)'],
    ];
    for (const [options, message] of cases) {
      const error = await refusal({ transactions, ...options });
      expect(error, message).toBeInstanceOf(UsageError);
      expect(error.message).toBe(`${message}; give another --target-name or --attribute (output names must differ, ignoring case)`);
    }
  });

  it('goes into a directory that exists, or is refused before anything runs', async () => {
    const out = join(dir, 'missing', 'deeper', 'f.csv');
    const error = await buildFeatures(featuresConfig({ transactions: log('dir.csv', A), out, 'calibration-end': '2024-02-01' })).then(() => undefined, (e: unknown) => e);
    expect(error).toEqual(new UsageError(`--out ${out}: the directory ${join(dir, 'missing', 'deeper')} does not exist; create it first`));
  });
});

describe('cells a spreadsheet would run as a formula', () => {
  const hostile = ['=HYPERLINK("http://evil.example","x")', '+cmd|calc', '-2+3', '@SUM(A1)', '\tTAB', "'=quoted", '-17'];

  it('are written with a leading quote, numbers and other text as they are, and read back exactly by the trainer', async () => {
    const rows = hostile.flatMap((id, i) => [1, 3].map((month) => `${field(id)},2024-0${month}-0${i + 1},${i + 1},${i % 2 ? '=2*3' : 'SE'}`));
    const { out } = await build({ transactions: log('formula.csv', rows), attribute: 'country' });
    const text = readFileSync(out, 'utf8');
    for (const bad of ['"=HYPERLINK', ',=2*3', '\n+cmd', '\n-2+3', '\n@SUM', '\n\tTAB', "\n'=quoted"]) expect(text, bad).not.toContain(bad);
    const { records } = readCsvFile(out);
    const raw = text.split('\n').slice(1).map((line) => line.split(',')[0]);
    expect(raw).toEqual(expect.arrayContaining(['-17', "'+cmd|calc", "'-2+3", "'@SUM(A1)", "''=quoted"]));
    expect(records.slice(1).map((r) => r.fields[0]).sort()).toEqual([...hostile].sort());
    expect(new Set(records.slice(1).map((r) => r.fields.at(-2)))).toEqual(new Set(['SE', '=2*3']));
    const table = readTable(out, { id: 'customer_id' });
    expect([...table.id!.values].sort()).toEqual(hostile.map((id) => id.trim()).sort());
  });
});

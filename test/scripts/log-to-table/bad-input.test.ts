/**
 * Bad input to `npm run table-from-log`: a message that names the column, the line and
 * the value, and no output file (an existing one is left as it was). The library
 * is driven directly for each case; two runs of the real CLI check the exit codes.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../scripts/cli/args.js';
import { DataError } from '../../../scripts/data/errors.js';
import { type FeatureOptionValues, featuresConfig } from '../../../scripts/log-to-table/args.js';
import { buildFeatures } from '../../../scripts/log-to-table/build.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ltv-features-bad-'));

const GOOD = [
  'customer_id,date,amount',
  'a,2024-01-03,10.5',
  'b,2024-01-04,20',
  'a,2024-02-10,5',
  'c,2024-03-01,7',
  'a,2024-04-02,12',
];

function log(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function failure(options: FeatureOptionValues): Promise<Error> {
  const out = join(dir, `${String(options.transactions).split('/').pop()}.features.csv`);
  writeFileSync(out, 'previous,content\n');
  const error = await buildFeatures(featuresConfig({ 'calibration-end': '2024-02-29', ...options, out })).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  expect(readFileSync(out, 'utf8')).toBe('previous,content\n');
  expect(existsSync(`${out}.partial-${process.pid}.csv`)).toBe(false);
  return error as Error;
}

describe('npm run table-from-log on bad input', () => {
  it('names every missing column and the option that asked for it', async () => {
    const error = await failure({ transactions: log('cols.csv', GOOD), customer: 'client', order: 'invoice' });
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/cols\.csv: missing columns "client" \(--customer\), "invoice" \(--order\); the file has "customer_id", "date", "amount"/);
  });

  it('gives the line and the value of an unparseable amount', async () => {
    const error = await failure({ transactions: log('amount.csv', [...GOOD, 'b,2024-04-05,12.5', 'c,2024-04-06,abc']) });
    expect(error.message).toBe(`${join(dir, 'amount.csv')}: line 8, column "amount": expected a number, got "abc"`);
  });

  it('gives the line of a record with too many fields', async () => {
    const error = await failure({ transactions: log('fields.csv', [...GOOD, 'b,2024-04-05,12,5']) });
    expect(error.message).toBe(`${join(dir, 'fields.csv')}: line 7: the record has 4 fields, but the header has 3`);
  });

  it('treats NaN and absurd magnitudes as unparseable', async () => {
    const nan = await failure({ transactions: log('nan.csv', [...GOOD, 'c,2024-04-06,NaN']) });
    expect(nan.message).toMatch(/nan\.csv: line 7, column "amount": expected a number, got "NaN"/);
    const huge = await failure({ transactions: log('huge.csv', [...GOOD, 'c,2024-04-06,1e300']) });
    expect(huge.message).toMatch(/huge\.csv: line 7, column "amount": expected a number, got "1e300"/);
  });

  it('gives the line and the value of an unparseable date', async () => {
    const error = await failure({ transactions: log('date.csv', [...GOOD.slice(0, 3), 'b,2024-13-45,3', ...GOOD.slice(3)]) });
    expect(error.message).toMatch(/date\.csv: line 4, column "date": expected a date \(YYYY-MM-DD, optionally with a time\), got "2024-13-45"/);
  });

  it('checks dates against --date-format', async () => {
    const error = await failure({ transactions: log('format.csv', ['customer_id,date,amount', 'a,20240103,1', 'b,2024-01-04,2']), 'date-format': '%Y%m%d' });
    expect(error.message).toMatch(/format\.csv: line 3, column "date": expected a date in the format %Y%m%d, got "2024-01-04"/);
  });

  it('refuses an empty calibration window', async () => {
    const error = await failure({ transactions: log('empty.csv', GOOD), 'calibration-start': '2023-01-01', 'calibration-end': '2023-06-30' });
    expect(error.message).toMatch(/calibration window 2023-01-01\.\.2023-06-30 holds no purchase line \(the log runs 2024-01-03\.\.2024-04-02\)/);
  });

  it('refuses a calibration end after the holdout end, and other contradictory windows', () => {
    const config = (extra: FeatureOptionValues) => () => featuresConfig({ transactions: 'x.csv', out: 'y.csv', ...extra });
    expect(config({ 'calibration-end': '2024-05-01', 'holdout-end': '2024-04-01' })).toThrow(new UsageError('--calibration-end 2024-05-01 must be before --holdout-end 2024-04-01'));
    expect(config({ 'calibration-start': '2024-05-01', 'calibration-end': '2024-04-01' })).toThrow(/--calibration-start 2024-05-01 is after --calibration-end 2024-04-01/);
    expect(config({ 'calibration-end': '2024-02-30' })).toThrow(/--calibration-end: expected a date YYYY-MM-DD, got "2024-02-30"/);
    expect(config({ 'first-purchase-days': '30' })).toThrow(/needs both --first-purchase-days N and --horizon-days H/);
    expect(config({})).toThrow(/--calibration-end YYYY-MM-DD is required/);
  });

  it('refuses a holdout that ends where the calibration does, when the log ends there', async () => {
    const error = await failure({ transactions: log('holdout.csv', GOOD), 'calibration-end': '2024-04-02' });
    expect(error.message).toMatch(/holdout window is empty: the calibration ends 2024-04-02, the holdout ends 2024-04-02 \(the last day of the log\)/);
  });

  it('says when no new customer has a complete horizon', async () => {
    const error = await failure({ transactions: log('horizon.csv', GOOD), 'calibration-end': undefined, 'first-purchase-days': '7', 'horizon-days': '365' });
    expect(error.message).toMatch(/no customer has a complete 365-day horizon/);
  });

  it('reports a missing file as such', async () => {
    const error = await failure({ transactions: join(dir, 'nope.csv') });
    expect(error.message).toMatch(/nope\.csv: cannot read the transactions: .*no such file/i);
  });

  it('through the CLI: exit 1 with the message and no output on bad data, exit 2 on a bad command line', async () => {
    const out = join(dir, 'cli.features.csv');
    const cli = (args: string[]) => run('npx', ['tsx', 'scripts/commands/table-from-log.ts', ...args]).then(
      () => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }));
    const [bad, usage] = await Promise.all([
      cli(['--transactions', log('cli.csv', [...GOOD, 'c,2024-04-06,1e']), '--out', out, '--calibration-end', '2024-02-29']),
      cli(['--transactions', 'x.csv', '--out', out, '--calibration-end', 'tomorrow']),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^table-from-log: .*cli\.csv: line 7, column "amount": expected a number, got "1e"$/m);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/table-from-log: --calibration-end: expected a date YYYY-MM-DD, got "tomorrow"/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('through the CLI: refuses an --out that is the log itself, and leaves the log as it was', async () => {
    const path = log('same.csv', GOOD);
    const result = await run('npx', ['tsx', 'scripts/commands/table-from-log.ts', '--transactions', path, '--out', path, '--calibration-end', '2024-02-29'])
      .then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^table-from-log: --out .*same\.csv is the same file as --transactions .*same\.csv; write the output elsewhere$/m);
    expect(readFileSync(path, 'utf8')).toBe(`${GOOD.join('\n')}\n`);
  }, 60_000);
});

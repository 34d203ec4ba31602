/**
 * `npm run train` on bad input: a clear message that says where, a non-zero exit,
 * and an existing model directory left exactly as it was. Runs the real CLI.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generateCustomers, toCsv } from '../../../scripts/data/generate.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ltv-cli-'));
const model = join(dir, 'model');
mkdirSync(model);
writeFileSync(join(model, 'ltv.json'), '{"old": true}\n');

function csv(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function train(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'scripts/commands/train.ts', '--out', model, '--hidden', '8', '--epochs', '2', ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stderr: string; stdout: string };
    return { code: e.code, stderr: e.stderr, stdout: e.stdout };
  }
}

const rows = (n: number) => Array.from({ length: n }, (_, i) => `${i},${i % 3},${i * 2}`).join('\n');

const cases: [string, () => string[], RegExp][] = [
  ['a missing file', () => ['--data', join(dir, 'nope.csv')], /nope\.csv/],
  ['an empty file', () => ['--data', csv('empty.csv', '')], /empty/i],
  ['a header only', () => ['--data', csv('header.csv', 'a,b,ltv\n')], /no data rows|header only|no rows/i],
  ['a row with the wrong number of fields', () => ['--data', csv('fields.csv', `a,b,ltv\n${rows(20)}\n1,2\n`)], /line 22: the record has 2 fields, but the header has 3/],
  ['a non-numeric value in a numeric column', () => ['--data', csv('nonnum.csv', `a,b,ltv\n${rows(5)}\nabc,1,2\n${rows(20)}\n`), '--categorical', 'b'], /line 7, column "a": expected a number, got "abc"/],
  ['an absent target column', () => ['--data', csv('target.csv', `a,b,ltv\n${rows(20)}\n`), '--target', 'spend'], /spend/],
  ['too few rows to split', () => ['--data', csv('few.csv', `a,b,ltv\n${rows(3)}\n`)], /at least 10/],
  ['a bad option value', () => ['--data', 'x.csv', '--epochs', 'ten'], /--epochs: expected an integer/],
  ['an unknown loss', () => ['--data', 'x.csv', '--loss', 'huber'], /--loss must be one of mse, ziln, got "huber"/],
  ['a ZILN target without spenders', () => ['--data', csv('zeros.csv', `a,b,ltv\n${rows(30).replace(/,\d+(\.\d+)?$/gm, ',0')}\n`)], /column "ltv": the ZILN loss needs at least 2 training rows with ltv > 0, got 0; use --loss mse/],
  ['a past-spend column that is not a feature', () => ['--data', csv('spend.csv', `a,b,ltv\n${rows(20)}\n`), '--past-spend', 'spent'], /--past-spend: "spent" is not a numeric feature column .*numeric columns: "a", "b"/],
  ['a single cross-validation fold', () => ['--data', 'x.csv', '--cv', '1'], /--cv: expected an integer ≥ 2/],
];

describe('npm run train on bad input', () => {
  for (const [what, args, message] of cases) {
    it(`fails clearly on ${what} and leaves the old model untouched`, async () => {
      const result = await train(args());
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
      expect(readdirSync(model)).toEqual(['ltv.json']);
      expect(readFileSync(join(model, 'ltv.json'), 'utf8')).toBe('{"old": true}\n');
    });
  }

  it('stops on a loss that becomes NaN or infinite, says so, and keeps the old model', async () => {
    const data = csv('ok.csv', toCsv(generateCustomers({ rows: 300, seed: 1 })));
    const result = await train(['--data', data, '--id', 'customer_id', '--lr', '1e30']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/training diverged at epoch \d+/);
    expect(readdirSync(model)).toEqual(['ltv.json']);
  });

  it('refuses an --out directory that holds the input and other files, and touches nothing', async () => {
    // The data-loss case: the input table and a user's file sit in the directory named by --out.
    const home = mkdtempSync(join(tmpdir(), 'ltv-cli-out-'));
    const data = join(home, 'customers.csv');
    writeFileSync(data, toCsv(generateCustomers({ rows: 200, seed: 3 })));
    mkdirSync(join(home, 'notes'));
    writeFileSync(join(home, 'notes', 'plan.txt'), 'keep me');
    const before = readdirSync(home, { recursive: true }).sort();
    const { code, stderr } = await run('npx', ['tsx', 'scripts/commands/train.ts', '--data', data, '--out', home, '--hidden', '4', '--epochs', '1'])
      .then((r) => ({ code: 0, stderr: r.stderr }), (e: { code: number; stderr: string }) => e);
    expect(code).toBe(1);
    expect(stderr).toMatch(/train: --out .*: holds "customers\.csv", "notes\/", which a model directory does not; refusing to replace it/);
    expect(readdirSync(home, { recursive: true }).sort()).toEqual(before);
    expect(readFileSync(join(home, 'notes', 'plan.txt'), 'utf8')).toBe('keep me');
  });

  it('refuses --out . in a directory that is not a model directory', async () => {
    // The checkout itself: package.json, src/, .git… must never be replaced.
    const { code, stderr } = await run('npx', ['tsx', 'scripts/commands/train.ts', '--data', 'x.csv', '--out', '.'])
      .then((r) => ({ code: 0, stderr: r.stderr }), (e: { code: number; stderr: string }) => e);
    expect(code).toBe(1);
    expect(stderr).toMatch(/train: --out \.: holds .*refusing to replace it/);
  });

  it('warns about and drops a constant column, and trains', async () => {
    const data = csv('constant.csv', `a,k,ltv\n${Array.from({ length: 40 }, (_, i) => `${i},5,${i % 7}`).join('\n')}\n`);
    const out = join(dir, 'constant-model');
    const result = await run('npx', ['tsx', 'scripts/commands/train.ts', '--data', data, '--out', out, '--hidden', '4', '--epochs', '2']);
    expect(result.stderr).toMatch(/warning: .*"?k"?.*constant/i);
    expect(readdirSync(out).sort()).toEqual(['ltv.json', 'ltv.onnx', 'report.html', 'report.json', 'test-predictions.csv']);
  });
});

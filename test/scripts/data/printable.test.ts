/**
 * Names printed by the CLIs (scripts/data/printable.ts): control characters never
 * reach the terminal raw, whether in the helper or in the messages of a real run.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { printable, printableList } from '../../../scripts/data/printable.js';

const run = promisify(execFile);
/** Every character a terminal may act on or a reader may be misled by, as a header could hold it. */
const HOSTILE = 'chan\x1b[2J\x1b[31mnel\r\x07\x08\x7f\x9b\u2028\u202eevil\u2066\ufeff';
const RAW = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;

describe('printable', () => {
  it('quotes a name and escapes every control, separator and bidirectional character', () => {
    const shown = printable(HOSTILE);
    expect(shown).not.toMatch(RAW);
    expect(shown).toBe('"chan\\u001b[2J\\u001b[31mnel\\r\\u0007\\b\\u007f\\u009b\\u2028\\u202eevil\\u2066\\ufeff"');
  });

  it('leaves ordinary names, Unicode letters and emoji as they are, in quotes', () => {
    expect(printable('recency')).toBe('"recency"');
    expect(printableList(['Größe', 'prix €', '💸'])).toBe('"Größe", "prix €", "💸"');
  });
});

describe('the CLIs print column names escaped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ltv-printable-'));
  const cli = (script: string, args: string[]) =>
    run('npx', ['tsx', script, ...args]).then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }));

  it('npm run train and npm run table-from-log, naming the columns of a file with a hostile header', async () => {
    const data = join(dir, 'customers.csv');
    writeFileSync(data, `x,${HOSTILE},ltv\n${Array.from({ length: 12 }, (_, i) => `${i},a,${i}`).join('\n')}\n`);
    const log = join(dir, 'log.csv');
    // No CR in this one: DuckDB's CSV reader stops on a CR inside a header ("invalid state").
    const logName = HOSTILE.replace('\r', '');
    writeFileSync(log, `customer_id,date,${logName}\na,2024-01-03,10\n`);
    const [train, features] = await Promise.all([
      cli('scripts/commands/train.ts', ['--data', data, '--target', 'nosuch', '--out', join(dir, 'model')]),
      cli('scripts/commands/table-from-log.ts', ['--transactions', log, '--out', join(dir, 'f.csv'), '--calibration-end', '2024-02-01']),
    ]);
    expect(train.code).toBe(1);
    // The trainer trims header cells (a trailing U+FEFF is white space to String.prototype.trim).
    expect(train.stderr).toContain(`(columns: "x", ${printable(HOSTILE.trim())}, "ltv")`);
    expect(features.code).toBe(1);
    expect(features.stderr).toContain(`missing column "amount" (--amount); the file has "customer_id", "date", ${printable(logName)}`);
    for (const { stderr } of [train, features]) {
      for (const line of stderr.split('\n').filter((l) => !l.startsWith('npm warn'))) expect(line).not.toMatch(RAW);
    }
  }, 60_000);
});

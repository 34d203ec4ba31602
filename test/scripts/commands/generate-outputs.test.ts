/**
 * `npm run generate-data` and `npm run generate-log` replace only a file: an --out that
 * is a directory or a symbolic link is refused with exit 1, and left as it was.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ltv-generate-out-'));
const cli = (script: string, args: string[]) =>
  run('npx', ['tsx', `scripts/commands/${script}.ts`, ...args]).then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }));

describe('generate-data and generate-log --out', () => {
  it('refuse a directory and a symbolic link, touching neither', async () => {
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    writeFileSync(join(folder, 'mine.txt'), 'mine');
    const precious = join(dir, 'precious.csv');
    writeFileSync(precious, 'precious');
    const link = join(dir, 'link.csv');
    symlinkSync(precious, link);
    const results = await Promise.all([
      cli('generate-data', ['--rows', '10', '--out', folder]),
      cli('generate-log', ['--lines', '10', '--out', folder]),
      cli('generate-data', ['--rows', '10', '--out', link]),
      cli('generate-log', ['--lines', '10', '--out', link]),
    ]);
    expect(results.map((r) => r.code)).toEqual([1, 1, 1, 1]);
    expect(results[0]!.stderr).toContain(`generate-data: --out ${folder}: is a directory; give a file name`);
    expect(results[3]!.stderr).toContain(`generate-log: --out ${link}: is a symbolic link; give the file itself`);
    expect(readdirSync(folder)).toEqual(['mine.txt']);
    expect(readFileSync(precious, 'utf8')).toBe('precious');
  }, 60_000);

  it('still write a new file, and replace a file they wrote', async () => {
    const out = join(dir, 'customers.csv');
    for (let i = 0; i < 2; i++) expect((await cli('generate-data', ['--rows', '10', '--out', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n').length).toBe(12);
  }, 60_000);
});

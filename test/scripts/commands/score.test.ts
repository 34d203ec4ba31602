/**
 * `npm run score`, the real CLI: what it refuses to replace (before any work, files
 * untouched), its exit codes, and what it prints when stderr is not a terminal.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { customerTables } from '../score/tables.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ltv-score-cli-'));
let data: string;

beforeAll(async () => {
  data = (await customerTables(dir, 50, 3)).csv;
});

async function score(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'scripts/commands/score.ts', ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run score', () => {
  it('scores a table and, stderr not being a terminal, prints one summary line there and nothing else', async () => {
    const out = join(dir, 'scores.parquet');
    const result = await score(['--model', 'model', '--data', data, '--out', out, '--id', 'customer_id']);
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('npm warn'))).toEqual([
      expect.stringMatching(new RegExp(`^score: 50 customers scored in \\d+\\.\\d s \\(.* rows/s\\) → ${out} \\[customer_id, ltv, p_purchase, ltv_p10, ltv_p50, ltv_p90, tier\\]; model ltv [0-9a-f]{16}, compiled × \\d+ worker threads?$`)),
    ]);
    expect(result.stderr).not.toContain('\r');
  });

  const refusals: [string, () => string[], RegExp][] = [
    ['an --out that is the --data file', () => ['--out', data], /--out .* is the same file as --data/],
    ['an --out that is a directory', () => { mkdirSync(join(dir, 'a-dir'), { recursive: true }); return ['--out', join(dir, 'a-dir')]; }, /--out .*a-dir: is a directory; give a file name/],
    ["an --out that is a file of the model", () => ["--out", "model/ltv.json"], /--out model\/ltv\.json is the same file as --model model\/ltv\.json/],
    ['--rejects equal to --out', () => ['--out', join(dir, 'same.csv'), '--rejects', join(dir, 'same.csv')], /--rejects .*same\.csv is the same file as --out/],
    ['--rejects equal to --data', () => ['--out', join(dir, 'x.csv'), '--rejects', data], /--rejects .* is the same file as --data/],
  ];
  for (const [what, args, message] of refusals) {
    it(`refuses ${what}, exit 1, before any work`, async () => {
      const before = readFileSync(data, 'utf8');
      const result = await score(['--data', data, ...args()]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).not.toContain('model_ready');
      expect(readFileSync(data, 'utf8')).toBe(before);
    });
  }

  it('exits 2 on a bad command line, and 1 on a model directory that is not one', async () => {
    expect(await score(['--out', join(dir, 'x.csv')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--data FILE is required/) });
    expect(await score(['--data', data, '--out', join(dir, 'x.txt')])).toMatchObject({ code: 1, stderr: expect.stringMatching(/--out: expected a \.csv, \.csv\.gz or \.parquet file name/) });
    expect(await score(['--data', data, '--out', join(dir, 'x.csv'), '--rejects', join(dir, 'r.txt')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--rejects: expected a \.csv file name/) });
    expect(await score(['--data', data, '--out', join(dir, 'x.csv'), '--engine', 'gpu'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--engine: expected one of auto, compiled, ort, got "gpu"/) });
    const empty = join(dir, 'not-a-model');
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, 'ltv.json'), '{}');
    expect(await score(['--model', empty, '--data', data, '--out', join(dir, 'x.csv')])).toMatchObject({ code: 1, stderr: expect.stringMatching(/not-a-model\/ltv\.onnx: no such file/) });
  });
});

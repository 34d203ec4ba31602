/**
 * `npm run bench:train -- --json`: the real CLI on a tiny table prints exactly one JSON
 * document, the format the benchmark report reads, with one row per kernel set and
 * batch size, in the order asked for.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('bench:train --json', () => {
  it('prints one document {machine, rows} with a row per kernels × batch', async () => {
    const args = ['--rows', '300', '--features', '6', '--hidden', '8,4', '--batches', '5,16', '--kernels', 'simd,reference', '--steps', '3', '--seconds', '1', '--json'];
    const { stdout } = await run('npx', ['tsx', 'scripts/measure/commands/bench-train.ts', ...args]);
    const doc = JSON.parse(stdout) as {
      machine: { cpu: string; cores: number; node: string; loadAverage: number[] };
      rows: Array<{ kernels: string; batch: number; steps: number; samplesPerSecond: number; samplesPerCpuSecond: number }>;
    };
    expect(doc.machine.cores).toBeGreaterThan(0);
    expect(doc.machine.node).toBe(process.version);
    expect(doc.machine.loadAverage).toHaveLength(3);
    expect(doc.rows.map((r) => [r.kernels, r.batch, r.steps])).toEqual([
      ['simd', 5, 3],
      ['simd', 16, 3],
      ['reference', 5, 3],
      ['reference', 16, 3],
    ]);
    for (const row of doc.rows) {
      expect(row.samplesPerSecond).toBeGreaterThan(0);
      expect(row.samplesPerCpuSecond).toBeGreaterThan(0);
      expect(Number.isFinite(row.samplesPerCpuSecond)).toBe(true);
    }
  }, 60_000);

  it('refuses an unknown kernel set with exit code 2', async () => {
    await expect(run('npx', ['tsx', 'scripts/measure/commands/bench-train.ts', '--kernels', 'gpu', '--json'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--kernels: expected one of simd, reference, got "gpu"'),
    });
  }, 60_000);
});

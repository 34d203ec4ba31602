/**
 * The memory readings of `npm run bench` (scripts/bench/memory.ts) against real workerd:
 * the worker built as `wrangler deploy` would upload it (into a temporary directory, so
 * dist/ is left alone), its JS heap read through workerd's inspector and ORT's
 * WebAssembly memory through GET /v1/model.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../../..', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'ltv-bench-memory-'));
let memory: typeof import('../../../scripts/bench/memory.js');
let workerd: typeof import('../../../scripts/bench/workerd.js');

beforeAll(async () => {
  const wrangler = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js');
  const build = spawnSync(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', out], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  expect(build.status, build.stderr).toBe(0);
  // scripts/bench/workerd.ts reads BENCH_DIST once, when it is first imported.
  process.env.BENCH_DIST = out;
  workerd = await import('../../../scripts/bench/workerd.js');
  memory = await import('../../../scripts/bench/memory.js');
  expect(workerd.dist).toBe(out);
}, 60_000);

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

describe('memory readings of the built worker in workerd', () => {
  it('reads the JS heap after GC and ORT’s WebAssembly memory, in whole 64 KiB pages', async () => {
    const token = randomBytes(16).toString('hex');
    await memory.withInspectedWorker(workerd.distModules(), token, async (worker) => {
      const { base, inspector } = worker;
      const before = await memory.readMemory(worker, token, 0);
      for (const value of [before.jsUsedBytes, before.jsTotalBytes, before.wasmMemoryBytes, before.rssMiB]) {
        expect(Number.isFinite(value) && value > 0, String(value)).toBe(true);
      }
      expect(before.backingStoreBytes).toBeGreaterThanOrEqual(0);
      expect(before.jsUsedBytes).toBeLessThanOrEqual(before.jsTotalBytes);
      expect(before.wasmMemoryBytes % 65536).toBe(0);
      // ORT's memory is part of workerd's resident set.
      expect(before.rssMiB * 1024 * 1024).toBeGreaterThan(before.wasmMemoryBytes);

      // Scoring leaves garbage; the reading is taken after a GC, so it is below the raw heap just before it.
      const customers = Array.from({ length: 100 }, () => ({}));
      for (let i = 0; i < 50; i++) {
        const response = await fetch(new URL('/v1/score', base), { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ customers }) });
        expect(response.status).toBe(200);
        await response.arrayBuffer();
      }
      const raw = await inspector.send<{ usedSize: number }>('Runtime.getHeapUsage');
      const after = await memory.readMemory(worker, token, 50);
      expect(after.jsUsedBytes).toBeLessThanOrEqual(raw.usedSize);
      expect(after.wasmMemoryBytes).toBeGreaterThanOrEqual(before.wasmMemoryBytes);
      expect(after.wasmMemoryBytes % 65536).toBe(0);

      await expect(inspector.send('No.suchMethod')).rejects.toThrow(/No\.suchMethod/);
    });
  }, 30_000);
});

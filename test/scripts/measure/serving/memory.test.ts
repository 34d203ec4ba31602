/**
 * The memory readings of `npm run bench` (scripts/measure/serving/memory.ts) against real workerd:
 * the worker built as `wrangler deploy` would upload it (into a temporary directory, so
 * dist/ is left alone), its JS heap read through workerd's inspector and ORT's
 * WebAssembly memory through GET /v1/model.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltWorker, buildWorker } from '../built-worker.js';

let built: BuiltWorker | undefined;
let memory: typeof import('../../../../scripts/measure/serving/memory.js');
let workerd: typeof import('../../../../scripts/measure/workerd/workerd.js');

beforeAll(async () => {
  built = buildWorker();
  workerd = await import('../../../../scripts/measure/workerd/workerd.js');
  memory = await import('../../../../scripts/measure/serving/memory.js');
  expect(workerd.dist).toBe(built.dir);
}, 60_000);

afterAll(() => {
  built?.remove();
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

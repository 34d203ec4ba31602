/**
 * Part 4 of `npm run bench` ("Memory"): the worker's isolate in local workerd,
 * read after warm-up and after each chunk of scoring requests, so that a leak shows as
 * a series rising chunk after chunk rather than as two points:
 * - the JS heap, through workerd's V8 inspector, after a full garbage collection;
 * - the engine's WebAssembly memory, as the worker reports it (GET /v1/model →
 *   runtime.wasmMemoryBytes: the compiled engine's memory, sized at load, or ORT's heap);
 * - workerd's resident set (/proc), beside a peer: a worker that only answers "ok",
 *   sent the same number of requests, for what workerd and Miniflare grow by themselves.
 * Target: JS heap + ArrayBuffers + WASM ≤ 14 MiB after 10,000 requests, no growth.
 * Run per build (../workerd/builds.ts): the compiled engine's and ORT's side by side.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { Miniflare } from 'miniflare';
import { parseManifest } from '../../../src/spec/manifest.js';
import { typicalCustomer } from '../../../src/spec/typical-customer.js';
import { type Inspector, connectInspector } from '../workerd/inspector.js';
import { markdownTable } from '../stats.js';
import { dist, distModules, peakRssMiB, root, startWorker, workerdPids } from '../workerd/workerd.js';

const MiB = 1024 * 1024;
/** The budget for JS heap + ArrayBuffers + WASM at steady state (a Worker isolate may use 128 MB). */
export const TARGET_BYTES = 14 * MiB;
/** "No growth": what the JS heap may gain over the whole series, after GC (noise, not a leak: ~100 bytes a request at 10,000). */
export const GROWTH_TOLERANCE_BYTES = 1 * MiB;

export interface MemoryOptions {
  /** Readings after warm-up, then after each of `chunks` chunks of `chunkRequests` scoring requests. */
  chunks: number;
  chunkRequests: number;
  /** Concurrent connections of the load (low: this measures memory, not throughput). */
  connections?: number;
  /** The built worker to run (default: dist/) and its bindings beyond wrangler.toml's vars (e.g. ENGINE = ort). */
  build?: { dir: string; bindings?: Record<string, string | number>; label?: string };
}

/** One reading of the isolate after a full GC. */
export interface HeapReading {
  /** Scoring requests served since warm-up. */
  requests: number;
  /** V8 heap in use and reserved (Runtime.getHeapUsage usedSize, totalSize). */
  jsUsedBytes: number;
  jsTotalBytes: number;
  /** ArrayBuffer and external-string backing stores outside the V8 heap (backingStorageSize). */
  backingStoreBytes: number;
  /** The engine's WebAssembly memory (GET /v1/model runtime.wasmMemoryBytes). */
  wasmMemoryBytes: number;
  /** workerd's resident set, all of the process (every isolate, workerd itself). */
  rssMiB: number;
}

export interface MemoryResult {
  readings: HeapReading[];
  /** Non-2xx responses and errors among the scoring requests (should be 0). */
  failures: number;
  /** After one request of the deployment's largest batch (MAX_BATCH customers), at the end. */
  largestBatch: { customers: number; reading: HeapReading };
  peakRssMiB: number;
  /** The same requests to a worker that only answers "ok". */
  emptyWorker: { rssStartMiB: number; rssEndMiB: number; jsUsedStartBytes: number; jsUsedEndBytes: number };
  markdown: string;
}

interface HeapUsage {
  usedSize: number;
  totalSize: number;
  backingStorageSize?: number;
}

/**
 * A full garbage collection of the inspected isolate. workerd runs the GC that
 * HeapProfiler.collectGarbage requests only when the isolate is next entered, and the
 * request may reach the isolate before the inspector's message does: so `enter` (a small
 * request) is repeated until the GC has replied. Two rounds, so objects freed by the first
 * round's weak callbacks are gone too.
 */
export async function collectGarbage(inspector: Inspector, enter: () => Promise<unknown>): Promise<void> {
  for (let round = 0; round < 2; round++) {
    const collected = inspector.send('HeapProfiler.collectGarbage');
    let replied = false;
    const settled = collected.then(
      () => { replied = true; },
      () => { replied = true; },
    );
    while (!replied) {
      await enter();
      await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 20))]);
    }
    await collected;
  }
}

/** The JS heap of the inspected isolate after a full garbage collection. */
export async function readJsHeap(inspector: Inspector, enter: () => Promise<unknown>): Promise<HeapUsage> {
  await collectGarbage(inspector, enter);
  return inspector.send<HeapUsage>('Runtime.getHeapUsage');
}

/** The worker's own report of its engine's WebAssembly memory. */
export async function readWasmMemory(base: URL, token: string): Promise<{ wasmMemoryBytes: number; maxBatch: number }> {
  const response = await fetch(new URL('/v1/model', base), { headers: { Authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`GET /v1/model answered ${response.status}: ${await response.text()}`);
  const model = (await response.json()) as { runtime?: { wasmMemoryBytes: number }; limits: { maxBatch: number } };
  if (model.runtime === undefined) throw new Error('GET /v1/model has no runtime.wasmMemoryBytes: is the model ready, and the build from this commit?');
  return { wasmMemoryBytes: model.runtime.wasmMemoryBytes, maxBatch: model.limits.maxBatch };
}

/** An inspected worker in local workerd. */
export interface InspectedWorker {
  mf: Miniflare;
  base: URL;
  /** The worker's isolate. */
  inspector: Inspector;
  /** Miniflare's entry worker, a second isolate in the same process that every request passes through. */
  entry: Inspector;
  pid: number;
}

/**
 * Reads everything about the worker's memory at `requests` requests since warm-up. Both
 * isolates are collected first, so that the RSS, too, is read without their garbage: V8
 * lets an isolate's heap fill well before a full GC (Miniflare's entry isolate holds
 * tens of MB of garbage after 10,000 requests), which would look like growth.
 */
export async function readMemory({ inspector, entry, base, pid }: InspectedWorker, token: string, requests: number): Promise<HeapReading> {
  const enter = async () => (await fetch(new URL('/v2/health/live', base))).arrayBuffer();
  await collectGarbage(entry, enter);
  const js = await readJsHeap(inspector, enter);
  const { wasmMemoryBytes } = await readWasmMemory(base, token);
  return { requests, jsUsedBytes: js.usedSize, jsTotalBytes: js.totalSize, backingStoreBytes: js.backingStorageSize ?? 0, wasmMemoryBytes, rssMiB: rssMiB(pid) };
}

/** Starts the built worker with its inspector open; `use` gets everything needed to load and read it. */
export async function withInspectedWorker<T>(
  modules: ReturnType<typeof distModules>,
  token: string,
  use: (worker: InspectedWorker) => Promise<T>,
  options: { modulesRoot?: string; bindings?: Record<string, string | number> } = {},
): Promise<T> {
  const mf = startWorker(modules, token, { inspectorPort: 0, ...options });
  try {
    const base = await mf.ready;
    const [pid] = workerdPids();
    if (pid === undefined) throw new Error('no workerd child process found');
    const inspector = await connectInspector(mf, 'core:user:ltv-edge');
    const entry = await connectInspector(mf, 'core:entry');
    try {
      return await use({ mf, base, inspector, entry, pid });
    } finally {
      inspector.close();
      entry.close();
    }
  } finally {
    await mf.dispose();
  }
}

export async function benchMemory(options: MemoryOptions): Promise<MemoryResult> {
  const connections = options.connections ?? 4;
  const token = randomBytes(16).toString('hex');
  const manifest = parseManifest(JSON.parse(readFileSync(join(root, 'model', 'ltv.json'), 'utf8')));
  const one = JSON.stringify({ customer: typicalCustomer(manifest) });
  const hundred = JSON.stringify({ customers: Array.from({ length: 100 }, () => typicalCustomer(manifest)) });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  // Nine single customers, then a batch of 100: the two request shapes of part 2, cycled per connection.
  const cycle = [...Array.from({ length: 9 }, () => one), hundred].map((body) => ({ method: 'POST' as const, path: '/v1/score', headers, body }));

  const dir = options.build?.dir ?? dist;
  const measured = await withInspectedWorker(distModules(dir), token, async (worker) => {
    const { base, pid } = worker;
    for (const body of [one, hundred]) {
      const response = await fetch(new URL('/v1/score', base), { method: 'POST', headers, body });
      if (response.status !== 200) throw new Error(`warm-up POST /v1/score answered ${response.status}: ${await response.text()}`);
    }
    const readings = [await readMemory(worker, token, 0)];
    let failures = 0;
    for (let chunk = 1; chunk <= options.chunks; chunk++) {
      const run = await autocannon({ url: new URL('/v1/score', base).toString(), connections, amount: options.chunkRequests, requests: cycle });
      failures += run.non2xx + run.errors + run.timeouts;
      readings.push(await readMemory(worker, token, readings.at(-1)!.requests + run.requests.total));
    }
    const { maxBatch } = await readWasmMemory(base, token);
    const largest = await fetch(new URL('/v1/score', base), {
      method: 'POST',
      headers,
      body: JSON.stringify({ customers: Array.from({ length: maxBatch }, () => typicalCustomer(manifest)) }),
    });
    if (largest.status !== 200) throw new Error(`POST /v1/score with ${maxBatch} customers answered ${largest.status}: ${await largest.text()}`);
    const largestBatch = { customers: maxBatch, reading: await readMemory(worker, token, readings.at(-1)!.requests + 1) };
    return { readings, failures, largestBatch, peakRssMiB: peakRssMiB(pid) };
  }, { modulesRoot: dir, bindings: options.build?.bindings ?? {} });
  // The peer runs after ours has stopped, so the two workerd processes never share the machine.
  const emptyWorker = await emptyWorkerGrowth(measured.readings.at(-1)!.requests, connections, dir);
  const result = { ...measured, emptyWorker };
  return { ...result, markdown: render(result, options, connections) };
}

/** RSS and JS heap of a fresh workerd serving a worker that only answers "ok", before and after `requests` requests. */
async function emptyWorkerGrowth(requests: number, connections: number, dir: string): Promise<MemoryResult['emptyWorker']> {
  const contents = 'export default { fetch() { return new Response("ok"); } };';
  return withInspectedWorker([{ type: 'ESModule', path: join(dir, '__empty.js'), contents }], 'unused', async ({ base, inspector, entry, pid }) => {
    const enter = async () => (await fetch(base)).arrayBuffer();
    await enter();
    await collectGarbage(entry, enter);
    const start = await readJsHeap(inspector, enter);
    const rssStartMiB = rssMiB(pid);
    await autocannon({ url: base.toString(), connections, amount: requests });
    await collectGarbage(entry, enter);
    const end = await readJsHeap(inspector, enter);
    return { rssStartMiB, rssEndMiB: rssMiB(pid), jsUsedStartBytes: start.usedSize, jsUsedEndBytes: end.usedSize };
  }, { modulesRoot: dir });
}

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? Number.NaN : Number(match[1]) / 1024;
}

/** JS heap reserved + off-heap buffers + WebAssembly memory: what the isolate holds against its limit. */
export function isolateBytes(r: HeapReading): number {
  return r.jsTotalBytes + r.backingStoreBytes + r.wasmMemoryBytes;
}

function render(result: Omit<MemoryResult, 'markdown'>, options: MemoryOptions, connections: number): string {
  const { readings, largestBatch, emptyWorker } = result;
  const mib = (bytes: number) => (bytes / MiB).toFixed(2);
  const signed = (x: number, digits = 2) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
  const row = (label: string, r: HeapReading) => [
    label, mib(r.jsUsedBytes), mib(r.jsTotalBytes), mib(r.backingStoreBytes), mib(r.wasmMemoryBytes), mib(isolateBytes(r)), r.rssMiB.toFixed(1),
  ];
  const table = markdownTable(
    ['after', 'JS heap used MiB', 'JS heap total MiB', 'ArrayBuffers MiB', 'engine WASM memory MiB', 'total + ArrayBuffers + WASM MiB', 'workerd RSS MiB'],
    [
      ...readings.map((r, i) => row(i === 0 ? 'warm-up' : `${r.requests.toLocaleString('en')} requests`, r)),
      row(`1 request of ${largestBatch.customers} customers (MAX_BATCH)`, largestBatch.reading),
    ],
  );
  const first = readings[0]!;
  const second = readings[1];
  const last = readings.at(-1)!;
  const steady = isolateBytes(last);
  const jsGrowth = last.jsUsedBytes - first.jsUsedBytes;
  const wasmGrowth = last.wasmMemoryBytes - first.wasmMemoryBytes;
  const grows = jsGrowth > GROWTH_TOLERANCE_BYTES || wasmGrowth > 0;
  const pass = (ok: boolean) => (ok ? 'pass' : '**fail**');
  const rssGrowth = last.rssMiB - first.rssMiB;
  const emptyGrowth = emptyWorker.rssEndMiB - emptyWorker.rssStartMiB;
  return [
    `**${options.build?.label ?? 'dist/'}.** ${options.chunks} chunks of ${options.chunkRequests.toLocaleString('en')} POST /v1/score (9 single customers, then a batch of 100, in turn; autocannon, ${connections} connections, loopback), Miniflare serving the build with the inspector open. ` +
      'Each reading follows a full GC of the worker\'s isolate and of Miniflare\'s entry isolate (HeapProfiler.collectGarbage, twice; workerd runs it when the isolate is next entered, so GET /v2/health/live follows it until it replies); ' +
      'JS heap from Runtime.getHeapUsage of the worker\'s isolate; the engine\'s WebAssembly memory from GET /v1/model (runtime.wasmMemoryBytes).' +
      (result.failures > 0 ? ` **${result.failures} scoring requests failed (non-2xx or errors).**` : ''),
    '',
    table,
    '',
    `Steady state after ${last.requests.toLocaleString('en')} requests: JS heap ${mib(last.jsTotalBytes)} + ArrayBuffers ${mib(last.backingStoreBytes)} + WASM ${mib(last.wasmMemoryBytes)} = ${mib(steady)} MiB ` +
      `(target ≤ ${TARGET_BYTES / MiB} MiB: ${pass(steady <= TARGET_BYTES)}); after the largest batch: ${mib(isolateBytes(largestBatch.reading))} MiB (${pass(isolateBytes(largestBatch.reading) <= TARGET_BYTES)}).`,
    `Growth after GC, warm-up → ${last.requests.toLocaleString('en')} requests: JS heap used ${signed(jsGrowth / MiB)} MiB (${signed(jsGrowth / Math.max(1, last.requests), 1)} bytes a request), WASM ${signed(wasmGrowth / MiB)} MiB ` +
      `(target: no growth, i.e. JS ≤ ${GROWTH_TOLERANCE_BYTES / MiB} MiB and WASM unchanged: ${pass(!grows)})` +
      (second === undefined || second === last
        ? '.'
        : `; from the end of the first chunk on (${second.requests.toLocaleString('en')} → ${last.requests.toLocaleString('en')}): ` +
          `${signed((last.jsUsedBytes - second.jsUsedBytes) / MiB)} MiB (${signed((last.jsUsedBytes - second.jsUsedBytes) / Math.max(1, last.requests - second.requests), 1)} bytes a request).`),
    `workerd RSS (the whole process: workerd, Miniflare's entry worker, every isolate; read after the GCs): ${first.rssMiB.toFixed(1)} → ${last.rssMiB.toFixed(1)} MiB (${signed(rssGrowth, 1)}), peak ${result.peakRssMiB.toFixed(1)} MiB. ` +
      `Peer: a worker that only answers "ok", same requests: RSS ${emptyWorker.rssStartMiB.toFixed(1)} → ${emptyWorker.rssEndMiB.toFixed(1)} MiB (${signed(emptyGrowth, 1)}), ` +
      `JS heap used ${mib(emptyWorker.jsUsedStartBytes)} → ${mib(emptyWorker.jsUsedEndBytes)} MiB; our RSS growth beyond the peer's: ${signed(rssGrowth - emptyGrowth, 1)} MiB.`,
  ].join('\n');
}

/**
 * What `npm run measure:worker` measures of the built worker (dist/, as `npm run build`
 * left it) in local workerd (Miniflare). A measurement, not a test: it prints numbers
 * and asserts nothing, and every phase is bounded in count and in time.
 *
 *   cold start   workerd process start → worker ready → first successful score
 *   startup CPU  a CPU profile of the module's evaluation, split into the model's
 *                load (the engine: reading and planning the graph, the readiness run) and the rest
 *   warm         one-customer POST /v1/score and GET /v2/health/live, interleaved,
 *                over HTTP on 127.0.0.1: p50/p90/p99 of each
 *   batch        POST /v1/score with 1000 customers
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Miniflare } from 'miniflare';
import { profileStartup } from '../workerd/startup-profile.js';
import { type WorkerModule as Module, dist, distModules, startWorker as startWith } from '../workerd/workerd.js';
import { parseManifest } from '../../../src/spec/manifest.js';
import { typicalCustomer } from '../../../src/spec/typical-customer.js';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../../..');
const token = randomBytes(16).toString('hex');

/** The built worker with this run's token; its own log lines are progress, not results. */
function startWorker(modules: Module[], extra: { inspectorPort?: number } = {}): Miniflare {
  return startWith(modules, token, { ...extra, onLog: (message) => console.error(`  [worker] ${message}`) });
}

/**
 * Process start → first response for a worker that does nothing (`wasm`: that only
 * imports the build's first .wasm module: the compiled engine's kernels, or ORT's in an
 * ORT build): what workerd and Miniflare cost before any of ours, and what loading
 * that module costs on top.
 */
async function baseline(modules: Module[], withWasm: boolean): Promise<number> {
  const wasm = modules.find((m) => m.type === 'CompiledWasm');
  const script = withWasm && wasm !== undefined
    ? `import m from './${wasm.path.slice(dist.length + 1)}'; export default { fetch() { return new Response(String(WebAssembly.Module.exports(m).length)); } };`
    : 'export default { fetch() { return new Response("ok"); } };';
  const entry = { type: 'ESModule' as const, path: join(dist, '__measure_baseline.js'), contents: script };
  const start = performance.now();
  const mf = startWith(withWasm && wasm !== undefined ? [entry, wasm] : [entry], token);
  try {
    const base = await mf.ready;
    await (await fetch(base)).text();
    return performance.now() - start;
  } finally {
    await mf.dispose();
  }
}

/** The typical customer of the shipped model, and the model's version. */
function exampleCustomer(): { customer: Record<string, number | string>; version: string } {
  const manifest = parseManifest(JSON.parse(readFileSync(join(root, 'model', 'ltv.json'), 'utf8')));
  return { customer: typicalCustomer(manifest), version: manifest.version };
}

async function timed(url: string, init?: RequestInit): Promise<{ ms: number; status: number; response: Response; body: string }> {
  const start = performance.now();
  const response = await fetch(url, init);
  const body = await response.text();
  return { ms: performance.now() - start, status: response.status, response, body };
}

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length;
  return `p50 ${at(50).toFixed(3)} ms  p90 ${at(90).toFixed(3)} ms  p99 ${at(99).toFixed(3)} ms  max ${sorted.at(-1)!.toFixed(3)} ms  mean ${mean.toFixed(3)} ms  (n=${sorted.length})`;
}

export interface MeasureWorkerOptions {
  /** Requests per route in the warm phase. */
  requests: number;
  /** Time limit of the warm phase, in seconds. */
  seconds: number;
}

/** Runs every phase against dist/; results go to `out` line by line, progress to stderr. */
export async function measureWorker({ requests, seconds }: MeasureWorkerOptions, out: (line: string) => void = console.log): Promise<void> {
  const modules = distModules();
  const { customer, version } = exampleCustomer();
  const scoreInit = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

  // Cold start: process start to first successful score.
  console.error('baselines …');
  const empty = await baseline(modules, false);
  const wasmOnly = await baseline(modules, true);
  console.error('cold start …');
  const t0 = performance.now();
  const mf = startWorker(modules);
  try {
    const base = await mf.ready;
    const ready = performance.now() - t0;
    const score = new URL('/v1/score', base).href;
    const live = new URL('/v2/health/live', base).href;
    let first = await timed(score, scoreInit({ customer }));
    for (let tries = 1; first.status !== 200 && tries < 50 && performance.now() - t0 < 30_000; tries++) {
      first = await timed(score, scoreInit({ customer }));
    }
    if (first.status !== 200) throw new Error(`no successful score within 30 s: ${first.status} ${first.body.slice(0, 300)}`);
    const firstScore = performance.now() - t0;
    const served = first.response.headers.get('X-Model-Version');
    if (served !== version) console.error(`warning: dist/ serves model ${served}, model/ltv.json is ${version}: run npm run build`);
    out(`model ${served}`);
    out('cold start (local workerd, Miniflare):');
    out(`  process start → worker ready (model loaded at start-up): ${ready.toFixed(0)} ms`);
    out(`  process start → first successful score:                   ${firstScore.toFixed(0)} ms`);
    out(`  first score request itself: ${first.ms.toFixed(1)} ms (Server-Timing: ${first.response.headers.get('Server-Timing')})`);
    out(`  for comparison, process start → first response of an empty worker: ${empty.toFixed(0)} ms;`);
    out(`  of a worker that only imports the build's first .wasm module: ${wasmOnly.toFixed(0)} ms`);

    // Warm: interleaved so that both routes see the same machine state.
    console.error('warm-up …');
    for (let i = 0; i < 200; i++) {
      await timed(score, scoreInit({ customer }));
      await timed(live);
    }
    console.error(`warm: up to ${requests} requests per route or ${seconds} s …`);
    const scoreMs: number[] = [];
    const liveMs: number[] = [];
    const inferenceMs: number[] = [];
    const end = performance.now() + seconds * 1000;
    while (scoreMs.length < requests && performance.now() < end) {
      const s = await timed(score, scoreInit({ customer }));
      if (s.status !== 200) throw new Error(`score answered ${s.status}`);
      scoreMs.push(s.ms);
      inferenceMs.push(Number(/dur=([\d.]+)/.exec(s.response.headers.get('Server-Timing') ?? '')?.[1] ?? Number.NaN));
      liveMs.push((await timed(live)).ms);
    }
    out('warm latency over HTTP on 127.0.0.1 (client-side, request sent → body read):');
    out(`  POST /v1/score, 1 customer: ${percentiles(scoreMs)}`);
    out(`  GET /v2/health/live:        ${percentiles(liveMs)}`);
    out(`  Server-Timing inference (1 ms clock in workerd): ${percentiles(inferenceMs)}`);

    const batch = Array.from({ length: 1000 }, () => customer);
    const batchMs: number[] = [];
    const batchEnd = performance.now() + 20_000;
    for (let i = 0; i < 30 && performance.now() < batchEnd; i++) {
      const b = await timed(score, scoreInit({ customers: batch }));
      if (b.status !== 200) throw new Error(`batch score answered ${b.status}`);
      if (i >= 5) batchMs.push(b.ms);
    }
    out(`  POST /v1/score, 1000 customers: ${percentiles(batchMs)}`);
  } finally {
    await mf.dispose();
  }

  console.error('start-up CPU profile …');
  const profile = await profileStartup(dist, {}, (message) => console.error(`  [worker] ${message}`));
  out('start-up CPU (V8 profile of the module evaluation, local machine):');
  for (const [group, ms] of profile) out(`  ${group.padEnd(66)} ${ms.toFixed(1).padStart(7)} ms`);
}


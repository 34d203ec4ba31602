/**
 * Per-call cost of one ORT run at batch 1, 10, 100, 1000 in Node, on model/ltv.onnx:
 * onnxruntime-node (native, one thread) vs onnxruntime-web (the same WebAssembly
 * build the worker uses, one thread, in Node's V8). A proxy for workerd's figure
 * (same engine, same .wasm), not a substitute: `npm run bench` is meant to run the
 * web side inside workerd. Prints µs per call, median [min–max] of 5 rounds, and
 * the ratio web/native with the target (batch 1 ≤ 1.0×, batch 1000 throughput ≥ 0.5×).
 *
 * Options: --ms N: time per round and side (default 300).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as native from 'onnxruntime-node';
import * as web from 'onnxruntime-web';
import { Encoder } from '../../src/spec/encode.js';
import { parseManifest } from '../../src/spec/manifest.js';
import { median } from './stats.js';
import { root } from './workerd.js';

interface Runner {
  run(feeds: Record<string, unknown>, fetches: readonly string[]): Promise<unknown>;
}

async function usPerCall(session: Runner, feeds: Record<string, unknown>, fetches: readonly string[], ms: number): Promise<number> {
  for (let i = 0; i < 20; i++) await session.run(feeds, fetches);
  let calls = 0;
  const start = process.cpuUsage();
  const end = performance.now() + ms;
  while (performance.now() < end) {
    await session.run(feeds, fetches);
    calls++;
  }
  const cpu = process.cpuUsage(start);
  return (cpu.user + cpu.system) / calls;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { ms: { type: 'string', default: '300' } } });
  const ms = Number(values.ms);
  const manifest = parseManifest(JSON.parse(readFileSync(join(root, 'model', 'ltv.json'), 'utf8')));
  const bytes = readFileSync(join(root, 'model', 'ltv.onnx'));
  const { input, outputs } = manifest.spec.io;
  const nativeSession = await native.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  web.env.wasm.numThreads = 1;
  const webSession = await web.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const { width } = new Encoder(manifest.spec);
  console.log(`ORT per call, CPU µs (process.cpuUsage), median [min–max] of 5 rounds of ${ms} ms; load ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  for (const batch of [1, 10, 100, 1000]) {
    const data = new Float32Array(batch * width).map((_, i) => (i % 7) - 3);
    const nativeFeeds = { [input]: new native.Tensor('float32', data, [batch, width]) };
    const webFeeds = { [input]: new web.Tensor('float32', data, [batch, width]) };
    const n: number[] = [];
    const w: number[] = [];
    for (let round = 0; round < 5; round++) {
      n.push(await usPerCall(nativeSession, nativeFeeds, outputs, ms));
      w.push(await usPerCall(webSession, webFeeds, outputs, ms));
    }
    const ratio = median(w) / median(n);
    const target = batch === 1 ? `target ≤ 1.0×: ${ratio <= 1 ? 'pass' : 'FAIL'}` : batch === 1000 ? `target throughput ≥ 0.5× native: ${1 / ratio >= 0.5 ? 'pass' : 'FAIL'}` : '';
    const fmt = (xs: number[]) => `${median(xs).toFixed(1)} [${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}]`;
    console.log(`  batch ${String(batch).padStart(4)}: native ${fmt(n)} µs, web ${fmt(w)} µs, web/native ${ratio.toFixed(2)}×  ${target}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});

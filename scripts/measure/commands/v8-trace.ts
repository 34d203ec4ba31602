/**
 * npx tsx scripts/measure/commands/v8-trace.ts ["<V8 flags>"] — which WebAssembly functions V8 compiles in
 * each phase of a fresh isolate: start-up, GET /v2/health/live, POST /v1/score ×2,
 * from workerd's stdout under `--trace-wasm-compilation-times` (one line per compiled function)
 * plus `--trace-gc`. Extra flags (e.g. "--no-flush-liftoff-code") are appended.
 *
 * Miniflare only forwards workerd's JSON log lines, so this script wraps child_process.spawn
 * (before loading Miniflare) to read workerd's raw stdout and stderr. A diagnosis only.
 */
import childProcess from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest } from '../../../src/spec/manifest.js';
import { distModules, root } from '../workerd/workerd.js';

let lines: string[] = [];
const spawn = childProcess.spawn;
(childProcess as { spawn: typeof spawn }).spawn = ((...args: Parameters<typeof spawn>) => {
  const child = spawn(...args);
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter((l) => l !== '' && !l.startsWith('{'))));
  }
  return child;
}) as typeof spawn;
process.env.MINIFLARE_WORKERD_V8_FLAGS = `--trace-gc --trace-wasm-compilation-times ${process.argv[2] ?? ''}`.trim();
const { startWorker } = await import('../workerd/workerd.js');

/** One phase's trace lines, counted by kind ("wasm Liftoff", "wasm TurboFan", "GC Scavenge", …), with the compile time of the wasm kinds. */
function summary(): string {
  const kinds = new Map<string, { count: number; us: number }>();
  for (const line of lines) {
    const wasm = /using (\w+), took (\d+) μs/.exec(line);
    const gc = /\d ms: ([\w-]+)/.exec(line);
    const kind = wasm !== null ? `wasm ${wasm[1]}` : gc !== null ? `GC ${gc[1]}` : undefined;
    if (kind === undefined) continue;
    const entry = kinds.get(kind) ?? { count: 0, us: 0 };
    entry.count += 1;
    entry.us += wasm !== null ? Number(wasm[2]) : 0;
    kinds.set(kind, entry);
  }
  lines = [];
  const describe = ([kind, { count, us }]: [string, { count: number; us: number }]) =>
    kind.startsWith('wasm') ? `${kind} ×${count} (${(us / 1000).toFixed(1)} ms)` : `${kind} ×${count}`;
  return [...kinds].map(describe).join(', ') || 'nothing';
}

const token = randomBytes(16).toString('hex');
const manifest = parseManifest(JSON.parse(readFileSync(join(root, 'model', 'ltv.json'), 'utf8')));
const customer: Record<string, number | string> = {};
for (const f of manifest.spec.features) customer[f.name] = f.type === 'numeric' ? f.transform.impute : f.levels[0]!;
const score: RequestInit = {
  method: 'POST',
  headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
  body: JSON.stringify({ customer }),
};

const mf = startWorker(distModules(), token);
try {
  const base = await mf.ready;
  await new Promise((ok) => setTimeout(ok, 500));
  console.log(`V8 flags: ${process.env.MINIFLARE_WORKERD_V8_FLAGS}`);
  console.log(`  start-up: ${summary()}`);
  for (const [label, path, init] of [['GET /v2/health/live', '/v2/health/live', undefined], ['POST /v1/score #1', '/v1/score', score], ['POST /v1/score #2', '/v1/score', score]] as const) {
    const response = await fetch(new URL(path, base), init);
    await response.arrayBuffer();
    // Trace lines arrive through a pipe: give them time before closing the phase.
    await new Promise((ok) => setTimeout(ok, 200));
    console.log(`  ${label} (${response.status}): ${summary()}`);
  }
} finally {
  await mf.dispose();
}

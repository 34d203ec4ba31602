/**
 * npx tsx scripts/measure/commands/v8-flags.ts [--runs N] [--flags "a b|c|…"] — what V8 does in the
 * first scoring request of a fresh isolate: the same fresh-isolate measurement as
 * bench:first-request (workerd's on-CPU time across each request, from /proc), repeated with
 * V8 flags handed to workerd. Miniflare passes MINIFLARE_WORKERD_V8_FLAGS (space-separated)
 * into workerd's config (`v8Flags`), read each time an instance starts. A diagnosis only:
 * production Workers cannot set V8 flags.
 *
 * Sequence per isolate: GET /v2/health/live (takes the isolate's first GC and workerd's
 * first-request cost), then POST /v1/score ×2: "score #1" is the cost in question.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseManifest } from '../../../src/spec/manifest.js';
import { cpuMs, distModules, root, startWorker, workerdPids } from '../workerd/workerd.js';

const token = randomBytes(16).toString('hex');
const DEFAULT_FLAGS = [
  '',
  '--no-wasm-lazy-compilation',
  '--no-flush-liftoff-code',
  '--no-wasm-dynamic-tiering',
  '--no-wasm-tier-up',
  '--liftoff-only',
].join('|');

function body(): string {
  const manifest = parseManifest(JSON.parse(readFileSync(join(root, 'model', 'ltv.json'), 'utf8')));
  const c: Record<string, number | string> = {};
  for (const f of manifest.spec.features) c[f.name] = f.type === 'numeric' ? f.transform.impute : f.levels[0]!;
  return JSON.stringify({ customer: c });
}

async function isolate(flags: string, payload: string): Promise<number[]> {
  process.env.MINIFLARE_WORKERD_V8_FLAGS = flags;
  const mf = startWorker(distModules(), token);
  try {
    const base = await mf.ready;
    const [pid] = workerdPids();
    if (pid === undefined) throw new Error('no workerd child process found');
    // Let start-up's background compilation settle before the first request.
    await new Promise((ok) => setTimeout(ok, 500));
    const out: number[] = [];
    const steps: [string, RequestInit | undefined][] = [
      ['/v2/health/live', undefined],
      ['/v1/score', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: payload }],
      ['/v1/score', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: payload }],
    ];
    for (const [path, init] of steps) {
      const before = cpuMs(pid);
      const response = await fetch(new URL(path, base), init);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${path} with flags "${flags}": status ${response.status}`);
      await new Promise((ok) => setTimeout(ok, 50));
      out.push(cpuMs(pid) - before);
    }
    return out;
  } finally {
    await mf.dispose();
  }
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (v: number[]): string => `${median(v).toFixed(1)} [${Math.min(...v).toFixed(1)}–${Math.max(...v).toFixed(1)}]`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, flags: { type: 'string', default: DEFAULT_FLAGS } } });
  const runs = Number(values.runs);
  const payload = body();
  console.log(`workerd CPU per request, ms: median [min–max] of ${runs} fresh isolates (load: ${readFileSync('/proc/loadavg', 'utf8').trim()})`);
  console.log('| V8 flags | live #1 | score #1 | score #2 |\n|---|---|---|---|');
  for (const flags of values.flags.split('|')) {
    const cols: number[][] = [[], [], []];
    for (let r = 0; r < runs; r++) (await isolate(flags, payload)).forEach((ms, i) => cols[i]!.push(ms));
    console.log(`| ${flags === '' ? '(none)' : '`' + flags + '`'} | ${cols.map(fmt).join(' | ')} |`);
  }
  console.log(`(load after: ${readFileSync('/proc/loadavg', 'utf8').trim()})`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

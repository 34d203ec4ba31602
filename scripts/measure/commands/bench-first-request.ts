/**
 * npm run bench:first-request — the CPU of the first requests of a fresh isolate,
 * measured from outside: the workerd process's on-CPU time (all threads, from
 * /proc) across each request, over fresh Miniflare instances of dist/.
 *
 *   ours, score first   POST /v1/score (1 customer) ×3, then GET /v2/health/live
 *   ours, live first    GET /v2/health/live ×2, then POST /v1/score ×3
 *   empty worker        GET / ×3 of a worker that answers "ok": what workerd and
 *                       Miniflare's entry worker cost on a first request, not ours
 *
 * Each figure includes Miniflare's entry worker and the HTTP handling in workerd,
 * so the warm health check is the floor. Options: --runs N (default 5).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseManifest } from '../../../src/spec/manifest.js';
import { typicalCustomer } from '../../../src/spec/typical-customer.js';
import { median } from '../stats.js';
import { cpuMs, dist, distModules, root, startWorker, workerdPids } from '../workerd/workerd.js';

const token = randomBytes(16).toString('hex');

function customer(): Record<string, number | string> {
  return typicalCustomer(parseManifest(JSON.parse(readFileSync(join(root, 'model', 'ltv.json'), 'utf8'))));
}

type Step = { label: string; path: string; init?: () => RequestInit };

async function run(steps: Step[], empty: boolean): Promise<Map<string, number>> {
  const modules = empty
    ? [{ type: 'ESModule' as const, path: join(dist, '__empty.js'), contents: 'export default { fetch() { return new Response("ok"); } };' }]
    : distModules();
  const mf = startWorker(modules, token);
  try {
    const base = await mf.ready;
    const [pid] = workerdPids();
    if (pid === undefined) throw new Error('no workerd child process found');
    await new Promise((ok) => setTimeout(ok, 300));
    const out = new Map<string, number>();
    for (const step of steps) {
      const before = cpuMs(pid);
      const response = await fetch(new URL(step.path, base), step.init?.());
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${step.label}: status ${response.status}`);
      // Let workerd finish the request's tail (logging, the entry worker) before reading its CPU.
      await new Promise((ok) => setTimeout(ok, 50));
      out.set(step.label, cpuMs(pid) - before);
    }
    return out;
  } finally {
    await mf.dispose();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
  const runs = Number(values.runs);
  const body = JSON.stringify({ customer: customer() });
  const score = () => ({ method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body });
  const scenarios: [string, Step[], boolean][] = [
    ['ours, score first', [...[1, 2, 3].map((n): Step => ({ label: `score #${n}`, path: '/v1/score', init: score })), { label: 'live after', path: '/v2/health/live' }], false],
    ['ours, live first', [{ label: 'live #1', path: '/v2/health/live' }, { label: 'live #2', path: '/v2/health/live' }, ...[1, 2, 3].map((n) => ({ label: `score #${n}`, path: '/v1/score', init: score }))], false],
    ['empty worker', [1, 2, 3].map((n) => ({ label: `GET / #${n}`, path: '/' })), true],
  ];
  console.log(`workerd process CPU per request, ms: median [min–max] of ${runs} fresh isolates (load: ${readFileSync('/proc/loadavg', 'utf8').trim()})`);
  for (const [name, steps, empty] of scenarios) {
    const samples = new Map<string, number[]>();
    for (let r = 0; r < runs; r++) {
      for (const [label, ms] of await run(steps, empty)) samples.set(label, [...(samples.get(label) ?? []), ms]);
    }
    console.log(`  ${name}:`);
    for (const [label, ms] of samples) {
      console.log(`    ${label.padEnd(12)} ${median(ms).toFixed(2).padStart(7)}  [${Math.min(...ms).toFixed(2)}–${Math.max(...ms).toFixed(2)}]`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

/**
 * The CPU of the first requests of a fresh isolate, measured from outside: the workerd
 * process's on-CPU time (all threads, from /proc) across each request, over fresh
 * Miniflare instances of a built worker (../workerd/builds.ts).
 *
 *   per build     POST /v1/score (one customer) ×3, then GET /v2/health/live
 *   empty worker  GET / ×3 of a worker that answers "ok": what workerd and Miniflare's
 *                 entry worker cost on a first request, not ours
 *
 * Each figure includes Miniflare's entry worker and the HTTP handling in workerd, so
 * the warm requests are the floor. Target: the first score ≤ 1.3× a warm one (the third).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest } from '../../../src/spec/manifest.js';
import { typicalCustomer } from '../../../src/spec/typical-customer.js';
import type { Build } from '../workerd/builds.js';
import { markdownTable, median, ratioAtMost, spread, verdict } from '../stats.js';
import { cpuMs, distModules, root, startWorker, workerdPids } from '../workerd/workerd.js';

export const FIRST_TO_WARM_TARGET = 1.3;

interface Step {
  label: string;
  path: string;
  init?: RequestInit;
}

export interface FirstRequestRow {
  label: string;
  /** workerd CPU ms per step, one value per fresh isolate. */
  ms: Record<string, number[]>;
}

export interface FirstRequestResult {
  runs: number;
  rows: FirstRequestRow[];
  markdown: string;
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** One fresh isolate of `modules`: workerd CPU across each step. */
async function isolate(modules: ReturnType<typeof distModules>, modulesRoot: string, token: string, steps: Step[], bindings: Record<string, string | number>): Promise<Map<string, number>> {
  const mf = startWorker(modules, token, { modulesRoot, bindings });
  try {
    const base = await mf.ready;
    const [pid] = workerdPids();
    if (pid === undefined) throw new Error('no workerd child process found');
    // Let start-up's background compilation settle before the first request.
    await sleep(300);
    const out = new Map<string, number>();
    for (const step of steps) {
      const before = cpuMs(pid);
      const response = await fetch(new URL(step.path, base), step.init);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${step.label}: status ${response.status}`);
      // Let workerd finish the request's tail (logging, the entry worker) before reading its CPU.
      await sleep(50);
      out.set(step.label, cpuMs(pid) - before);
    }
    return out;
  } finally {
    await mf.dispose();
  }
}

export async function benchFirstRequest(builds: readonly Build[], runs: number): Promise<FirstRequestResult> {
  const token = randomBytes(16).toString('hex');
  const manifest = parseManifest(JSON.parse(readFileSync(join(root, 'model', 'ltv.json'), 'utf8')));
  const body = JSON.stringify({ customer: typicalCustomer(manifest) });
  const score = (n: number): Step => ({ label: `score #${n}`, path: '/v1/score', init: { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body } });
  const steps = [score(1), score(2), score(3), { label: 'live after', path: '/v2/health/live' }];
  const scenarios = [
    ...builds.map((b) => ({ label: b.variant.label, modules: distModules(b.dir), dir: b.dir, steps, bindings: b.variant.bindings ?? {} })),
    {
      label: 'empty worker (workerd and Miniflare alone)',
      modules: [{ type: 'ESModule' as const, path: join(builds[0]!.dir, '__empty.js'), contents: 'export default { fetch() { return new Response("ok"); } };' }],
      dir: builds[0]!.dir,
      steps: [1, 2, 3].map((n) => ({ label: `GET / #${n}`, path: '/' })),
      bindings: {},
    },
  ];
  const rows: FirstRequestRow[] = scenarios.map((s) => ({ label: s.label, ms: {} }));
  // Rounds alternate the scenarios, so that a change in the machine's load hits all of them.
  for (let r = 0; r < runs; r++) {
    for (const [i, s] of scenarios.entries()) {
      for (const [label, ms] of await isolate(s.modules, s.dir, token, s.steps, s.bindings)) (rows[i]!.ms[label] ??= []).push(ms);
    }
  }
  return { runs, rows, markdown: render(rows, runs) };
}

function render(rows: FirstRequestRow[], runs: number): string {
  const table = markdownTable(
    ['worker', 'first request', 'second', 'third (warm)', 'after', 'first ÷ warm (target)'],
    rows.map(({ label, ms }) => {
      const cells = Object.values(ms).map((v) => spread(v, 2));
      const values = Object.values(ms);
      const first = median(values[0]!);
      const warm = median(values[2]!);
      const isOurs = Object.keys(ms)[0]!.startsWith('score');
      return [label, ...cells, ...(cells.length < 4 ? [''] : []), isOurs ? verdict(ratioAtMost(first, warm, FIRST_TO_WARM_TARGET)) : `${(first / warm).toFixed(2)}×`];
    }),
  );
  return [
    `workerd process CPU per request, ms: median [min–max] of ${runs} fresh isolates each (one-customer POST /v1/score ×3, then GET /v2/health/live; the empty worker: GET / ×3). ` +
      `Load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} at the end.`,
    '',
    table,
  ].join('\n');
}

/**
 * What one warm request costs workerd, route by route (npm run bench:request-cpu):
 * the workerd process's on-CPU time (all threads, /proc) over a run of sequential
 * requests on loopback, divided by their count. Rounds alternate the routes, so
 * load on the machine falls on all of them alike; median [min–max] of the rounds.
 *
 * Why beside autocannon's latencies: workerd serves an isolate on one thread, so
 * under concurrency a request waits for the ones ahead of it, and the tail latency
 * of a route grows with its CPU per request. The p99 ratio against the health
 * route at 4 connections is this CPU ratio plus queueing noise.
 *
 *   empty worker         GET / of a worker that answers "ok": workerd's and
 *                        Miniflare's entry worker's own cost, nothing of ours;
 *                        and POST / with one-customer scoring's body, unread
 *   GET /v2/health/live  the floor the HTTP target is measured against
 *   POST /v1/score       one customer, and 100 customers
 *
 * Options: --requests N per route and round (default 400), --rounds R (default 5).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Miniflare } from 'miniflare';
import { parseManifest } from '../../../src/spec/manifest.js';
import { typicalCustomer } from '../../../src/spec/typical-customer.js';
import { median, spread } from '../stats.js';
import { cpuMs, dist, distModules, root, startWorker, workerdPids } from '../workerd/workerd.js';

interface Route {
  label: string;
  path: string;
  init?: RequestInit;
  /** Served by the empty worker rather than ours. */
  empty?: boolean;
}

export interface RequestCpuResult {
  /** µs of workerd CPU per request, one value per round, by route label. */
  usPerRequest: Map<string, number[]>;
  markdown: string;
}

async function started(mf: Miniflare): Promise<{ base: URL; pid: number }> {
  const base = await mf.ready;
  const pids = workerdPids();
  if (pids.length !== 1) throw new Error(`expected one workerd process of this benchmark, found ${pids.length}`);
  return { base, pid: pids[0]! };
}

async function cpuPerRequest(base: URL, pid: number, route: Route, count: number): Promise<number> {
  const url = new URL(route.path, base);
  // Let the previous round's tail (logs, the entry worker) finish before the clock starts.
  await new Promise((ok) => setTimeout(ok, 50));
  const before = cpuMs(pid);
  for (let i = 0; i < count; i++) {
    const response = await fetch(url, route.init);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${route.label}: status ${response.status}`);
  }
  await new Promise((ok) => setTimeout(ok, 50));
  return ((cpuMs(pid) - before) * 1000) / count;
}

export async function benchRequestCpu(options: { requests: number; rounds: number }): Promise<RequestCpuResult> {
  const token = randomBytes(16).toString('hex');
  const manifest = parseManifest(JSON.parse(readFileSync(join(root, 'model', 'ltv.json'), 'utf8')));
  const customer = typicalCustomer(manifest);
  const score = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const routes: Route[] = [
    { label: 'empty worker, GET /', path: '/', empty: true },
    // The same POST body as one-customer scoring, to a worker that ignores it: what carrying it costs workerd.
    { label: 'empty worker, POST / (1 customer)', path: '/', empty: true, init: score({ customer }) },
    { label: 'GET /v2/health/live', path: '/v2/health/live' },
    { label: 'POST /v1/score, 1 customer', path: '/v1/score', init: score({ customer }) },
    { label: 'POST /v1/score, 100 customers', path: '/v1/score', init: score({ customers: Array.from({ length: 100 }, () => customer) }) },
  ];
  const empty = startWorker([{ type: 'ESModule', path: join(dist, '__empty.js'), contents: 'export default { fetch() { return new Response("ok"); } };' }], token);
  let ours: Miniflare | undefined;
  const usPerRequest = new Map<string, number[]>(routes.map((r) => [r.label, []]));
  try {
    // One after the other, so that each workerd process is told apart by when it appeared.
    const emptyServer = await started(empty);
    ours = startWorker(distModules(), token);
    const base = await ours.ready;
    const pid = workerdPids().find((p) => p !== emptyServer.pid);
    if (pid === undefined) throw new Error('the workerd process of the built worker was not found');
    const server = (route: Route) => (route.empty ? emptyServer : { base, pid });
    // Warm-up: JIT, and the first-request costs measured by bench:first-request.
    for (const route of routes) await cpuPerRequest(server(route).base, server(route).pid, route, Math.min(50, options.requests));
    for (let round = 0; round < options.rounds; round++) {
      for (const route of routes) usPerRequest.get(route.label)!.push(await cpuPerRequest(server(route).base, server(route).pid, route, options.requests));
    }
  } finally {
    await Promise.all([empty.dispose(), ours?.dispose()]);
  }
  const floor = median(usPerRequest.get('GET /v2/health/live')!);
  const lines = [
    `workerd process CPU per warm request, µs (all threads, /proc), ${options.requests} sequential requests per route and round, median [min–max] of ${options.rounds} rounds; load ${readFileSync('/proc/loadavg', 'utf8').trim()}`,
    ...routes.map((route) => {
      const values = usPerRequest.get(route.label)!;
      const ratio = route.path === '/v1/score' || route.empty ? `  ${(median(values) / floor).toFixed(2)}× the health route` : '';
      return `  ${route.label.padEnd(34)} ${spread(values, 0).padStart(22)}${ratio}`;
    }),
  ];
  return { usPerRequest, markdown: lines.join('\n') };
}

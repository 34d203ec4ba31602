/**
 * Part 2 of `npm run bench`: HTTP latency and throughput of the built worker in
 * local workerd (Miniflare's API, no `wrangler dev` proxy), driven by autocannon on
 * loopback, with GET /v2/health/live measured the same way in the same run as the floor.
 * Memory (part 4) is scripts/measure/serving/memory.ts.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { parseManifest } from '../../../src/spec/manifest.js';
import { typicalCustomer } from '../../../src/spec/typical-customer.js';
import { markdownTable, ratioAtMost, verdict } from '../stats.js';
import { distModules, root, startWorker } from '../workerd/workerd.js';

export interface HttpOptions {
  /** Seconds per autocannon run. */
  seconds: number;
  connections: readonly number[];
}

interface Route {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

export interface HttpRun {
  route: string;
  connections: number;
  p50: number;
  p99: number;
  p999: number;
  rps: number;
  requests: number;
  non2xx: number;
  errors: number;
}

export interface HttpResult {
  runs: HttpRun[];
  markdown: string;
}

export async function benchHttp(options: HttpOptions): Promise<HttpResult> {
  const token = randomBytes(16).toString('hex');
  const manifest = parseManifest(JSON.parse(readFileSync(join(root, 'model', 'ltv.json'), 'utf8')));
  const one = typicalCustomer(manifest);
  const routes: Route[] = [
    { name: 'GET /v2/health/live (floor)', method: 'GET', path: '/v2/health/live' },
    { name: 'POST /v1/score, 1 customer', method: 'POST', path: '/v1/score', body: JSON.stringify({ customer: one }) },
    { name: 'POST /v1/score, 100 customers', method: 'POST', path: '/v1/score', body: JSON.stringify({ customers: Array.from({ length: 100 }, () => one) }) },
  ];
  const mf = startWorker(distModules(), token);
  const runs: HttpRun[] = [];
  try {
    const base = await mf.ready;
    // One request per route first, so every run measures a warm isolate.
    for (const route of routes) await (await fetch(new URL(route.path, base), init(route, token))).arrayBuffer();
    for (const connections of options.connections) {
      // Routes interleaved per connection count, so a change in the machine's load hits all of them alike.
      for (const route of routes) runs.push(await load(base, route, token, connections, options.seconds));
    }
  } finally {
    await mf.dispose();
  }
  return { runs, markdown: render(runs, options) };
}

function init(route: Route, token: string): RequestInit {
  return route.body === undefined
    ? { method: route.method }
    : { method: route.method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: route.body };
}

async function load(base: URL, route: Route, token: string, connections: number, seconds: number): Promise<HttpRun> {
  const result = await autocannon({
    url: new URL(route.path, base).toString(),
    method: route.method,
    connections,
    duration: seconds,
    ...(route.body === undefined ? {} : { body: route.body, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }),
  });
  return {
    route: route.name,
    connections,
    p50: result.latency.p50,
    p99: result.latency.p99,
    p999: result.latency.p99_9,
    rps: result.requests.average,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

function render(runs: HttpRun[], options: HttpOptions): string {
  const rows = runs.map((r) => {
    const floor = runs.find((f) => f.connections === r.connections && f.route.startsWith('GET /v2/health/live'))!;
    const single = r.route.endsWith(', 1 customer');
    const check = single && r.connections <= 4 ? verdict(ratioAtMost(r.p99, floor.p99, 1.5)) : single ? `${(r.p99 / floor.p99).toFixed(2)}×` : '';
    return [r.route, String(r.connections), r.p50.toFixed(2), r.p99.toFixed(2), r.p999.toFixed(2), r.rps.toFixed(0), String(r.requests), String(r.non2xx + r.errors), check];
  });
  const table = markdownTable(['route', 'connections', 'p50 ms', 'p99 ms', 'p99.9 ms', 'req/s', 'requests', 'non-2xx + errors', 'p99 ÷ health p99'], rows);
  return [
    `autocannon ${options.seconds} s per run, loopback, Miniflare serving dist/ (no wrangler dev proxy); autocannon's latencies have a resolution of 1 ms.`,
    '',
    table,
  ].join('\n');
}

/**
 * npm run bench:dists -- --dist DIR --dist DIR [--dist DIR …] [--requests N] [--rounds R] [--warm-up-runs N] [--var NAME=VALUE …]
 *
 * Two or more built workers (`npm run build` output, each copied aside, e.g. one
 * per model) side by side in one run: each one's start-up CPU (the workerd
 * process from spawn to ready: workerd itself, the bundle's evaluation, the model
 * load and its warm-up runs), then the workerd CPU per warm request of
 * GET /v2/health/live, POST /v1/score with one customer and with 100, rounds
 * alternating the workers so that the machine's load falls on all alike. Median
 * [min–max] of the rounds, and each worker's ratio to the first one's median.
 * Made for "what does a graph of K members cost the worker against one network":
 * the same app, the same engine, only the model differs.
 *
 * --warm-up-runs N sets the WARM_UP_RUNS var (the graph runs at start-up) of every
 * worker, e.g. 1 to see the start-up without them. --var NAME=VALUE sets any other var of
 * every worker: `--var ENGINE=ort` with builds made with `--define BUNDLE_ORT:true`
 * compares the models on onnxruntime-web (under ENGINE=auto an ORT build serves a graph
 * in the compiled subset on the compiled engine). The table names the engine each worker
 * said it serves with (GET /v2/health/ready).
 *
 * Every worker is sent the typical customer of its own model (src/spec/typical-customer.ts),
 * read from `DIR/../ltv.json` when present, else from model/ltv.json.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Miniflare } from 'miniflare';
import { UsageError } from '../../cli/args.js';
import { runCli } from '../../cli/run.js';
import { parseManifest } from '../../../src/spec/manifest.js';
import { typicalCustomer } from '../../../src/spec/typical-customer.js';
import { markdownTable, median, spread } from '../stats.js';
import { cpuMs, distModules, root, startWorker, workerdPids } from '../workerd/workerd.js';

interface Served {
  label: string;
  mf: Miniflare;
  base: URL;
  pid: number;
  startupMs: number;
  engine: string;
  body: string;
  body100: string;
}

async function cpuPerRequest(served: Served, path: string, init: RequestInit | undefined, count: number): Promise<number> {
  const url = new URL(path, served.base);
  await new Promise((ok) => setTimeout(ok, 50));
  const before = cpuMs(served.pid);
  for (let i = 0; i < count; i++) {
    const response = await fetch(url, init);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${served.label} ${path}: status ${response.status}`);
  }
  await new Promise((ok) => setTimeout(ok, 50));
  return ((cpuMs(served.pid) - before) * 1000) / count;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      dist: { type: 'string', multiple: true },
      requests: { type: 'string', default: '300' },
      rounds: { type: 'string', default: '5' },
      'warm-up-runs': { type: 'string' },
      var: { type: 'string', multiple: true },
    },
  });
  const dists = (values.dist ?? []).map((d) => resolve(d));
  if (dists.length < 2) throw new UsageError('give at least two --dist DIR (built workers to compare)');
  const requests = Number(values.requests);
  const rounds = Number(values.rounds);
  if (!(requests > 0 && rounds > 0)) throw new UsageError('--requests and --rounds must be positive');
  const warmUpRuns = values['warm-up-runs'];
  if (warmUpRuns !== undefined && !(Number.isInteger(Number(warmUpRuns)) && Number(warmUpRuns) >= 1)) throw new UsageError(`--warm-up-runs must be a positive integer, got ${warmUpRuns}`);
  const bindings: Record<string, string | number> = warmUpRuns === undefined ? {} : { WARM_UP_RUNS: Number(warmUpRuns) };
  for (const spec of values.var ?? []) {
    const at = spec.indexOf('=');
    if (at < 1) throw new UsageError(`--var expects NAME=VALUE, got ${JSON.stringify(spec)}`);
    bindings[spec.slice(0, at)] = spec.slice(at + 1);
  }
  const token = randomBytes(16).toString('hex');
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const served: Served[] = [];
  try {
    // One after the other: each workerd process is told apart by when it appeared.
    for (const dir of dists) {
      const manifestPath = existsSync(join(dir, '..', 'ltv.json')) ? join(dir, '..', 'ltv.json') : join(root, 'model', 'ltv.json');
      const customer = typicalCustomer(parseManifest(JSON.parse(readFileSync(manifestPath, 'utf8'))));
      const known = new Set(served.map((s) => s.pid));
      const mf = startWorker(distModules(dir), token, { modulesRoot: dir, bindings });
      const base = await mf.ready;
      const pid = workerdPids().find((p) => !known.has(p));
      if (pid === undefined) throw new Error(`the workerd process of ${dir} was not found`);
      // Start-up is over once the first request has been answered (the model loads at start-up).
      const first = await fetch(new URL('/v2/health/ready', base));
      const readiness = (await first.json()) as { engine?: string };
      if (first.status !== 200) throw new Error(`${dir}: not ready (status ${first.status})`);
      served.push({
        label: basename(resolve(dir, '..')) === 'dist' ? dir : `${basename(resolve(dir, '..'))}/${basename(dir)}`,
        mf,
        base,
        pid,
        startupMs: cpuMs(pid),
        engine: readiness.engine ?? '?',
        body: JSON.stringify({ customer }),
        body100: JSON.stringify({ customers: Array.from({ length: 100 }, () => customer) }),
      });
    }
    const routes = [
      { label: 'GET /v2/health/live', path: '/v2/health/live', init: () => undefined },
      { label: 'POST /v1/score, 1 customer', path: '/v1/score', init: (s: Served) => ({ method: 'POST', headers, body: s.body }) },
      { label: 'POST /v1/score, 100 customers', path: '/v1/score', init: (s: Served) => ({ method: 'POST', headers, body: s.body100 }) },
    ];
    const us = new Map<string, number[]>();
    const key = (s: Served, route: string) => `${s.label}\u0000${route}`;
    for (const s of served) for (const route of routes) await cpuPerRequest(s, route.path, route.init(s), Math.min(50, requests));
    for (let round = 0; round < rounds; round++) {
      for (const route of routes) {
        for (const s of round % 2 === 0 ? served : [...served].reverse()) {
          const list = us.get(key(s, route.label)) ?? [];
          list.push(await cpuPerRequest(s, route.path, route.init(s), requests));
          us.set(key(s, route.label), list);
        }
      }
    }
    const first = served[0]!;
    const header = ['worker', 'engine', 'start-up CPU, ms', ...routes.map((r) => `${r.label}, µs`)];
    const rows = served.map((s) => [
      s.label,
      s.engine,
      `${s.startupMs.toFixed(0)}${s === first ? '' : ` (${(s.startupMs / first.startupMs).toFixed(2)}×)`}`,
      ...routes.map((r) => {
        const values = us.get(key(s, r.label))!;
        const ratio = s === first ? '' : ` (${(median(values) / median(us.get(key(first, r.label))!)).toFixed(2)}×)`;
        return `${spread(values, 0)}${ratio}`;
      }),
    ]);
    const runs = Object.entries(bindings).map(([name, value]) => `${name}=${value}; `).join('');
    console.log(`workerd CPU, ${runs}${requests} sequential requests per route, worker and round, median [min–max] of ${rounds} rounds; ratios to the first worker; load ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
    console.log(markdownTable(header, rows));
  } finally {
    await Promise.all(served.map((s) => s.mf.dispose()));
  }
}

runCli('bench:dists', main);

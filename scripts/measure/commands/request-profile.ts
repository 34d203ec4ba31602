/**
 * npx tsx scripts/measure/commands/request-profile.ts [score|live] [cpu|alloc] — where a warm
 * request's CPU, or its allocations, go in the worker's isolate, through workerd's
 * inspector, over sequential requests on loopback after a warm-up:
 *   cpu    a V8 CPU profile: the functions with the most self and inclusive time per
 *          request, each named with its bundled module. The profiler's sampling inflates
 *          every figure (compare the total with scripts/measure/serving/request-cpu.ts): read the
 *          ranking and the shares. How the token hashing of src/http/token-digest.ts was found.
 *   alloc  a sampling heap profile counting objects already collected too: bytes
 *          allocated per request by function and by module. What a request allocates
 *          sets how often the isolate stops for a scavenge (a few ms each here), which
 *          is what the tail latency under concurrency is made of.
 * Profile both routes to see what scoring adds.
 *
 * Environment: REQUESTS (default 2000), INTERVAL µs between CPU samples (default 200).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest } from '../../../src/spec/manifest.js';
import { typicalCustomer } from '../../../src/spec/typical-customer.js';
import { type CpuProfile, bundleModules, parents } from '../workerd/cpu-profile.js';
import { connectInspector } from '../workerd/inspector.js';
import { dist, distModules, root, startWorker } from '../workerd/workerd.js';

const route = process.argv[2] ?? 'score';
if (route !== 'score' && route !== 'live') throw new Error(`expected "score" or "live", got ${JSON.stringify(route)}`);
const kind = process.argv[3] ?? 'cpu';
if (kind !== 'cpu' && kind !== 'alloc') throw new Error(`expected "cpu" or "alloc", got ${JSON.stringify(kind)}`);
const requests = Number(process.env.REQUESTS ?? 2000);
const interval = Number(process.env.INTERVAL ?? 200);
const token = randomBytes(16).toString('hex');
const body = JSON.stringify({ customer: typicalCustomer(parseManifest(JSON.parse(readFileSync(join(root, 'model', 'ltv.json'), 'utf8')))) });

const moduleAt = bundleModules(readFileSync(join(dist, 'index.js'), 'utf8'));

const mf = startWorker(distModules(), token, { inspectorPort: 0 });
try {
  const base = await mf.ready;
  const send = async () => {
    const response = route === 'score'
      ? await fetch(new URL('/v1/score', base), { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body })
      : await fetch(new URL('/v2/health/live', base));
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${route}: status ${response.status}`);
  };
  for (let i = 0; i < 300; i++) await send();
  const inspector = await connectInspector(mf, 'core:user:ltv-edge');
  if (kind === 'cpu') {
    await inspector.send('Profiler.enable');
    await inspector.send('Profiler.setSamplingInterval', { interval });
    await inspector.send('Profiler.start');
    for (let i = 0; i < requests; i++) await send();
    const { profile } = await inspector.send<{ profile: CpuProfile }>('Profiler.stop', {}, 60_000);
    report(profile);
  } else {
    await inspector.send('HeapProfiler.enable');
    // Every 256 bytes on average; objects a GC already freed are counted too: allocation, not retention.
    await inspector.send('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    for (let i = 0; i < requests; i++) await send();
    const { profile } = await inspector.send<{ profile: { head: HeapNode } }>('HeapProfiler.stopSampling', {}, 60_000);
    reportAllocations(profile.head);
  }
  inspector.close();
} finally {
  await mf.dispose();
}

interface HeapNode {
  callFrame: CpuProfile['nodes'][number]['callFrame'];
  selfSize: number;
  children: HeapNode[];
}

function reportAllocations(head: HeapNode): void {
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let total = 0;
  const add = (map: Map<string, number>, key: string, bytes: number) => map.set(key, (map.get(key) ?? 0) + bytes);
  const walk = (node: HeapNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.endsWith('index.js') ? moduleAt(lineNumber) ?? 'index.js' : url || '(native)';
    add(byFunction, `${functionName || '(anonymous)'} @ ${where}`, node.selfSize);
    add(byModule, where, node.selfSize);
    total += node.selfSize;
    node.children.forEach(walk);
  };
  walk(head);
  const top = (map: Map<string, number>, n: number) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([key, bytes]) => `\n  ${(bytes / requests).toFixed(0).padStart(7)}  ${key}`);
  console.log(`${route}: ${requests} requests, ${(total / requests / 1024).toFixed(1)} KiB allocated per request (sampled)`);
  console.log('bytes per request, by function:', ...top(byFunction, 25));
  console.log('bytes per request, by module:', ...top(byModule, 15));
}

function report(profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = parents(profile);
  const name = (id: number) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = url.endsWith('index.js') ? moduleAt(lineNumber) ?? 'index.js' : url;
    return `${functionName || '(anonymous)'}${where ? ` @ ${where}` : ''}`;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((leaf, i) => {
    if (byId.get(leaf)!.callFrame.functionName === '(idle)') return;
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    self.set(name(leaf), (self.get(name(leaf)) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = leaf; at !== undefined; at = parent.get(at)) {
      const key = name(at);
      if (!seen.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + us);
      seen.add(key);
    }
  });
  const top = (map: Map<string, number>, n: number) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([key, us]) => `  ${(us / requests).toFixed(1).padStart(8)}  ${key}`);
  console.log(`${route}: ${requests} requests, ${(total / requests).toFixed(0)} µs of sampled isolate CPU per request (profiler included; sampling every ${interval} µs)`);
  console.log('self time, µs per request:', ...top(self, 25).map((l) => `\n${l}`));
  console.log('inclusive time, µs per request:', ...top(inclusive, 40).map((l) => `\n${l}`));
}

/**
 * Start-up CPU of a bundled worker, profiled as `wrangler check startup` does it: a
 * wrapper entry imports the worker on its first request, with V8's profiler attached
 * through workerd's inspector, so that the module's evaluation and its top-level
 * `await`s are sampled. Here the sampling interval is ours to choose (wrangler's is
 * about 1 ms, too coarse to rank functions), and the samples are attributed to the
 * bundled modules by the `// path` comments esbuild writes before each.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CpuProfile, bundleModules, parents } from '../workerd/cpu-profile.js';
import { connectInspector } from '../workerd/inspector.js';
import { cpuMs, distModules, startWorker, workerdPids } from '../workerd/workerd.js';

/** The worker in `dir` behind an entry that imports it on the first request, as `wrangler check startup` runs it. */
function startImportingOnRequest(dir: string, inspect: boolean) {
  const entry = {
    type: 'ESModule' as const,
    path: join(dir, '__startup_entry.js'),
    contents: `export default { async fetch() { await import('./index.js'); return new Response('ok'); } };`,
  };
  return startWorker([entry, ...distModules(dir)], 'startup', { modulesRoot: dir, ...(inspect ? { inspectorPort: 0 } : {}) });
}

/**
 * The CPU the workerd process spends on one fresh isolate's start-up of the worker in `dir`,
 * read from the kernel (all threads), without a profiler attached: the module's evaluation
 * plus one small request through Miniflare's entry worker (the same for every bundle, so it
 * cancels in a comparison). Less inflated by a busy machine than the profile's sampled time,
 * which counts the time the thread waited for a core.
 */
export async function startupCpuMs(dir: string): Promise<number> {
  const mf = startImportingOnRequest(dir, false);
  try {
    await mf.ready;
    const pids = workerdPids();
    if (pids.length !== 1) throw new Error(`expected one workerd process, found ${pids.length}`);
    const before = cpuMs(pids[0]!);
    const response = await mf.dispatchFetch('http://localhost/');
    await response.text();
    if (response.status !== 200) throw new Error(`the worker in ${dir} failed to start: ${response.status}`);
    return cpuMs(pids[0]!) - before;
  } finally {
    await mf.dispose();
  }
}

/** Profiles one fresh isolate's start-up of the worker in `dir` (a `wrangler deploy --dry-run --outdir`). */
export async function profileStartup(dir: string, intervalUs = 100): Promise<CpuProfile> {
  const mf = startImportingOnRequest(dir, true);
  try {
    await mf.ready;
    const inspector = await connectInspector(mf, 'core:user:ltv-edge');
    try {
      await inspector.send('Profiler.enable');
      await inspector.send('Profiler.setSamplingInterval', { interval: intervalUs });
      await inspector.send('Profiler.start');
      const response = await mf.dispatchFetch('http://localhost/');
      await response.text();
      if (response.status !== 200) throw new Error(`the worker in ${dir} failed to start: ${response.status}`);
      const { profile } = await inspector.send<{ profile?: CpuProfile }>('Profiler.stop', {}, 60_000);
      if (profile === undefined) throw new Error('the profiler returned no profile');
      return profile;
    } finally {
      inspector.close();
    }
  } finally {
    await mf.dispose();
  }
}

/** Active (non-idle) milliseconds of a profile, counted as `wrangler check startup` counts them. */
export function activeMs(profile: CpuProfile): number {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  let us = 0;
  profile.samples.forEach((id, i) => {
    if (!idle.has(id)) us += profile.timeDeltas[i] ?? 0;
  });
  return us / 1000;
}

export interface StartupBreakdown {
  profiles: number;
  /** Mean active ms per profile. */
  activeMs: number;
  /** Mean self ms per profile by bundled module (or V8's own frames). */
  selfByModule: Map<string, number>;
  /** Mean inclusive ms per profile by function (`name @ module`). */
  inclusiveByFunction: Map<string, number>;
}

/** Sums several profiles of one bundle (its dist/index.js given) into means per profile. */
export function breakDown(profiles: readonly CpuProfile[], bundle: string): StartupBreakdown {
  const moduleAt = bundleModules(bundle);
  const selfByModule = new Map<string, number>();
  const inclusiveByFunction = new Map<string, number>();
  let total = 0;
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = parents(profile);
    const where = (id: number) => {
      const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
      const module = url.endsWith('index.js') ? (moduleAt(lineNumber) ?? 'index.js (esbuild runtime)') : url.startsWith('wasm://') ? 'WebAssembly' : url || '(V8)';
      return { module, name: `${functionName || '(anonymous)'} @ ${module}` };
    };
    profile.samples.forEach((leaf, i) => {
      if (byId.get(leaf)!.callFrame.functionName === '(idle)') return;
      const us = profile.timeDeltas[i] ?? 0;
      total += us;
      add(selfByModule, where(leaf).module, us);
      const seen = new Set<string>();
      for (let at: number | undefined = leaf; at !== undefined; at = parent.get(at)) {
        const { name } = where(at);
        if (!seen.has(name)) add(inclusiveByFunction, name, us);
        seen.add(name);
      }
    });
  }
  const perProfileMs = (map: Map<string, number>) => new Map([...map].map(([key, us]) => [key, us / 1000 / profiles.length]));
  return { profiles: profiles.length, activeMs: total / 1000 / profiles.length, selfByModule: perProfileMs(selfByModule), inclusiveByFunction: perProfileMs(inclusiveByFunction) };
}

/** The breakdown as text: the top `n` of each table. */
export function formatBreakdown(label: string, b: StartupBreakdown, n = 25): string {
  const top = (map: Map<string, number>) =>
    [...map].sort((x, y) => y[1] - x[1]).slice(0, n).map(([key, ms]) => `    ${ms.toFixed(2).padStart(7)}  ${key}`);
  return [
    `${label}: ${b.activeMs.toFixed(1)} ms active per start-up (mean of ${b.profiles} profiles)`,
    '  self ms by module:',
    ...top(b.selfByModule),
    '  inclusive ms by function:',
    ...top(b.inclusiveByFunction),
  ].join('\n');
}

export function readBundle(dir: string): string {
  return readFileSync(join(dir, 'index.js'), 'utf8');
}

/**
 * A V8 CPU profile of a built worker's start-up, as `wrangler check startup` takes it:
 * a wrapper entry imports the worker on its first request, with the profiler attached
 * through workerd's inspector, so the module's evaluation (and its top-level `await` of
 * the model load) is sampled. Samples are attributed by the bundle's module comments.
 * The profiler's sampling inflates call-heavy code: compare builds within one run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CpuProfile, bundleModules, parents } from './cpu-profile.js';
import { connectInspector } from './inspector.js';
import { type WorkerModule, distModules, startWorker } from './workerd.js';

export const MODEL = 'model load: src/inference (the engine, its WebAssembly), onnxruntime-web';

/** Milliseconds of start-up CPU by group, the total first. */
export async function profileStartup(dir: string, bindings: Record<string, string | number> = {}, onLog?: (line: string) => void): Promise<[string, number][]> {
  const wrapper: WorkerModule = {
    type: 'ESModule',
    path: join(dir, '__measure_startup.js'),
    contents: `export default { async fetch() { await import('./index.js'); return new Response('ok'); } };`,
  };
  const mf = startWorker([wrapper, ...distModules(dir)], 'unused', { inspectorPort: 0, modulesRoot: dir, bindings, ...(onLog === undefined ? {} : { onLog }) });
  try {
    await mf.ready;
    const inspector = await connectInspector(mf, 'core:user:ltv-edge');
    await inspector.send('Profiler.enable');
    await inspector.send('Profiler.setSamplingInterval', { interval: 200 });
    await inspector.send('Profiler.start');
    const response = await mf.dispatchFetch('http://localhost/');
    await response.text();
    const { profile } = await inspector.send<{ profile?: CpuProfile }>('Profiler.stop', {}, 60_000);
    inspector.close();
    if (profile === undefined) throw new Error('the profiler returned no profile');
    return attribute(profile, readFileSync(join(dir, 'index.js'), 'utf8'));
  } finally {
    await mf.dispose();
  }
}

/** Milliseconds of CPU by group: the model's load (the engine, its WebAssembly, ORT), other JavaScript, and V8 itself. */
function attribute(profile: CpuProfile, bundle: string): [string, number][] {
  const moduleAt = bundleModules(bundle);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = parents(profile);
  const totals = new Map<string, number>();
  profile.samples.forEach((leaf, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    let group: string | undefined;
    for (let at: number | undefined = leaf; at !== undefined && group === undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (frame.url.startsWith('wasm://') || /^wasm-function|^js-to-wasm|^wasm-to-js/.test(frame.functionName)) group = MODEL;
      else if (frame.url.endsWith('/index.js') || frame.url === 'index.js') {
        const module = moduleAt(frame.lineNumber);
        if (module?.includes('onnxruntime-web') || module?.startsWith('src/inference/')) group = MODEL;
        else if (module !== undefined) group = `other JavaScript: ${module.startsWith('src/') ? 'the app' : 'libraries'} (evaluation, schemas)`;
      }
    }
    const name = byId.get(leaf)!.callFrame.functionName;
    group ??= name === '(idle)' ? 'idle' : name.startsWith('(') ? `V8 ${name}` : 'other';
    totals.set(group, (totals.get(group) ?? 0) + ms);
  });
  const active = [...totals].filter(([g]) => g !== 'idle').reduce((s, [, ms]) => s + ms, 0);
  return [['total (excluding idle)', active], ...[...totals].filter(([g]) => g !== 'idle').sort((a, b) => b[1] - a[1])];
}

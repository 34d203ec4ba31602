/**
 * The engines inside workerd, timed from outside. workerd's clocks do not advance
 * during compute, so the per-call cost is read from the workerd process's CPU
 * (/proc, all threads; ./workerd.ts): one request runs the model K times at batch B,
 * an otherwise identical request runs it 0 times, and the difference over K is one
 * call. K is sized so that a request holds about `ms` of compute, which makes the
 * request's fixed cost (Miniflare's entry worker, HTTP, JSON) vanish in the difference.
 *
 * The worker is scripts/measure/inference/worker/, bundled here by wrangler's own
 * bundler (`wrangler deploy --dry-run --define BUNDLE_ORT:true`: both engines, as an ORT
 * build of the real worker carries them) and run through ../workerd/workerd.ts's
 * startWorker; the models arrive as data blob bindings.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Miniflare } from 'miniflare';
import type { BenchModel } from './models.js';
import { compatibilityDate, cpuMs, distModules, root, startWorker, workerdPids } from '../workerd/workerd.js';

/** Bundles the bench worker into `outDir` (index.js, the kernels' and ORT's .wasm). */
export function bundleBenchWorker(outDir: string): void {
  const wrangler = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js');
  const config = join(root, 'scripts', 'measure', 'inference', 'worker', 'wrangler.toml');
  const run = spawnSync(
    process.execPath,
    [wrangler, 'deploy', '--dry-run', '--outdir', outDir, '--config', config, '--compatibility-date', compatibilityDate(), '--define', 'BUNDLE_ORT:true'],
    { cwd: root, encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
  );
  if (run.status !== 0) throw new Error(`bundling the bench worker (${config}) failed (${run.error?.message ?? `exit ${run.status}`}):\n${run.stdout}${run.stderr}`);
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** Which engine of the bench worker runs (src/inference/choose.ts). */
export type WorkerdEngine = 'compiled' | 'ort';

interface Target {
  model: string;
  batch: number;
  engine: WorkerdEngine;
}

export class WorkerdInference {
  /** Runs per request, per model and batch, found by `calibrate`. */
  private readonly runs = new Map<string, number>();

  private constructor(
    private readonly mf: Miniflare,
    private readonly base: URL,
    private readonly pid: number,
  ) {}

  /** Starts the bundle in `bundleDir` in local workerd with `models`; engines are made at the isolate's start-up. */
  static async start(bundleDir: string, models: readonly BenchModel[]): Promise<WorkerdInference> {
    const described = Object.fromEntries(models.map((m) => [m.name, { input: m.spec.io.input, outputs: m.spec.io.outputs, width: m.width }]));
    const mf = startWorker(distModules(bundleDir), 'unused', {
      modulesRoot: bundleDir,
      bindings: { MODELS: JSON.stringify(described) },
      dataBlobBindings: Object.fromEntries(models.map((m) => [`ONNX_${m.name}`, m.onnxPath])),
    });
    try {
      const base = await mf.ready;
      const [pid] = workerdPids();
      if (pid === undefined) throw new Error('no workerd child process found');
      return new WorkerdInference(mf, base, pid);
    } catch (error) {
      await mf.dispose();
      throw error;
    }
  }

  async dispose(): Promise<void> {
    await this.mf.dispose();
  }

  /** The first output of `model` for the bench rows at `batch` (for the agreement check). */
  async predict(model: string, batch: number, engine: WorkerdEngine): Promise<Float32Array> {
    return Float32Array.from((await this.get('/predict', { model, batch, engine })) as number[]);
  }

  /** CPU µs of one call of `model` at `batch` through `engine`: one round, about `ms` of compute. */
  async usPerCall(model: string, batch: number, ms: number, engine: WorkerdEngine): Promise<number> {
    const at: Target = { model, batch, engine };
    const key = `${model}/${batch}/${engine}`;
    const runs = this.runs.get(key) ?? (await this.calibrate(at, ms));
    this.runs.set(key, runs);
    const busy = await this.requestCpuMs(at, runs);
    const idle = await this.requestCpuMs(at, 0);
    return (1000 * (busy - idle)) / runs;
  }

  /**
   * Grows K tenfold until a request holds a fifth of `ms`, then scales it to `ms`, and
   * runs one request of that size unmeasured: the warm-up, during which V8 in workerd
   * compiles the hot WebAssembly functions again, optimised, on threads this CPU figure counts.
   */
  private async calibrate(at: Target, ms: number): Promise<number> {
    await this.requestCpuMs(at, 0);
    let runs = 1;
    for (;;) {
      const compute = (await this.requestCpuMs(at, runs)) - (await this.requestCpuMs(at, 0));
      if (compute >= ms / 5 || runs >= 1e6) {
        runs = Math.max(1, Math.round((runs * ms) / Math.max(compute, 1e-3)));
        await this.requestCpuMs(at, runs);
        return runs;
      }
      runs *= 10;
    }
  }

  /** workerd's CPU (ms, all threads) across one /run request, including its tail. */
  private async requestCpuMs(at: Target, runs: number): Promise<number> {
    const before = cpuMs(this.pid);
    await this.get('/run', { ...at, runs });
    // Let workerd finish the request's tail (the entry worker, logging) before reading its CPU.
    await sleep(20);
    return cpuMs(this.pid) - before;
  }

  private async get(path: string, query: Record<string, string | number>): Promise<unknown> {
    const url = new URL(path, this.base);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
    const response = await fetch(url);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`bench worker ${url.pathname}${url.search}: status ${response.status}: ${text}`);
    return JSON.parse(text) as unknown;
  }
}

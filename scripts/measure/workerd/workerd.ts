/**
 * The built worker (dist/) in local workerd through Miniflare's API, and the CPU
 * time of the workerd process, read from the kernel: workerd's own clocks do not
 * advance during compute (a Spectre mitigation), so timings taken inside the
 * worker say little about CPU. /proc/<pid>/task/<tid>/schedstat counts every
 * thread's on-CPU time in nanoseconds.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';

export const root = resolve(dirname(new URL(import.meta.url).pathname), '..', '..', '..');
/** The built worker; BENCH_DIST points elsewhere (e.g. a copy of another commit's dist/) for a before/after. */
export const dist = process.env.BENCH_DIST ?? join(root, 'dist');

export interface WorkerModule {
  type: 'ESModule' | 'CompiledWasm' | 'Data' | 'Text';
  path: string;
  contents?: string;
}

/**
 * dist/ (or another `wrangler deploy --dry-run` output, `dir`) as worker modules, typed as
 * wrangler uploads them: index.js (the bundle) first, then what it imports by wrangler.toml's
 * rules: ORT's .wasm (CompiledWasm) and the model (Data); a .js or .css file beside them
 * would be there only because a Text rule matched it (none does today: Swagger UI is a
 * static asset, not a module).
 */
export function distModules(dir = dist): WorkerModule[] {
  if (!existsSync(join(dir, 'index.js'))) throw new Error(`${join(dir, 'index.js')} is missing: run \`npm run build\` first`);
  const types: Record<string, WorkerModule['type']> = { '.js': 'Text', '.css': 'Text', '.wasm': 'CompiledWasm', '.onnx': 'Data' };
  return readdirSync(dir)
    .flatMap((name) => {
      const type = name === 'index.js' ? 'ESModule' : types[name.slice(name.lastIndexOf('.'))];
      return type === undefined || name.startsWith('__') ? [] : [{ type, path: join(dir, name) }];
    })
    .sort((a, b) => Number(b.path.endsWith('index.js')) - Number(a.path.endsWith('index.js')));
}

export function compatibilityDate(): string {
  const match = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(readFileSync(join(root, 'wrangler.toml'), 'utf8'));
  if (match === null) throw new Error('wrangler.toml has no compatibility_date');
  return match[1]!;
}

export interface StartOptions {
  inspectorPort?: number;
  /** Bindings beyond API_TOKEN (vars; the built worker reads wrangler.toml's defaults otherwise). */
  bindings?: Record<string, string | number>;
  ratelimits?: Record<string, { namespace_id: string; simple: { limit: number; period: 10 | 60 } }>;
  /** Where the worker's console lines go; default: stderr when BENCH_WORKER_LOGS is set, else nowhere. */
  onLog?: (message: string) => void;
  /** The directory module names are relative to (default: dist/); a bench worker bundled elsewhere sets its own. */
  modulesRoot?: string;
  /** Bindings that arrive as an ArrayBuffer, from a file path or bytes (the inference bench's models). */
  dataBlobBindings?: Record<string, string | Uint8Array<ArrayBuffer>>;
}

/** The one way the scripts (bench, measure:worker, soak) run the built worker in local workerd. */
export function startWorker(modules: WorkerModule[], token: string, options: StartOptions = {}): Miniflare {
  const { bindings = {}, onLog, modulesRoot = dist, ...extra } = options;
  const log = onLog ?? ((message: string) => { if (process.env.BENCH_WORKER_LOGS) console.error('  [worker] ' + message); });
  return new Miniflare(
    convertV4MiniflareOptions({
      name: 'ltv-edge',
      compatibilityDate: compatibilityDate(),
      modulesRoot,
      modules,
      bindings: { API_TOKEN: token, ...bindings },
      host: '127.0.0.1',
      port: 0,
      handleStructuredLogs: ({ message }: { message: string }) => log(message.trim()),
      ...extra,
    }),
  );
}

/** The pids of the workerd processes started by this process (Miniflare spawns one per instance). */
export function workerdPids(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, comm]) => comm === 'workerd')
    .map(([pid]) => Number(pid));
}

/** On-CPU time of every thread of `pid`, in milliseconds (nanosecond resolution). */
export function cpuMs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return ns / 1e6;
}

/** Peak resident set size of `pid` in MiB (VmHWM). */
export function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? Number.NaN : Number(match[1]) / 1024;
}

/** On-CPU milliseconds per thread of `pid` (for finding where a request's CPU went). */
export function cpuMsByThread(pid: number): Map<string, number> {
  const threads = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      threads.set(`${tid} ${name}`, Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6);
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return threads;
}

/**
 * Start-up of the shipped worker beside the app floor (./floor-worker/: the same app and
 * config with a constant in place of the model engine), and of any other prebuilt
 * bundles given (a before/after): each bundled once with the real wrangler.toml, then
 * measured in alternating rounds, so load on the machine falls on all alike.
 *
 *   check startup  `wrangler check startup --workerBundle`: the figure Cloudflare's tool
 *                  prints (sampled time minus idle, wrangler's ~1 ms sampling)
 *   process CPU    the workerd process's CPU (all threads, /proc) for the isolate's start-up
 *                  and one small request, with no profiler: steadier on a busy machine,
 *                  and including ~3-4 ms of Miniflare's entry worker that the other omits
 *   upload         the modules (source map excluded), raw and gzipped as wrangler reports
 *
 * With `profiles` > 0, also the mean start-up profile of each bundle by module and by
 * function (100 µs sampling), to see where the time goes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorker, mib, uploadSize } from '../../build/bundle.js';
import { median, spread } from '../stats.js';
import { checkStartupMs } from './check-startup.js';
import { breakDown, formatBreakdown, profileStartup, readBundle, startupCpuMs } from './profile.js';

export const FLOOR_ENTRY = 'scripts/measure/startup/floor-worker/index.ts';

export interface Bundle {
  label: string;
  /** Modules, as `wrangler deploy --dry-run --outdir` writes them. */
  dir: string;
  /** The same as one multipart file (`--outfile`). */
  file: string;
}

export interface StartupOptions {
  rounds: number;
  /** Start-up profiles per bundle for the breakdown; 0: none. */
  profiles: number;
  /** Prebuilt bundles measured beside ours (dir and file as in Bundle). */
  others?: Bundle[];
}

export interface StartupResult {
  checkStartupMs: Map<string, number[]>;
  processCpuMs: Map<string, number[]>;
  markdown: string;
}

/** Bundles the shipped worker and the floor into a temporary directory. */
export function bundleOurs(into: string): Bundle[] {
  return [
    { label: 'shipped worker (src/index.ts)' },
    { label: 'app floor (constant model)', entry: FLOOR_ENTRY },
  ].map(({ label, entry }, i) => {
    const bundle = { label, dir: join(into, `${i}`), file: join(into, `${i}.bundle`) };
    bundleWorker({ outDir: bundle.dir, bundleFile: bundle.file, ...(entry === undefined ? {} : { entry }), output: 'capture' });
    return bundle;
  });
}

export async function benchStartup(options: StartupOptions): Promise<StartupResult> {
  const work = mkdtempSync(join(tmpdir(), 'ltv-bench-startup-'));
  try {
    process.stderr.write('bundling the shipped worker and the app floor …\n');
    const bundles = [...bundleOurs(work), ...(options.others ?? [])];
    const check = new Map(bundles.map((b) => [b.label, [] as number[]]));
    const cpu = new Map(bundles.map((b) => [b.label, [] as number[]]));
    for (let round = 0; round < options.rounds; round++) {
      process.stderr.write(`round ${round + 1}/${options.rounds}\n`);
      for (const b of bundles) {
        check.get(b.label)!.push(checkStartupMs(b.file));
        cpu.get(b.label)!.push(await startupCpuMs(b.dir));
      }
    }
    const floor = bundles[1]!.label;
    const lines = [
      `start-up CPU, ms: median [min–max] of ${options.rounds} alternating rounds; load ${readFileSync('/proc/loadavg', 'utf8').trim()}`,
      `  ${'bundle'.padEnd(36)} ${'check startup'.padStart(20)} ${'÷ floor'.padStart(8)} ${'process CPU'.padStart(20)} ${'÷ floor'.padStart(8)}   upload (gzip)`,
      ...bundles.map((b) => {
        const size = uploadSize(b.dir);
        const ratio = (m: Map<string, number[]>) => (median(m.get(b.label)!) / median(m.get(floor)!)).toFixed(2) + '×';
        return `  ${b.label.padEnd(36)} ${spread(check.get(b.label)!, 1).padStart(20)} ${ratio(check).padStart(8)} ${spread(cpu.get(b.label)!, 1).padStart(20)} ${ratio(cpu).padStart(8)}   ${mib(size.bytes)} (${mib(size.gzip)})`;
      }),
    ];
    if (options.profiles > 0) {
      for (const b of bundles) {
        process.stderr.write(`profiling ${b.label} …\n`);
        const profiles = [];
        for (let i = 0; i < options.profiles; i++) profiles.push(await profileStartup(b.dir, 100));
        lines.push('', formatBreakdown(b.label, breakDown(profiles, readBundle(b.dir)), 20));
      }
    }
    return { checkStartupMs: check, processCpuMs: cpu, markdown: lines.join('\n') };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The worker built as `wrangler deploy` would upload it, in the variants the benchmarks
 * compare, each into its own directory: the default build (the compiled engine, no
 * onnxruntime-web in the bundle), the build for graphs outside the compiled subset
 * (`--define BUNDLE_ORT:true`, served on ORT by setting ENGINE = ort), and either
 * without the request-path warm-up at start-up (src/index.ts, SKIP_REQUEST_WARM_UP), to
 * see what that warm-up buys.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { root } from './workerd.js';

export interface BuildVariant {
  /** For tables, e.g. `compiled` or `ort`. */
  label: string;
  /** Bundle onnxruntime-web (BUNDLE_ORT). */
  ort: boolean;
  /** Leave the request-path warm-up out of start-up (SKIP_REQUEST_WARM_UP). Default false. */
  skipRequestWarmUp?: boolean;
  /** Bindings the variant runs with, beyond wrangler.toml's vars (e.g. ENGINE = ort). */
  bindings?: Record<string, string | number>;
}

export const COMPILED: BuildVariant = { label: 'compiled (default build)', ort: false };
export const COMPILED_NO_REQUEST_WARM_UP: BuildVariant = { label: 'compiled, no request-path warm-up', ort: false, skipRequestWarmUp: true };
export const ORT: BuildVariant = { label: 'ORT-web (BUNDLE_ORT build, ENGINE=ort)', ort: true, bindings: { ENGINE: 'ort' } };

export interface ModuleSize {
  name: string;
  bytes: number;
  gzip: number;
}

export interface Build {
  variant: BuildVariant;
  dir: string;
  /** What the upload holds (source maps left out), largest first. */
  modules: ModuleSize[];
  upload: { bytes: number; gzip: number };
  remove(): void;
}

/** Builds `variant` into `dir` (emptied first) with `wrangler deploy --dry-run`. */
export function buildVariant(variant: BuildVariant, dir: string): Build {
  rmSync(dir, { recursive: true, force: true });
  const wrangler = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js');
  // Both constants every time: wrangler's --define replaces the config's define table.
  const defines = [`BUNDLE_ORT:${variant.ort}`, `SKIP_REQUEST_WARM_UP:${variant.skipRequestWarmUp ?? false}`].flatMap((d) => ['--define', d]);
  const run = spawnSync(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', dir, ...defines], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  if (run.status !== 0) throw new Error(`building ${variant.label} failed (${run.error?.message ?? `exit ${run.status}`}):\n${run.stdout}${run.stderr}`);
  const modules = readdirSync(dir)
    .filter((name) => name !== 'README.md' && !name.endsWith('.map'))
    .map((name) => ({ name, bytes: statSync(join(dir, name)).size, gzip: gzipSync(readFileSync(join(dir, name))).length }))
    .sort((a, b) => b.bytes - a.bytes);
  const upload = { bytes: modules.reduce((s, m) => s + m.bytes, 0), gzip: modules.reduce((s, m) => s + m.gzip, 0) };
  return { variant, dir, modules, upload, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

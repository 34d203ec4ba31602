/**
 * The worker bundled exactly as `wrangler deploy` would upload it, without uploading:
 * `wrangler deploy --dry-run` with the real wrangler.toml (its [build] step, rules,
 * assets and bindings), into a directory of modules and one multipart bundle file,
 * the form `wrangler check startup --workerBundle` profiles. Used by `npm run build`
 * and by the start-up benchmark, which bundles other entries with the same config.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');

/** wrangler's CLI on this very Node (the project's Node 22), not whatever `node` is first on PATH. */
export const wranglerBin = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js');

export interface BundleOptions {
  /** Directory of the uploaded modules (index.js, the .wasm and .onnx it imports, the source map); replaced. */
  outDir: string;
  /** The multipart bundle as wrangler would send it, for `wrangler check startup --workerBundle`. */
  bundleFile?: string;
  /** Another entry than wrangler.toml's `main`, relative to the project root (a bench-only variant). */
  entry?: string;
  /** A wrangler.toml environment (`staging`, `production`); default: the top level. */
  env?: string;
  /** Where wrangler's own output goes; default: this process's stderr. */
  output?: 'inherit' | 'capture';
}

export class BundleError extends Error {
  override name = 'BundleError';
}

export function bundleWorker({ outDir, bundleFile, entry, env, output = 'inherit' }: BundleOptions): void {
  rmSync(outDir, { recursive: true, force: true });
  const args = [
    wranglerBin, 'deploy', '--dry-run',
    ...(entry === undefined ? [] : [entry]),
    // An explicit environment, the top level's being "": wrangler otherwise warns that none was chosen.
    '--env', env ?? '',
    '--outdir', outDir,
    ...(bundleFile === undefined ? [] : ['--outfile', bundleFile]),
  ];
  const run = spawnSync(process.execPath, args, {
    cwd: root,
    stdio: output === 'inherit' ? ['ignore', process.stderr, process.stderr] : ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  if (run.status !== 0) {
    const said = output === 'capture' ? `\n${run.stdout ?? ''}${run.stderr ?? ''}` : '';
    throw new BundleError(`wrangler deploy --dry-run${entry === undefined ? '' : ` ${entry}`} failed (${run.error?.message ?? `exit ${run.status}`})${said}`);
  }
}

export interface UploadFile {
  name: string;
  bytes: number;
  gzip: number;
  sourceMap: boolean;
}

export interface UploadSize {
  /** Every file of the directory but wrangler's README and a multipart bundle written there, largest first. */
  files: UploadFile[];
  /** The modules (source map excluded), in bytes: what counts against Workers' size limits. */
  bytes: number;
  /** The modules gzipped as one stream, as `wrangler deploy` reports "gzip" (and Cloudflare counts it). */
  gzip: number;
}

/** What the modules in `dir` (a `bundleWorker` outDir) weigh; only the files `include` keeps, when given. */
export function uploadSize(dir: string, include: (name: string) => boolean = () => true): UploadSize {
  const files = readdirSync(dir)
    .filter((name) => name !== 'README.md' && !name.endsWith('.bundle') && include(name))
    .map((name) => {
      const content = readFileSync(join(dir, name));
      return { name, bytes: statSync(join(dir, name)).size, gzip: gzipSync(content).length, sourceMap: name.endsWith('.map'), content };
    })
    .sort((a, b) => b.bytes - a.bytes);
  const modules = files.filter((f) => !f.sourceMap);
  return {
    files: files.map(({ content: _content, ...file }) => file),
    bytes: modules.reduce((sum, f) => sum + f.bytes, 0),
    gzip: gzipSync(Buffer.concat(modules.map((f) => f.content))).length,
  };
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

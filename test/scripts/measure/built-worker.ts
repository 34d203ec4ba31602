/**
 * The worker built as `wrangler deploy` would upload it, into a temporary directory so
 * that dist/ is left alone, for the tests of the benchmarks that run it in workerd.
 * scripts/measure/workerd/workerd.ts reads BENCH_DIST once, when first imported: import the bench
 * modules only after `buildWorker()`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = new URL('../../..', import.meta.url).pathname;

export interface BuiltWorker {
  dir: string;
  remove(): void;
}

export function buildWorker(): BuiltWorker {
  const dir = mkdtempSync(join(tmpdir(), 'ltv-bench-build-'));
  const wrangler = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js');
  const build = spawnSync(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', dir], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  if (build.status !== 0) throw new Error(`wrangler deploy --dry-run failed (exit ${build.status}):\n${build.stderr}`);
  process.env.BENCH_DIST = dir;
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

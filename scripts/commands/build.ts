/**
 * npm run build: bundles the worker exactly as `wrangler deploy` would upload it
 * (`wrangler deploy --dry-run --outdir dist`) and reports what the upload weighs
 * against Workers' 64 MiB limit. Exits 1 when over it.
 *
 * dist/ then holds what scripts/measure/commands/measure-worker.ts runs: index.js (the app, ORT's
 * JavaScript, the manifest), ORT's .wasm and ltv.onnx as modules, and the source map.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const LIMIT_BYTES = 64 * 1024 * 1024;
const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const outDir = join(root, 'dist');

function main(): number {
  rmSync(outDir, { recursive: true, force: true });
  // wrangler on this very Node (the project's Node 22), not whatever `node` is first on PATH.
  const wrangler = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js');
  const run = spawnSync(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', outDir], {
    cwd: root,
    stdio: ['ignore', process.stderr, process.stderr],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  if (run.status !== 0) {
    console.error(`wrangler deploy --dry-run failed (${run.error?.message ?? `exit ${run.status}`})`);
    return 1;
  }

  const files = readdirSync(outDir)
    .filter((name) => name !== 'README.md')
    .map((name) => {
      const bytes = statSync(join(outDir, name)).size;
      return { name, bytes, gzip: gzipSync(readFileSync(join(outDir, name))).length, sourceMap: name.endsWith('.map') };
    })
    .sort((a, b) => b.bytes - a.bytes);
  const modules = files.filter((f) => !f.sourceMap);
  const total = (list: typeof files, key: 'bytes' | 'gzip') => list.reduce((sum, f) => sum + f[key], 0);

  console.log('dist/ (what wrangler deploy uploads):');
  for (const f of files) console.log(`  ${mib(f.bytes).padStart(11)}  gzip ${mib(f.gzip).padStart(10)}  ${f.name}${f.sourceMap ? '  (source map)' : ''}`);
  const upload = total(modules, 'bytes');
  console.log(`upload size: ${mib(upload)} of the 64 MiB limit (${((100 * upload) / LIMIT_BYTES).toFixed(1)}%), gzip ${mib(total(modules, 'gzip'))}`);
  console.log(`  with the source map: ${mib(total(files, 'bytes'))}`);
  if (upload > LIMIT_BYTES) {
    console.error(`the worker is over the 64 MiB upload limit by ${mib(upload - LIMIT_BYTES)}`);
    return 1;
  }
  return 0;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

process.exitCode = main();

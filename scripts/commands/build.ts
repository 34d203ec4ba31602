/**
 * npm run build -- [--env NAME]: bundles the worker exactly as `wrangler deploy [--env NAME]` would upload it
 * (`wrangler deploy --dry-run`, ../build/bundle.ts) and reports what the upload weighs
 * against the project's size budget and Workers' own limits. Exits 1 above either.
 *
 * dist/ then holds what scripts/measure/ runs: index.js (the app, the manifest, the engine's
 * JavaScript), the WebAssembly and ltv.onnx it imports as modules, the source map, and
 * worker.bundle, the same upload as one multipart file for `wrangler check startup --workerBundle`.
 *
 * The budget, and why this figure: the upload, gzipped as wrangler reports it, stays within
 * 1 MiB. That is the size at which a fresh isolate of the compiled engine is meant to ship
 * with the model included; the app's own JavaScript is ~0.2 MiB gzip and the shipped
 * model 0.26 MiB (float32 weights barely compress), which leaves room for a model about
 * twice as large before the budget says so. onnxruntime-web's WebAssembly (13.6 MiB, 3.5 MiB
 * gzip) is counted beside the budget, not in it, for as long as it ships: it is the ORT
 * engine's fixed price and cannot shrink, and once the compiled engine drops it the
 * exception matches nothing. Workers' own limits are checked on the whole upload: 64 MiB
 * uncompressed, and 10 MiB gzip on the Paid plan (3 MiB on Free).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BundleError, bundleWorker, mib, root, uploadSize } from '../build/bundle.js';
import { runCli } from '../cli/run.js';

const UPLOAD_BUDGET = {
  /** The upload gzipped as one stream, ORT's WebAssembly excepted (see above). */
  gzipBytes: 1024 * 1024,
  /** Modules counted beside the budget rather than in it, with why. */
  outside: [{ pattern: /ort-wasm[\w-]*\.wasm$/, why: "onnxruntime-web's WebAssembly, the ORT engine's fixed price" }],
} as const;

const WORKERS_LIMITS = { bytes: 64 * 1024 * 1024, gzipPaid: 10 * 1024 * 1024, gzipFree: 3 * 1024 * 1024 };

const outDir = join(root, 'dist');

function main(argv: string[]): void {
  const { values } = parseArgs({ args: argv, strict: true, options: { env: { type: 'string' } } });
  bundleWorker({ outDir, bundleFile: join(outDir, 'worker.bundle'), ...(values.env === undefined ? {} : { env: values.env }) });
  const all = uploadSize(outDir);
  const outside = (name: string) => UPLOAD_BUDGET.outside.find((rule) => rule.pattern.test(name));
  const counted = uploadSize(outDir, (name) => outside(name) === undefined);

  console.log(`dist/ (what wrangler deploy${values.env === undefined ? '' : ` --env ${values.env}`} uploads):`);
  for (const f of all.files) {
    const note = f.sourceMap ? '  (source map, not counted)' : outside(f.name) === undefined ? '' : `  (beside the budget: ${outside(f.name)!.why})`;
    console.log(`  ${mib(f.bytes).padStart(11)}  gzip ${mib(f.gzip).padStart(10)}  ${f.name}${note}`);
  }
  console.log(`upload size: ${mib(all.bytes)}, gzip ${mib(all.gzip)} (Workers' limits: ${mib(WORKERS_LIMITS.bytes)}; gzip ${mib(WORKERS_LIMITS.gzipPaid)} Paid, ${mib(WORKERS_LIMITS.gzipFree)} Free)`);
  const share = ((100 * counted.gzip) / UPLOAD_BUDGET.gzipBytes).toFixed(0);
  console.log(`size budget: gzip ${mib(counted.gzip)} of ${mib(UPLOAD_BUDGET.gzipBytes)} (${share}%)${counted.files.length < all.files.length ? ', ORT\'s WebAssembly beside it' : ''}`);

  const failures: string[] = [];
  if (counted.gzip > UPLOAD_BUDGET.gzipBytes) failures.push(`the upload is over its size budget: gzip ${mib(counted.gzip)} > ${mib(UPLOAD_BUDGET.gzipBytes)} (scripts/commands/build.ts says why that figure)`);
  if (all.bytes > WORKERS_LIMITS.bytes) failures.push(`the upload is over Workers' ${mib(WORKERS_LIMITS.bytes)} limit by ${mib(all.bytes - WORKERS_LIMITS.bytes)}`);
  if (all.gzip > WORKERS_LIMITS.gzipPaid) failures.push(`the upload is over Workers' ${mib(WORKERS_LIMITS.gzipPaid)} gzip limit (Paid plan) by ${mib(all.gzip - WORKERS_LIMITS.gzipPaid)}`);
  if (failures.length > 0) throw new BundleError(failures.join('; '));
}

runCli('build', main, [BundleError]);

/**
 * npm run pipeline -- --transactions FILE --out DIR [features options] [-- train options]
 *
 * From a transaction log to a trained model in one command: `npm run table-from-log`
 * writes the per-customer table (to --features-out, default DIR.features.csv), then
 * `npm run train` trains on it with the id column set and writes DIR (ltv.onnx,
 * ltv.json, report.json, test-predictions.csv). Options after a second `--` go to
 * train unchanged (e.g. `-- --epochs 50 --hidden 64,32`). Exit codes as the steps'.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { UsageError } from '../cli/args.js';
import { runCli } from '../cli/run.js';
import { DataError } from '../data/errors.js';
import { checkModelDirReplaceable, checkOutputFileReplaceable, checkOutputNotInput } from '../fs/owned-output.js';
import { FEATURE_OPTIONS, type FeatureOptionValues, featuresConfig } from '../log-to-table/args.js';
import { buildFeatures } from '../log-to-table/build.js';
import { featuresSummaryText } from '../log-to-table/summary.js';

/** Thrown when the train step fails; it has printed its own message. */
class StepFailed extends Error {
  override name = 'StepFailed';
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      ...Object.fromEntries(FEATURE_OPTIONS.filter((name) => name !== 'out').map((name) => [name, { type: 'string' as const, multiple: name === 'attribute' }])),
      out: { type: 'string' },
      'features-out': { type: 'string' },
    },
  });
  const { out, 'features-out': featuresOut, ...featureValues } = values as FeatureOptionValues & { 'features-out'?: string };
  if (typeof out !== 'string' || out === '') throw new UsageError('--out DIR is required (the model directory train writes)');
  const table = typeof featuresOut === 'string' ? featuresOut : `${out.replace(/\/+$/, '')}.features.csv`;
  const config = featuresConfig({ ...featureValues, out: table });
  const log = { flag: '--transactions', path: config.transactions };
  checkModelDirReplaceable(out, '--out');
  checkOutputNotInput({ flag: '--out', path: out }, [log]);
  checkOutputFileReplaceable({ flag: typeof featuresOut === 'string' ? '--features-out' : 'the feature table', path: table }, [log]);

  process.stderr.write('── features\n');
  const summary = await buildFeatures(config);
  process.stderr.write(featuresSummaryText(config, summary));

  process.stderr.write('── train\n');
  const train = fileURLToPath(new URL('./train.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', train, '--data', table, '--out', out, '--id', config.columns.customer, ...positionals], { stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) {
    process.exitCode = code ?? 1;
    throw new StepFailed(`train failed (exit ${code ?? 'signal'}); the feature table is in ${table}`);
  }
  process.stderr.write(`── report\nmodel and report in ${out}/ (report.json: cleaning counts, training history, test metrics against the baselines)\n`);
}

runCli('pipeline', main, [DataError, StepFailed]);

/**
 * npm run publish-store -- --features FILE.csv --id COLUMN [--env local|staging|production]
 *
 * Publishes each customer's feature record to the FEATURES Workers KV namespace
 * (wrangler.toml), in bulk, tagged with the version of the model in --model
 * (default model/) so that the worker can refuse records built for another model.
 * Rows that do not fit the spec are listed with their line and field and left out.
 *
 * --env local (default) writes to local workerd storage, the directory `wrangler dev`
 * reads (.wrangler/state, or --persist-to DIR); staging and production write to the
 * remote namespace of that wrangler environment (`wrangler login` first).
 * Options: --model DIR, --persist-to DIR (local only), --dry-run (validate only).
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../cli/args.js';
import { printable, printableList } from '../data/printable.js';
import { runCli } from '../cli/run.js';
import { DataError, plural } from '../data/errors.js';
import { readCsvFile } from '../data/table.js';
import { buildRecords } from '../feature-store/build-records.js';
import { PUBLISH_ENVS, type PublishEnv, PublishError, destination, publishPairs, readModelManifest } from '../feature-store/publish.js';

/** Rejected rows printed in full; the rest are counted. */
const LISTED = 50;

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      features: { type: 'string' },
      id: { type: 'string' },
      env: { type: 'string', default: 'local' },
      model: { type: 'string', default: 'model' },
      'persist-to': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.features === undefined) throw new UsageError('--features FILE.csv is required');
  if (values.id === undefined) throw new UsageError('--id COLUMN is required (the customer id column)');
  const env = values.env as PublishEnv;
  if (!PUBLISH_ENVS.includes(env)) throw new UsageError(`--env: expected one of ${PUBLISH_ENVS.join(', ')}, got "${values.env}"`);
  if (values['persist-to'] !== undefined && env !== 'local') throw new UsageError('--persist-to only applies to --env local');

  const manifest = readModelManifest(values.model);
  const { records } = readCsvFile(values.features);
  const built = buildRecords(records, values.id, manifest, new Date().toISOString(), values.features);
  const rows = records.length - 1;
  console.log(`${values.features}: ${plural(rows, 'row')}; features read: ${printableList(built.featureColumns) || 'none'}`);
  if (built.ignoredColumns.length > 0) console.log(`  ignored (not features of model ${manifest.version}): ${printableList(built.ignoredColumns)}`);
  for (const r of built.rejected.slice(0, LISTED)) {
    console.log(`  rejected: ${values.features}: line ${r.line}${r.field === undefined ? '' : `, field ${printable(r.field)}`}${r.id === undefined ? '' : ` (id ${printable(r.id)})`}: ${r.message}`);
  }
  if (built.rejected.length > LISTED) console.log(`  … and ${built.rejected.length - LISTED} more rejections`);
  if (built.spacedIds > 0) {
    const ids = built.spacedIds === 1 ? '1 id begins or ends' : `${built.spacedIds} ids begin or end`;
    console.log(`  note: ${ids} with white space; ids are stored exactly as written, so score them with the same spaces`);
  }
  const rejectedRows = new Set(built.rejected.map((r) => r.line)).size;

  if (!values['dry-run'] && built.pairs.length > 0) publishPairs(built.pairs, env, values['persist-to']);
  const verb = values['dry-run'] ? 'would publish' : 'published';
  console.log(`${verb} ${plural(built.pairs.length, 'record')} for model ${manifest.version} to ${destination(env, values['persist-to'])}; rejected ${plural(rejectedRows, 'row')}`);
  if (rejectedRows > 0) process.exitCode = 1;
}

runCli('publish-store', main, [DataError, PublishError]);

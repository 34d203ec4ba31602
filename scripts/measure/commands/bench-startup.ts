/**
 * npm run bench:startup -- [--rounds 7] [--profiles 0] [--other LABEL=DIR ...]
 *
 * Start-up CPU and upload size of the shipped worker beside the app floor, the same app
 * with a constant in place of the model engine (../startup/bench.ts). `--other` adds a
 * prebuilt bundle, e.g. another commit's, for a before/after: DIR holds its modules
 * (`wrangler deploy --dry-run --outdir DIR`) and DIR.bundle the same as one file
 * (`--outfile DIR.bundle`).
 */
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, intOption } from '../../cli/args.js';
import { runCli } from '../../cli/run.js';
import { benchStartup } from '../startup/bench.js';

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { rounds: { type: 'string' }, profiles: { type: 'string' }, other: { type: 'string', multiple: true } },
  });
  const others = (values.other ?? []).map((spec) => {
    const at = spec.indexOf('=');
    if (at < 1) throw new UsageError(`--other expects LABEL=DIR, got ${JSON.stringify(spec)}`);
    const dir = spec.slice(at + 1);
    return { label: spec.slice(0, at) || basename(dir), dir, file: `${dir}.bundle` };
  });
  const result = await benchStartup({ rounds: intOption('rounds', values.rounds, 7, 1), profiles: intOption('profiles', values.profiles, 0, 0), others });
  console.log(result.markdown);
}

runCli('bench:startup', main);

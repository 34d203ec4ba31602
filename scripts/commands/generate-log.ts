/**
 * Writes a synthetic transaction log (the process is documented in
 * ./features/log-generator.ts), for `npm run table-from-log` at scale.
 *
 *   npm run generate-log -- [--lines 10000000] [--seed 42] [--out data/transactions.csv]
 *
 * Ends with `.gz`: gzip-compressed. A one-line summary goes to stdout.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';
import { intOption } from '../cli/args.js';
import { runCli } from '../cli/run.js';
import { checkOutputFileReplaceable } from '../fs/owned-output.js';
import { generateLog } from '../log-to-table/log-generator.js';

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, strict: true, options: { lines: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } } });
  const lines = intOption('lines', values.lines, 10_000_000, 1);
  const seed = intOption('seed', values.seed, 42, 0);
  const out = values.out ?? 'data/transactions.csv';
  // A file it may replace: not a directory, not a link to something else.
  checkOutputFileReplaceable({ flag: '--out', path: out }, []);
  mkdirSync(dirname(out), { recursive: true });
  const file = createWriteStream(out);
  const gzip = out.endsWith('.gz') ? createGzip() : undefined;
  if (gzip) gzip.pipe(file);
  const sink: Writable = gzip ?? file;
  const customers = await generateLog({ lines, seed }, async (chunk) => {
    if (!sink.write(chunk)) await once(sink, 'drain');
  });
  sink.end();
  await once(file, 'close');
  process.stdout.write(`wrote ${out}: ${lines.toLocaleString('en')} lines, ${customers.toLocaleString('en')} customers (seed ${seed})\n`);
}

runCli('generate-log', main);

/**
 * Writes a synthetic customer table (the process is documented in ./data/generate.ts).
 *
 *   npm run generate-data -- [--rows 5000] [--seed 42] [--out data/customers.csv]
 *
 * The file goes to --out (directories are created); a one-line summary goes to stdout.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, intOption } from '../cli/args.js';
import { runCli } from '../cli/run.js';
import { checkOutputFileReplaceable } from '../fs/owned-output.js';
import { generateCustomers, toCsv } from '../data/generate.js';
import { DEFAULT_SEED } from '../math/rng.js';

interface GenerateConfig {
  rows: number;
  seed: number;
  out: string;
}

function parseConfig(argv: string[]): GenerateConfig {
  const { values } = parseArgs({
    args: argv,
    options: { rows: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  const out = values.out ?? 'data/customers.csv';
  if (out.trim() === '') throw new UsageError('--out: expected a file path');
  return { rows: intOption('rows', values.rows, 5000, 1), seed: intOption('seed', values.seed, DEFAULT_SEED, 0), out };
}

function main(argv: string[]): void {
  const config = parseConfig(argv);
  // A file it may replace: not a directory, not a link to something else.
  checkOutputFileReplaceable({ flag: '--out', path: config.out }, []);
  const table = generateCustomers(config);
  mkdirSync(dirname(config.out), { recursive: true });
  writeFileSync(config.out, toCsv(table));
  const zeros = table.rows.filter((row) => Number(row[row.length - 1]) === 0).length;
  process.stdout.write(
    `wrote ${config.out}: ${table.rows.length} rows × ${table.header.length} columns ` +
      `(seed ${config.seed}; ${(100 * zeros / table.rows.length).toFixed(1)} % zero targets)\n`,
  );
}

runCli('generate-data', main);

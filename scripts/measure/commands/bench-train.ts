/**
 * Training throughput: samples per second of the full step that `fit` runs (batch
 * gather, forward, MSE, backward, Adam) for each kernel set and batch size, on a
 * seeded random table shaped like the real one. Peers run in the same process one
 * after the other, and each row reports samples per wall second and per CPU second
 * (process.cpuUsage), the latter being the fairer figure on a shared machine.
 * A benchmark, not a test: it prints a table (or, with --json, one JSON document) to
 * stdout and progress to stderr, and asserts nothing.
 *
 *   npm run bench:train -- [--rows 100000] [--features 40] [--hidden 500,100]
 *                          [--batches 32,256] [--kernels simd,reference]
 *                          [--steps 300] [--seconds 20] [--seed 42] [--json]
 */
import { parseArgs } from 'node:util';
import { intListOption, intOption, kernelsOption, listOption } from '../../cli/args.js';
import { runCli } from '../../cli/run.js';
import { Rng } from '../../math/rng.js';
import { type BenchConfig, benchRow, formatTable, generateTable, machine } from '../train/throughput.js';

function parseConfig(argv: string[]): BenchConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string' },
      features: { type: 'string' },
      hidden: { type: 'string' },
      batches: { type: 'string' },
      steps: { type: 'string' },
      seconds: { type: 'string' },
      seed: { type: 'string' },
      kernels: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  return {
    rows: intOption('rows', values.rows, 100_000, 1),
    features: intOption('features', values.features, 40, 1),
    hidden: intListOption('hidden', values.hidden, [500, 100]),
    batches: intListOption('batches', values.batches, [32, 256]),
    steps: intOption('steps', values.steps, 300, 1),
    seconds: intOption('seconds', values.seconds, 20, 1),
    seed: intOption('seed', values.seed, 42),
    kernels: (listOption(values.kernels) ?? ['simd', 'reference']).map((name) => kernelsOption(name)),
    json: values.json ?? false,
  };
}

function main(argv: string[]): void {
  const config = parseConfig(argv);
  process.stderr.write(`generating ${config.rows} × ${config.features} table…\n`);
  const data = generateTable(config.rows, config.features, new Rng(config.seed));
  const results = config.kernels.flatMap((kernels) => config.batches.map((batch) => benchRow(config, kernels, batch, data)));
  const m = machine();
  if (config.json) {
    const { rows, features, hidden, seed } = config;
    process.stdout.write(`${JSON.stringify({ machine: m, table: { rows, features, hidden, seed }, rows: results })}\n`);
  } else {
    process.stdout.write(formatTable(config, results, m));
  }
}

runCli('bench-train', main);

/**
 * npm run compare:losses -- --data FILE --split FILE [--past-spend COLUMN] [--seeds 42,7,123]
 *                           [--losses mse,ziln] [--results FILE] [fit options as for train]
 *
 * The evidence for the default loss: trains each loss with each seed on the table's
 * training split (the trainer's own pipeline, default network unless told), scores
 * the test split next to the mean, ridge and past-spend baselines, and prints one
 * Markdown table, mean ± standard deviation over seeds.
 *
 * With --results FILE every run is appended to FILE as a JSON line and the table
 * covers all runs in it, so a long comparison can be run in short pieces (one seed
 * per call) and still be printed as one table.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, intListOption, listOption } from '../../cli/args.js';
import { FIT_OPTION_NAMES, fitOptions } from '../../cli/fit-options.js';
import { runCli } from '../../cli/run.js';
import { DataError } from '../../data/errors.js';
import { prepareData } from '../../data/prepare.js';
import { type RunResult, runBaselines, runLoss } from '../compare/loss-runs.js';
import { comparisonTable } from '../compare/table.js';
import { TrainingDivergedError } from '../../mlp/fit.js';
import { LOSS_NAMES, type LossName } from '../../mlp/objective.js';

function main(argv: string[]): void {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: Object.fromEntries(
      ['data', 'split', 'id', 'target', 'past-spend', 'seeds', 'losses', 'results', ...FIT_OPTION_NAMES]
        .map((name) => [name, { type: 'string' as const }]),
    ),
  }) as { values: Record<string, string | undefined> };
  if (!v.data) throw new UsageError('--data FILE is required');
  const losses = (listOption(v.losses) ?? [...LOSS_NAMES]).map((loss) => {
    if (!LOSS_NAMES.includes(loss as LossName)) throw new UsageError(`--losses: expected some of ${LOSS_NAMES.join(', ')}, got ${JSON.stringify(loss)}`);
    return loss as LossName;
  });
  const seeds = intListOption('seeds', v.seeds, [42, 7, 123]);
  const fit = fitOptions(v);

  const table = basename(v.data, '.csv');
  const data = prepareData({ data: v.data, split: v.split, id: v.id, target: v.target });
  const fresh: RunResult[] = [];
  const record = (result: RunResult) => {
    fresh.push(result);
    if (v.results !== undefined) appendFileSync(v.results, `${JSON.stringify(result)}\n`);
  };
  const previous = v.results !== undefined && existsSync(v.results) ? readResults(v.results) : [];
  // Baselines are deterministic: once per table is enough.
  if (!previous.some((r) => r.table === table && r.seed === null)) runBaselines(table, data, v['past-spend']).forEach(record);
  for (const seed of seeds) {
    for (const loss of losses) {
      process.stderr.write(`${table}: ${loss}, seed ${seed}…\n`);
      record(runLoss(table, data, loss, seed, fit));
    }
  }
  process.stdout.write(comparisonTable([...previous, ...fresh]));
}

function readResults(file: string): RunResult[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RunResult);
}

runCli('compare-losses', main, [DataError, TrainingDivergedError]);

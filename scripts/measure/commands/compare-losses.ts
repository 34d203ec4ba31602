/**
 * npm run compare:losses -- --data FILE --split FILE [--past-spend COLUMN] [--seeds 42,7,123]
 *                           [--losses mse,ziln] [--members 1,3,5,8] [--member-rows folds|bootstrap]
 *                           [--validation-folds rotate|shared] [--calibrations none,isotonic,large]
 *                           [--results FILE] [fit options as for train]
 *
 * The evidence for the default loss, member count and calibration: trains each loss
 * with each seed on the table's training split (the trainer's own pipeline, default
 * network and ensemble unless told), scores the test split next to the mean, ridge
 * and past-spend baselines, and prints one Markdown table, mean ± standard deviation
 * over seeds. With --members 1,3,5,8 one training of 8 members gives the rows of 1,
 * 3 and 5 as well (the first K members are exactly a K-member model); each count is
 * scored with every calibration of --calibrations (none; the trainer's isotonic map;
 * calibration in the large, one bin).
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
import { CALIBRATION_VARIANTS, type CalibrationVariant, type RunResult, runBaselines, runLoss } from '../compare/loss-runs.js';
import { ENSEMBLE_DEFAULTS } from '../../train/ensemble-defaults.js';
import { comparisonTable } from '../compare/table.js';
import { TrainingDivergedError } from '../../mlp/fit.js';
import { LOSS_NAMES, type LossName } from '../../mlp/objective.js';

function main(argv: string[]): void {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: Object.fromEntries(
      ['data', 'split', 'id', 'target', 'past-spend', 'seeds', 'losses', 'results', 'members', 'member-rows', 'validation-folds', 'calibrations', ...FIT_OPTION_NAMES]
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
  const counts = intListOption('members', v.members, [ENSEMBLE_DEFAULTS.members]);
  if (counts.some((k) => k < 1)) throw new UsageError(`--members: expected positive counts, got ${v.members}`);
  const memberRows = v['member-rows'] ?? ENSEMBLE_DEFAULTS.memberRows;
  if (memberRows !== 'folds' && memberRows !== 'bootstrap') throw new UsageError(`--member-rows: expected folds or bootstrap, got ${JSON.stringify(memberRows)}`);
  const validationFolds = v['validation-folds'] ?? ENSEMBLE_DEFAULTS.validationFolds;
  if (validationFolds !== 'rotate' && validationFolds !== 'shared') throw new UsageError(`--validation-folds: expected rotate or shared, got ${JSON.stringify(validationFolds)}`);
  const calibrations = listOption(v.calibrations)?.map((c) => {
    if (!CALIBRATION_VARIANTS.includes(c as CalibrationVariant)) throw new UsageError(`--calibrations: expected some of ${CALIBRATION_VARIANTS.join(', ')}, got ${JSON.stringify(c)}`);
    return c as CalibrationVariant;
  });

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
      process.stderr.write(`${table}: ${loss}, seed ${seed}, ${Math.max(...counts)} member(s)…\n`);
      runLoss(table, data, loss, seed, fit, { counts, memberRows, validationFolds, calibrations }).forEach(record);
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

/**
 * npm run train -- --data FILE --out DIR [options]
 *
 * Trains the LTV model on a per-customer CSV (last column = target by default) and
 * writes ltv.onnx, ltv.json, report.json and test-predictions.csv into DIR, all or
 * nothing. Progress on stderr, the summary table on stdout. Exit 1 on bad data or a
 * diverging loss (DIR untouched), 2 on a bad command line.
 * `--kernels reference` trains on the plain TypeScript loops instead of WebAssembly SIMD.
 * `--members N` averages N networks in the one graph (1 = a single network);
 * `--calibration none` leaves their mean uncalibrated (docs/training.md).
 */
import { parseArgs } from 'node:util';
import { UsageError, intOption, listOption, numberOption } from '../cli/args.js';
import { FIT_OPTION_NAMES, fitOptions } from '../cli/fit-options.js';
import { runCli } from '../cli/run.js';
import { DEFAULT_SEED } from '../math/rng.js';
import { DataError } from '../data/errors.js';
import { checkModelDirReplaceable, checkOutputNotInput } from '../fs/owned-output.js';
import { TrainingDivergedError } from '../mlp/fit.js';
import { LOSS_NAMES, type LossName } from '../mlp/objective.js';
import { DEFAULT_LOSS, type TrainConfig, trainModel } from '../train/train-model.js';
import { ENSEMBLE_DEFAULTS } from '../train/ensemble-defaults.js';
import type { MemberRows } from '../train/members.js';
import { endProgress, epochReporter } from '../report/progress.js';
import { summaryTable } from '../report/summary.js';

export function parseTrainArgs(argv: string[]): TrainConfig {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: Object.fromEntries(
      ['data', 'out', 'target', 'id', 'categorical', 'split', 'seed', ...FIT_OPTION_NAMES, 'unit', 'clip', 'max-levels', 'name', 'loss', 'past-spend', 'cv', 'tier-quantiles', 'members', 'member-rows', 'calibration']
        .map((name) => [name, { type: 'string' as const }]),
    ),
  }) as { values: Record<string, string | undefined> };
  if (!v.data) throw new UsageError('--data FILE is required (a CSV with a header, one row per customer)');
  if (!v.out) throw new UsageError('--out DIR is required (where ltv.onnx and ltv.json go)');
  const seed = intOption('seed', v.seed, DEFAULT_SEED);
  const clip = numberOption('clip', v.clip, 0.001, 0, 0.5);
  const loss = v.loss ?? DEFAULT_LOSS;
  if (!LOSS_NAMES.includes(loss as LossName)) throw new UsageError(`--loss must be one of ${LOSS_NAMES.join(', ')}, got ${JSON.stringify(loss)}`);
  const memberRows = v['member-rows'] ?? ENSEMBLE_DEFAULTS.memberRows;
  if (memberRows !== 'folds' && memberRows !== 'bootstrap') throw new UsageError(`--member-rows must be folds or bootstrap, got ${JSON.stringify(memberRows)}`);
  const calibration = v.calibration ?? (ENSEMBLE_DEFAULTS.calibration ? 'isotonic' : 'none');
  if (calibration !== 'isotonic' && calibration !== 'none') throw new UsageError(`--calibration must be isotonic or none, got ${JSON.stringify(calibration)}`);
  const tiers = listOption(v['tier-quantiles'])?.map((q) => numberOption('tier-quantiles', q, 0, 0, 1));
  if (tiers !== undefined && (tiers.length !== 2 || tiers[0]! > tiers[1]!)) {
    throw new UsageError(`--tier-quantiles: expected two ascending quantiles like 0.5,0.8, got "${v['tier-quantiles']}"`);
  }
  return {
    out: v.out,
    name: v.name ?? 'ltv',
    loss: loss as LossName,
    // Where the medium and high tiers of POST /v1/segment start, as training-set quantiles of the predicted LTV.
    ...(tiers === undefined ? {} : { tierQuantiles: [tiers[0]!, tiers[1]!] as [number, number] }),
    prepare: {
      data: v.data,
      target: v.target,
      id: v.id,
      categorical: listOption(v.categorical),
      split: v.split,
      seed,
      unit: v.unit ?? '',
      clipQuantiles: [clip, 1 - clip],
      maxLevels: intOption('max-levels', v['max-levels'], 20, 1),
    },
    fit: {
      seed,
      ...fitOptions(v),
    },
    ensemble: {
      members: intOption('members', v.members, ENSEMBLE_DEFAULTS.members, 1),
      memberRows: memberRows as MemberRows,
      calibration: calibration === 'isotonic',
    },
    evaluation: {
      pastSpend: v['past-spend'],
      cv: v.cv === undefined ? undefined : intOption('cv', v.cv, 0, 2),
    },
  };
}

async function main(argv: string[]): Promise<void> {
  const config = parseTrainArgs(argv);
  // Before minutes of training: an --out that is not ours to replace stops the run here.
  checkModelDirReplaceable(config.out, '--out');
  checkOutputNotInput({ flag: '--out', path: config.out }, [
    { flag: '--data', path: config.prepare.data },
    ...(config.prepare.split === undefined ? [] : [{ flag: '--split', path: config.prepare.split }]),
  ]);
  const { manifest, report } = await trainModel(config, { onEpoch: epochReporter() });
  endProgress();
  for (const warning of report.warnings) process.stderr.write(`warning: ${warning}\n`);
  process.stdout.write(summaryTable(manifest, report, config.out));
}

runCli('train', (argv) => main(argv).catch((error: unknown) => {
  endProgress(); // so the message does not land on a rewritten progress line
  throw error;
}), [DataError, TrainingDivergedError]);

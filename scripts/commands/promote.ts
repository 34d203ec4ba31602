/**
 * npm run promote -- --candidate DIR [--model model] [--data FILE] [--dry-run] [--allow-spec-change]
 * npm run promote -- --rollback [--model model]
 *
 * Compares a newly trained model (DIR, as written by `npm run train`) with the served
 * one on the candidate's test split, re-scored by both; replaces the served model
 * atomically only if the candidate passes the gate (scripts/releases/gate.ts), keeping
 * the old one in `<model>.previous/` for `--rollback`. Prints the comparison either
 * way. Exit 0 promoted (or would be, with --dry-run), 1 refused or bad input, 2 bad
 * command line.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../cli/args.js';
import { runCli } from '../cli/run.js';
import { DataError } from '../data/errors.js';
import { checkOutputNotInput } from '../fs/owned-output.js';
import { evaluationSet, predict, scores } from '../releases/evaluate.js';
import { TOLERANCE, gate, specChanges } from '../releases/gate.js';
import { PromotionError, previousDir, readModelDir, rollBack, swapIn } from '../releases/model-dir.js';

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      candidate: { type: 'string' },
      model: { type: 'string', default: 'model' },
      data: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'allow-spec-change': { type: 'boolean', default: false },
      rollback: { type: 'boolean', default: false },
    },
  });
  const modelDir = values.model!;
  if (values.rollback) {
    if (values.candidate !== undefined) throw new UsageError('--rollback takes no --candidate');
    const before = readModelDir(modelDir, 'served model');
    readModelDir(previousDir(modelDir), 'previous model');
    rollBack(modelDir);
    const after = readModelDir(modelDir, 'served model');
    console.log(`rolled back: ${modelDir}/ now holds ${after.version} (was ${before.version}, kept in ${previousDir(modelDir)}/)`);
    console.log('Deploy it: npx wrangler versions upload && npx wrangler versions deploy (or wrangler rollback for the Worker itself).');
    return;
  }
  if (values.candidate === undefined) throw new UsageError('--candidate DIR is required (a directory written by npm run train)');

  checkOutputNotInput({ flag: '--model', path: modelDir }, [{ flag: '--candidate', path: values.candidate }]);
  const candidate = readModelDir(values.candidate, 'candidate');
  const current = readModelDir(modelDir, 'served model');
  const set = evaluationSet(values.candidate, candidate, values.data ?? candidate.trainingData.source);
  const currentScores = scores(set.actual, await predict(modelDir, current, set));
  const candidateScores = scores(set.actual, await predict(values.candidate, candidate, set));
  const changes = specChanges(current.spec, candidate.spec);
  const result = gate(currentScores, candidateScores, changes, values['allow-spec-change']!, candidate.metrics);

  const W = 17;
  const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(4)}`;
  const row = (name: string, a: number, b: number, tolerance: string) =>
    `${name.padEnd(16)} ${a.toFixed(4).padStart(W)} ${b.toFixed(4).padStart(W)} ${signed(b - a).padStart(9)}   ${tolerance}`;
  console.log(`Evaluation: ${set.rows.length} test rows of the candidate, from ${set.file}`);
  console.log(`${''.padEnd(16)} ${'served'.padStart(W)} ${'candidate'.padStart(W)} ${'change'.padStart(9)}   tolerance`);
  console.log(`${'version'.padEnd(16)} ${current.version.padStart(W)} ${candidate.version.padStart(W)}`);
  console.log(row('normalised Gini', currentScores.normalisedGini, candidateScores.normalisedGini, `may drop ≤ ${TOLERANCE.normalisedGini}`));
  console.log(row('decile MAPE', currentScores.decileMape, candidateScores.decileMape, `may rise ≤ ${TOLERANCE.decileMape}`));
  console.log(`spec changes: ${changes.length === 0 ? 'none' : changes.join('; ')}`);

  if (!result.accepted) {
    throw new PromotionError(`refused: ${result.reasons.join('; ')}. ${modelDir}/ is unchanged.`);
  }
  if (values['dry-run']) {
    console.log(`accepted (dry run): ${modelDir}/ is unchanged.`);
    return;
  }
  swapIn(modelDir, values.candidate);
  console.log(`promoted: ${modelDir}/ now holds ${candidate.version}; the previous model (${current.version}) is in ${previousDir(modelDir)}/ (npm run promote -- --rollback).`);
}

runCli('promote', main, [PromotionError, DataError]);

/**
 * npm run score -- --model DIR --data FILE --out FILE [--id COLUMN] [--rejects FILE.csv] [--batch N] [--threads N] [--engine auto|compiled|ort] [--memory-limit SIZE]
 *
 * Scores every customer of a CSV or Parquet table with a model directory, through
 * the worker's encoder and engine (scripts/score/), streaming. Writes --out (CSV or
 * Parquet by extension) only when the whole run succeeded. Progress on stderr when
 * it is a terminal, one summary line otherwise. Exit 1 on bad data (the first bad
 * row's line and field; nothing written) or an output it may not replace, 2 on a bad
 * command line. Options: docs/batch-scoring.md.
 */
import { parseArgs } from 'node:util';
import { UsageError, intOption, memorySizeOption } from '../cli/args.js';
import { runCli } from '../cli/run.js';
import { DataError } from '../data/errors.js';
import { type NamedPath, checkOutputFileReplaceable } from '../fs/owned-output.js';
import { EngineError } from '../score/engine-pool.js';
import { ENGINE_CHOICES, type EngineChoice, ModelLoadError } from '../score/engine.js';
import { progressBar, rateText, count } from '../score/progress.js';
import { DEFAULT_BATCH_ROWS, DEFAULT_MEMORY_LIMIT, type ScoreOptions, scoreTable } from '../score/score-table.js';
import { join } from 'node:path';

export function parseScoreArgs(argv: string[]): ScoreOptions {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: Object.fromEntries(['model', 'data', 'out', 'id', 'rejects', 'batch', 'memory-limit', 'threads', 'engine'].map((name) => [name, { type: 'string' as const }])),
  }) as { values: Record<string, string | undefined> };
  if (!v.data) throw new UsageError('--data FILE is required (a .csv, .csv.gz or .parquet table, one row per customer)');
  if (!v.out) throw new UsageError('--out FILE is required (.csv, .csv.gz or .parquet: where the scores go)');
  if (v.engine !== undefined && !(ENGINE_CHOICES as readonly string[]).includes(v.engine)) {
    throw new UsageError(`--engine: expected one of ${ENGINE_CHOICES.join(', ')}, got "${v.engine}"`);
  }
  if (v.rejects !== undefined && !/\.csv$/i.test(v.rejects)) throw new UsageError(`--rejects: expected a .csv file name, got "${v.rejects}"`);
  return {
    model: v.model ?? 'model',
    data: v.data,
    out: v.out,
    id: v.id,
    rejects: v.rejects,
    batchRows: intOption('batch', v.batch, DEFAULT_BATCH_ROWS, 1),
    memoryLimit: memorySizeOption('memory-limit', v['memory-limit'], DEFAULT_MEMORY_LIMIT),
    threads: v.threads === undefined ? undefined : intOption('threads', v.threads, 0, 0),
    engine: v.engine as EngineChoice | undefined,
  };
}

/** Every path the run reads, and every file it may replace, checked before any work. */
export function checkScoreOutputs(o: ScoreOptions): void {
  const inputs: NamedPath[] = [
    { flag: '--data', path: o.data },
    { flag: '--model', path: join(o.model, 'ltv.json') },
    { flag: '--model', path: join(o.model, 'ltv.onnx') },
  ];
  const outputs: NamedPath[] = [{ flag: '--out', path: o.out }];
  if (/\.csv(\.gz)?$/i.test(o.out)) outputs.push({ flag: '--out (its model sidecar)', path: `${o.out}.model.json` });
  if (o.rejects !== undefined) outputs.push({ flag: '--rejects', path: o.rejects });
  outputs.forEach((output, i) => checkOutputFileReplaceable(output, [...inputs, ...outputs.slice(0, i)]));
}

async function main(argv: string[]): Promise<void> {
  const options = parseScoreArgs(argv);
  checkScoreOutputs(options);
  const bar = progressBar();
  try {
    const s = await scoreTable(options, { onProgress: bar.update });
    bar.end();
    const rejected = s.rejected > 0 ? `, ${count(s.rejected)} rejected (→ ${options.rejects})` : '';
    const nonFinite = s.nonFinite > 0 ? `, ${count(s.nonFinite)} non-finite numbers read as missing` : '';
    process.stderr.write(
      `score: ${count(s.scored)} customers scored${rejected}${nonFinite} in ${s.seconds.toFixed(1)} s (${rateText(s.scored / s.seconds)}) ` +
        `→ ${options.out} [${s.columns.join(', ')}]; model ${s.model.name} ${s.model.version}, ${s.model.engine}\n`,
    );
  } catch (error) {
    bar.end();
    throw error;
  }
}

runCli('score', main, [DataError, ModelLoadError, EngineError]);

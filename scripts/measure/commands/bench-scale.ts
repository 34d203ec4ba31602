/**
 * npm run bench:scale -- [--jobs score,floor,features,train] [--score-rows 1000000,10000000]
 *   [--log-lines 10000000,100000000] [--train-rows 1000000,5000000] [--threads N] [--dir DIR] [--keep]
 *
 * Time and peak RSS of scoring, of table-from-log and of the trainer's load and one
 * epoch on generated tables and logs of growing size (scripts/measure/scale/), each
 * run in its own process; then the fitted growth (rows/s, bytes per row) and the
 * targets. Generated files go to --dir (default: the system temp directory) and are
 * deleted at the end unless --keep. Not part of `npm test`: run it under
 * `flock /tmp/ltv-heavy.lock`, one job at a time on a shared machine.
 */
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, intListOption, intOption, listOption } from '../../cli/args.js';
import { runCli } from '../../cli/run.js';
import { defaultEngineThreads } from '../../score/score-table.js';
import { customerTables, transactionLog } from '../scale/fixtures.js';
import { type Job, measureInChild, runJob } from '../scale/jobs.js';
import { type Run, growthLine, runsTable, targetLines } from '../scale/report.js';

const JOBS = ['score', 'floor', 'features', 'train'] as const;

async function main(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      jobs: { type: 'string' }, 'score-rows': { type: 'string' }, 'log-lines': { type: 'string' }, 'train-rows': { type: 'string' },
      threads: { type: 'string' }, dir: { type: 'string' }, keep: { type: 'boolean' }, child: { type: 'string' },
    },
  });
  if (v.child !== undefined) {
    process.stdout.write(`${JSON.stringify(await runJob(JSON.parse(v.child) as Job))}\n`);
    return;
  }
  const jobs = listOption(v.jobs) ?? [...JOBS];
  const unknown = jobs.filter((j) => !(JOBS as readonly string[]).includes(j));
  if (unknown.length > 0) throw new UsageError(`--jobs: expected some of ${JOBS.join(', ')}, got ${unknown.join(', ')}`);
  const scoreRows = intListOption('score-rows', v['score-rows'], [1_000_000, 10_000_000]);
  const logLines = intListOption('log-lines', v['log-lines'], [10_000_000, 100_000_000]);
  const trainRows = intListOption('train-rows', v['train-rows'], [1_000_000, 5_000_000]);
  // Without --threads, each job takes the scorer's default for its input (defaultEngineThreads).
  const threads = v.threads === undefined ? undefined : intOption('threads', v.threads, 0, 0);
  const dir = v.dir ?? join(tmpdir(), 'ltv-bench-scale');
  const log = (text: string) => process.stderr.write(`${text}\n`);
  const self = import.meta.url;
  const runs = { score: [] as Run[], scoreCsv: [] as Run[], floor: [] as Run[], features: [] as Run[], train: [] as Run[] };
  const measure = async (list: Run[], label: string, job: Job) => {
    log(`measuring ${label} …`);
    list.push({ label, job, m: await measureInChild(self, job) });
  };

  try {
    if (jobs.includes('score') || jobs.includes('floor')) {
      for (const rows of scoreRows) {
        if (jobs.includes('floor')) await measure(runs.floor, `floor, ${rows.toLocaleString('en')} encoded rows`, { kind: 'floor', model: 'model', threads: threads ?? defaultEngineThreads('parquet'), rows });
        if (!jobs.includes('score')) continue;
        const { parquet, csv } = await customerTables(dir, rows, log);
        const out = join(dir, 'scores.parquet');
        await measure(runs.score, `Parquet → Parquet (${(statSync(parquet).size / 2 ** 20).toFixed(0)} MiB in)`, { kind: 'score', data: parquet, out, threads: threads ?? defaultEngineThreads('parquet'), rows });
        await measure(runs.scoreCsv, `CSV → Parquet (${(statSync(csv).size / 2 ** 20).toFixed(0)} MiB in)`, { kind: 'score', data: csv, out, threads: threads ?? defaultEngineThreads('csv'), rows });
        rmSync(out, { force: true });
      }
    }
    if (jobs.includes('features')) {
      for (const lines of logLines) {
        const transactions = await transactionLog(dir, lines, log);
        const out = join(dir, 'table.csv');
        await measure(runs.features, `log of ${lines.toLocaleString('en')} lines (${(statSync(transactions).size / 2 ** 30).toFixed(2)} GiB)`, { kind: 'features', transactions, out, lines });
        rmSync(out, { force: true });
      }
    }
    if (jobs.includes('train')) {
      for (const rows of trainRows) {
        const { csv } = await customerTables(dir, rows, log);
        await measure(runs.train, `CSV of ${rows.toLocaleString('en')} customers`, { kind: 'train', data: csv, rows });
      }
    }
  } finally {
    if (!v.keep) rmSync(dir, { recursive: true, force: true });
  }

  const engines = threads === undefined ? `the scorer's default (${defaultEngineThreads('parquet')} for Parquet, ${defaultEngineThreads('csv')} for CSV)` : String(threads);
  const out: string[] = [`engine threads: ${engines}; load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')} at the end`, ''];
  const section = (title: string, list: Run[], unit: string) => {
    if (list.length === 0) return;
    out.push(`### ${title}`, '', runsTable(list, unit), '', growthLine(title, list, unit), '');
  };
  section('score, Parquet in and out', runs.score, 'customers');
  section('score, CSV in, Parquet out', runs.scoreCsv, 'customers');
  section('compute-only floor (the engine threads on an encoded matrix)', runs.floor, 'customers');
  section('table-from-log', runs.features, 'lines');
  section('train: load and one epoch', runs.train, 'customers');
  out.push('### Targets', '', ...targetLines(runs).map((line) => `- ${line}`), '');
  process.stdout.write(`${out.join('\n')}\n`);
}

runCli('bench:scale', main);

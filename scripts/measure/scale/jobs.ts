/**
 * The jobs `npm run bench:scale` times, each run in a process of its own so that its
 * peak resident memory (getrusage's maxrss: every thread of the process, DuckDB's
 * and the engine threads included) is its own:
 * - score: `npm run score`'s library on a table, end to end (read, encode, engine,
 *   answers, write, rename);
 * - floor: the same engine threads on an already encoded matrix: what is left
 *   when reading, encoding and writing cost nothing;
 * - features: `npm run table-from-log`'s library on a log, at the default memory limit;
 * - train: the trainer's data step (read, clean, split, fit the spec, encode, scale)
 *   and then one epoch of the default network.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { generateCustomers } from '../../data/generate.js';
import { loadTrainingData } from '../../data/prepare.js';
import { isMissing, parseNumber } from '../../data/table.js';
import { featuresConfig } from '../../log-to-table/args.js';
import { buildFeatures } from '../../log-to-table/build.js';
import { FIT_DEFAULTS } from '../../mlp/fit-defaults.js';
import { openEnginePool } from '../../score/engine-pool.js';
import { DEFAULT_BATCH_ROWS, scoreTable } from '../../score/score-table.js';
import { fitModel } from '../../train/fit-model.js';
import { Encoder } from '../../../src/spec/encode.js';

export type Job =
  | { kind: 'score'; data: string; out: string; threads: number; rows: number }
  | { kind: 'floor'; model: string; threads: number; rows: number }
  | { kind: 'features'; transactions: string; out: string; lines: number }
  | { kind: 'train'; data: string; rows: number };

export interface Measurement {
  /** Rows (customers or log lines) the job went through. */
  rows: number;
  seconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
  /** Job-specific figures: the trainer's load and epoch seconds, its matrix bytes. */
  extra: Record<string, number>;
}

export const GENERATED_LOG_OPTIONS = {
  date: 'timestamp', quantity: 'quantity', 'unit-price': 'unit_price', order: 'order_id', product: 'product',
  attribute: ['country'], 'calibration-end': '2023-06-30', 'holdout-end': '2023-12-31',
} as const;

/** Runs `job` in this process (the child) and returns its figures. */
export async function runJob(job: Job): Promise<Measurement> {
  let started = performance.now();
  const extra: Record<string, number> = {};
  let rows = job.kind === 'features' ? job.lines : job.rows;
  if (job.kind === 'score') {
    const summary = await scoreTable({ model: 'model', data: job.data, out: job.out, id: 'customer_id', threads: job.threads });
    rows = summary.scored;
  } else if (job.kind === 'floor') {
    // Timed from the first batch: loading the model is not compute.
    started = await computeFloor(job.model, job.threads, job.rows);
  } else if (job.kind === 'features') {
    const summary = await buildFeatures(featuresConfig({ ...GENERATED_LOG_OPTIONS, attribute: [...GENERATED_LOG_OPTIONS.attribute], transactions: job.transactions, out: job.out }));
    rows = summary.lines;
    extra.customers = summary.customers;
  } else {
    const data = await loadTrainingData({ data: job.data, id: 'customer_id' });
    extra.loadSeconds = (performance.now() - started) / 1000;
    extra.loadPeakRssBytes = process.resourceUsage().maxRSS * 1024;
    // The float32 feature matrix: every kept row, encoded (what the network reads is as large again once scaled).
    extra.matrixBytes = (data.train.rows + data.test.rows) * data.width * 4;
    const fitting = performance.now();
    let membersDone = fitting;
    // The fit alone, the default model, one epoch per member, then its assembly (the calibration on the rows each
    // member held out): the trainer's later steps (test predictions, baselines, report) are not an epoch.
    fitModel(data, 'ziln', { epochs: 1, patience: FIT_DEFAULTS.patience }, {}, data.train, { onEpoch: () => (membersDone = performance.now()) });
    extra.epochSeconds = (performance.now() - fitting) / 1000;
    extra.membersEpochSeconds = (membersDone - fitting) / 1000;
    rows = data.train.rows + data.test.rows;
  }
  const usage = process.resourceUsage();
  return {
    rows,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    peakRssBytes: usage.maxRSS * 1024,
    extra,
  };
}

/**
 * The engine threads on a matrix encoded beforehand (rows of the generator's
 * table, encoded once), in batches of the scorer's size with as many in flight:
 * `rows` rows in all. Each batch is a copy, as the scorer hands a fresh one over.
 * Returns when the first batch was handed over (performance.now()).
 */
async function computeFloor(model: string, threads: number, rows: number): Promise<number> {
  const pool = await openEnginePool(model, threads);
  try {
    const encoder = new Encoder(pool.manifest.spec);
    const { header, rows: cells } = generateCustomers({ rows: DEFAULT_BATCH_ROWS, seed: 1 });
    const matrix = new Float32Array(DEFAULT_BATCH_ROWS * encoder.width);
    cells.forEach((row, r) => {
      const record: Record<string, number | string | null> = {};
      for (const feature of pool.manifest.spec.features) {
        const cell = row[header.indexOf(feature.name)]!.trim();
        record[feature.name] = isMissing(cell) ? null : feature.type === 'numeric' ? parseNumber(cell)! : cell;
      }
      encoder.encodeInto(record, matrix, r * encoder.width);
    });
    const inFlight: Promise<unknown>[] = [];
    const depth = 2 * Math.max(1, threads);
    const started = performance.now();
    for (let done = 0; done < rows; done += DEFAULT_BATCH_ROWS) {
      const count = Math.min(DEFAULT_BATCH_ROWS, rows - done);
      inFlight.push(pool.run(matrix.slice(0, count * encoder.width), count));
      if (inFlight.length >= depth) await inFlight.shift();
    }
    await Promise.all(inFlight);
    return started;
  } finally {
    await pool.close();
  }
}

/** Runs `job` in a fresh process (this module's command with --child) and returns what it measured. */
export async function measureInChild(command: string, job: Job): Promise<Measurement> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(command), '--child', JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the measured ${job.kind} job failed (exit ${code})`);
  const last = out.trim().split('\n').filter((line) => line.startsWith('{"rows"')).pop();
  if (last === undefined) throw new Error(`the measured ${job.kind} job printed no measurement`);
  return JSON.parse(last) as Measurement;
}


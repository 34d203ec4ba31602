/**
 * Training throughput of the reference trainer: samples per second of the full step
 * that `fit` runs (batch gather, forward, MSE, backward, Adam) at two batch sizes, on
 * a seeded random table shaped like the real one. A benchmark, not a test: it prints
 * a table to stdout and progress to stderr, and asserts nothing.
 *
 *   npm run bench:train -- [--rows 100000] [--features 40] [--hidden 500,100]
 *                          [--batches 32,256] [--steps 300] [--seconds 20] [--seed 42]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { intListOption, intOption } from './cli/args.js';
import { runCli } from './cli/run.js';
import { heInit } from './train/init.js';
import { Rng } from './train/rng.js';
import { TrainStep } from './train/step.js';

interface BenchConfig {
  rows: number;
  features: number;
  hidden: number[];
  batches: number[];
  /** Timed steps per batch size, after the warm-up. */
  steps: number;
  /** Time bound per batch size; fewer steps are timed if it runs out. */
  seconds: number;
  seed: number;
}

interface BenchRow {
  batch: number;
  steps: number;
  seconds: number;
  samplesPerSecond: number;
}

/** Untimed steps first, so the JIT has compiled the hot loops before the clock starts. */
const WARMUP_STEPS = 5;
const LR = 1e-3;

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
  };
}

/** Standard-normal features (what the scaler produces) and a nonlinear target with noise. */
function generateTable(rows: number, features: number, rng: Rng): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(rows * features);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * features;
    for (let j = 0; j < features; j++) x[o + j] = rng.normal();
    y[r] = Math.tanh(x[o]! + 0.5 * x[o + (1 % features)]! * x[o + (2 % features)]!) + 0.1 * rng.normal();
  }
  return { x, y };
}

function benchBatch(config: BenchConfig, batch: number, data: { x: Float32Array; y: Float32Array }): BenchRow {
  const { rows, features, hidden, seed } = config;
  const rng = new Rng(seed);
  const params = heInit([features, ...hidden, 1], rng.fork());
  const step = new TrainStep(params, { capacity: batch });
  const order = rng.shuffle(Uint32Array.from({ length: rows }, (_, i) => i));
  const batchX = new Float32Array(batch * features);
  const batchY = new Float32Array(batch);
  let cursor = 0;

  const runStep = (): void => {
    for (let b = 0; b < batch; b++) {
      const row = order[cursor]!;
      cursor = (cursor + 1) % rows;
      batchX.set(data.x.subarray(row * features, (row + 1) * features), b * features);
      batchY[b] = data.y[row]!;
    }
    const loss = step.run(batchX, batchY, batch, LR);
    if (!Number.isFinite(loss)) throw new Error(`batch ${batch}: loss became ${loss}`);
  };

  for (let s = 0; s < WARMUP_STEPS; s++) runStep();
  const budgetMs = config.seconds * 1000;
  const start = performance.now();
  let steps = 0;
  let elapsed = 0;
  while (steps < config.steps && elapsed < budgetMs) {
    runStep();
    steps++;
    elapsed = performance.now() - start;
    if (steps % 50 === 0) process.stderr.write(`batch ${batch}: ${steps}/${config.steps} steps, ${(elapsed / 1000).toFixed(1)}s\n`);
  }
  return { batch, steps, seconds: elapsed / 1000, samplesPerSecond: (steps * batch) / (elapsed / 1000) };
}

function machine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() || 'unknown CPU';
  return `${model}, ${os.availableParallelism()} cores, Node ${process.version}, ${process.platform} ${process.arch}`;
}

function formatTable(config: BenchConfig, results: BenchRow[]): string {
  const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const lines = [
    'ltv-edge training throughput (reference trainer: gather + forward + MSE + backward + Adam, float32, 1 thread)',
    `machine  ${machine()}`,
    `table    ${int.format(config.rows)} × ${config.features}, hidden ${config.hidden.join(',')}, seed ${config.seed}`,
    '',
    `${'batch'.padStart(6)}${'steps'.padStart(8)}${'seconds'.padStart(10)}${'ms/step'.padStart(10)}${'samples/s'.padStart(12)}`,
  ];
  for (const r of results) {
    lines.push(
      `${String(r.batch).padStart(6)}${String(r.steps).padStart(8)}${r.seconds.toFixed(2).padStart(10)}` +
        `${((r.seconds * 1000) / r.steps).toFixed(2).padStart(10)}${int.format(r.samplesPerSecond).padStart(12)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function main(argv: string[]): void {
  const config = parseConfig(argv);
  process.stderr.write(`generating ${config.rows} × ${config.features} table…\n`);
  const data = generateTable(config.rows, config.features, new Rng(config.seed));
  const results = config.batches.map((batch) => benchBatch(config, batch, data));
  process.stdout.write(formatTable(config, results));
}

runCli('bench-train', main);

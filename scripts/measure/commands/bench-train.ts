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
import os from 'node:os';
import { parseArgs } from 'node:util';
import { intListOption, intOption, kernelsOption, listOption } from '../../cli/args.js';
import { runCli } from '../../cli/run.js';
import { heInit } from '../../mlp/init.js';
import type { KernelsName } from '../../mlp/kernels/kernels.js';
import { Rng } from '../../math/rng.js';
import { TrainStep } from '../../mlp/step.js';

interface BenchConfig {
  rows: number;
  features: number;
  hidden: number[];
  batches: number[];
  kernels: KernelsName[];
  /** Timed steps per row, after the warm-up. */
  steps: number;
  /** Time bound per row; fewer steps are timed if it runs out. */
  seconds: number;
  seed: number;
  json: boolean;
}

/** One measurement; the JSON output's `rows` are these. */
interface BenchRow {
  kernels: KernelsName;
  batch: number;
  steps: number;
  seconds: number;
  cpuSeconds: number;
  samplesPerSecond: number;
  samplesPerCpuSecond: number;
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

function benchRow(config: BenchConfig, kernels: KernelsName, batch: number, data: { x: Float32Array; y: Float32Array }): BenchRow {
  const { rows, features, hidden, seed } = config;
  const rng = new Rng(seed);
  const params = heInit([features, ...hidden, 1], rng.fork());
  const step = new TrainStep(params, { capacity: batch, kernels });
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
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let steps = 0;
  let elapsed = 0;
  while (steps < config.steps && elapsed < budgetMs) {
    runStep();
    steps++;
    elapsed = performance.now() - start;
    if (steps % 50 === 0) process.stderr.write(`${kernels} batch ${batch}: ${steps}/${config.steps} steps, ${(elapsed / 1000).toFixed(1)}s\n`);
  }
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const seconds = elapsed / 1000;
  return {
    kernels,
    batch,
    steps,
    seconds,
    cpuSeconds,
    samplesPerSecond: (steps * batch) / seconds,
    samplesPerCpuSecond: (steps * batch) / cpuSeconds,
  };
}

interface Machine {
  cpu: string;
  cores: number;
  node: string;
  platform: string;
  arch: string;
  /** 1, 5 and 15-minute load averages when the run ended: how shared the machine was. */
  loadAverage: number[];
}

function machine(): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() || 'unknown CPU',
    cores: os.availableParallelism(),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    loadAverage: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

function formatTable(config: BenchConfig, results: BenchRow[], m: Machine): string {
  const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const lines = [
    'ltv-edge training throughput (gather + forward + MSE + backward + Adam, float32, 1 thread)',
    `machine  ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.platform} ${m.arch}, load ${m.loadAverage.join(' ')}`,
    `table    ${int.format(config.rows)} × ${config.features}, hidden ${config.hidden.join(',')}, seed ${config.seed}`,
    '',
    `${'kernels'.padEnd(10)}${'batch'.padStart(6)}${'steps'.padStart(8)}${'seconds'.padStart(9)}${'ms/step'.padStart(9)}` +
      `${'samples/s'.padStart(11)}${'samples/cpu-s'.padStart(15)}${'× reference'.padStart(13)}`,
  ];
  for (const r of results) {
    // The speed-up is per CPU second, against the reference row of the same batch size in this run.
    const ref = results.find((o) => o.kernels === 'reference' && o.batch === r.batch);
    lines.push(
      `${r.kernels.padEnd(10)}${String(r.batch).padStart(6)}${String(r.steps).padStart(8)}${r.seconds.toFixed(2).padStart(9)}` +
        `${((r.seconds * 1000) / r.steps).toFixed(2).padStart(9)}${int.format(r.samplesPerSecond).padStart(11)}` +
        `${int.format(r.samplesPerCpuSecond).padStart(15)}${(ref ? (r.samplesPerCpuSecond / ref.samplesPerCpuSecond).toFixed(1) : '-').padStart(13)}`,
    );
  }
  return `${lines.join('\n')}\n`;
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

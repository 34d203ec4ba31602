/**
 * Training throughput: samples per second of the full step that `fit` runs (batch
 * gather, forward, MSE, backward, Adam) for one kernel set and batch size, on a
 * seeded random table shaped like the real one. Each row reports samples per wall
 * second and per CPU second (process.cpuUsage), the latter being the fairer figure
 * on a shared machine. `npm run bench:train` runs the peers one after the other.
 */
import os from 'node:os';
import { heInit } from '../../mlp/init.js';
import type { KernelsName } from '../../mlp/kernels/kernels.js';
import { Rng } from '../../math/rng.js';
import { TrainStep } from '../../mlp/step.js';

export interface BenchConfig {
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
export interface BenchRow {
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

/** Standard-normal features (what the scaler produces) and a nonlinear target with noise. */
export function generateTable(rows: number, features: number, rng: Rng): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(rows * features);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * features;
    for (let j = 0; j < features; j++) x[o + j] = rng.normal();
    y[r] = Math.tanh(x[o]! + 0.5 * x[o + (1 % features)]! * x[o + (2 % features)]!) + 0.1 * rng.normal();
  }
  return { x, y };
}

export function benchRow(config: BenchConfig, kernels: KernelsName, batch: number, data: { x: Float32Array; y: Float32Array }): BenchRow {
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

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  platform: string;
  arch: string;
  /** 1, 5 and 15-minute load averages when the run ended: how shared the machine was. */
  loadAverage: number[];
}

export function machine(): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() || 'unknown CPU',
    cores: os.availableParallelism(),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    loadAverage: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

export function formatTable(config: BenchConfig, results: BenchRow[], m: Machine): string {
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

/**
 * The training loop: seeded validation split, shuffled mini-batches, Adam, learning
 * rate halving on a plateau, early stopping, and the best-validation weights at the end.
 *
 * Everything random comes from one seeded Rng, forked in a fixed order (split, init,
 * shuffle, dropout), so the same data, options and seed give bit-identical weights.
 * Progress is reported through a hook; this module prints nothing.
 */
import { FIT_DEFAULTS } from './fit-defaults.js';
import { cloneParams, copyParams, heInit } from './init.js';
import type { KernelsName } from './kernels/kernels.js';
import type { MlpParams } from './params.js';
import { type Objective, mseObjective } from './objective.js';
import { Rng } from '../math/rng.js';
import { TrainStep } from './step.js';

/** The training table, already scaled; targets standardised. */
export interface FitData {
  /** Scaled features, row-major [rows, features]. */
  x: Float32Array;
  /** Targets, [rows], as the objective reads them: standardised for MSE, in their unit for ZILN. */
  y: Float32Array;
  rows: number;
  features: number;
}

/** Every option defaults to FIT_DEFAULTS (./fit-defaults.ts). */
export interface FitOptions {
  /** Hidden layer widths. */
  hidden?: number[];
  /** Maximum number of passes over the training rows. */
  epochs?: number;
  /** Rows per mini-batch; the last batch of an epoch may be smaller. */
  batchSize?: number;
  /** Initial Adam learning rate. */
  lr?: number;
  /** Inverted dropout rate on hidden units, in [0, 1). */
  dropout?: number;
  /** Coupled L2 penalty on weights (not biases). */
  l2?: number;
  /** Stop after this many epochs without a validation improvement. */
  patience?: number;
  /**
   * Factor applied to the learning rate after ceil(patience / 2) epochs without a
   * validation improvement (counted again from each decay); 1 turns it off.
   */
  lrDecay?: number;
  /** The learning rate never decays below this. */
  minLr?: number;
  /** Share of the rows held out, at random, for validation. */
  validationFraction?: number;
  /**
   * The rows to train and validate on, as indices into the data, instead of the
   * seeded random split by `validationFraction`: an ensemble gives each member its
   * own validation fold, and a bootstrap member repeats training rows. `validation`
   * must not be empty; `train` may repeat rows.
   */
  rows?: { train: Uint32Array; validation: Uint32Array };
  /** Seed of every random draw. */
  seed?: number;
  /** The loss; it also sets the number of network outputs. Default MSE on one output. */
  objective?: Objective;
  /**
   * The loops that do the work: 'simd' (WebAssembly SIMD, default) or 'reference'
   * (plain TypeScript). Same results up to float rounding; see kernels/.
   */
  kernels?: KernelsName;
}

/** What the progress display gets after each epoch. Epochs count from 1. */
export interface EpochProgress {
  epoch: number;
  epochs: number;
  trainLoss: number;
  valLoss: number;
  /** Learning rate this epoch trained with. */
  lr: number;
  elapsedMs: number;
  /** Estimate for the remaining epochs if none stops early; an upper bound in practice. */
  etaMs: number;
  /** Which network of an ensemble is training (from 1), when there are several. */
  member?: { index: number; count: number };
}

export interface FitHooks {
  onEpoch?: (progress: EpochProgress) => void;
}

export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's batches, measured with dropout, before each update. */
  trainLoss: number;
  /** Validation loss after the epoch, without dropout. */
  valLoss: number;
  lr: number;
}

export interface FitResult {
  /** The weights of the best validation epoch. */
  params: MlpParams;
  history: EpochRecord[];
  /** Epoch (from 1) whose weights `params` holds. */
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Training rows per second over the training steps (validation excluded). */
  samplesPerSecond: number;
  /** The rows held out for validation, ascending; callers may evaluate on or exclude them. */
  validationIndices: Uint32Array;
}

/** The loss became NaN or ±Infinity; `batch` counts from 1, or is 'validation'. */
export class TrainingDivergedError extends Error {
  override readonly name = 'TrainingDivergedError';
  constructor(
    readonly epoch: number,
    readonly batch: number | 'validation',
    readonly loss: number,
  ) {
    const where = batch === 'validation' ? 'validation' : `batch ${batch}`;
    super(`training diverged at epoch ${epoch}, ${where}: loss is ${loss}; try a lower learning rate or check the targets for NaN`);
  }
}

export function fit(data: FitData, options: FitOptions = {}, hooks: FitHooks = {}): FitResult {
  const {
    hidden = FIT_DEFAULTS.hidden,
    epochs = FIT_DEFAULTS.epochs,
    batchSize = FIT_DEFAULTS.batchSize,
    lr: initialLr = FIT_DEFAULTS.lr,
    dropout = FIT_DEFAULTS.dropout,
    l2 = FIT_DEFAULTS.l2,
    patience = FIT_DEFAULTS.patience,
    lrDecay = FIT_DEFAULTS.lrDecay,
    minLr = FIT_DEFAULTS.minLr,
    validationFraction = FIT_DEFAULTS.validationFraction,
    seed = FIT_DEFAULTS.seed,
    objective = mseObjective,
    kernels = FIT_DEFAULTS.kernels,
    rows: givenRows,
  } = options;
  checkOptions({ epochs, batchSize, lr: initialLr, dropout, l2, patience, lrDecay, minLr, validationFraction });
  const { x, y, rows, features } = data;
  if (x.length !== rows * features || y.length !== rows) {
    throw new Error(`fit: expected x [${rows}, ${features}] and y [${rows}], got ${x.length} and ${y.length} values`);
  }

  const root = new Rng(seed);
  // The split's generator is forked either way, so that given rows change nothing else that is drawn.
  const splitRng = root.fork();
  const { train, validation } = givenRows === undefined ? splitRows(rows, validationFraction, splitRng) : checkRows(givenRows, rows);
  const params = heInit([features, ...hidden, objective.outputs], root.fork());
  const shuffleRng = root.fork();
  const step = new TrainStep(params, { capacity: batchSize, dropout, l2, rng: root.fork(), objective, kernels });
  const valX = gather(x, features, validation);
  const valY = gather(y, 1, validation);
  const batchX = new Float32Array(batchSize * features);
  const batchY = new Float32Array(batchSize);

  const best = cloneParams(params);
  const history: EpochRecord[] = [];
  const decayAfter = Math.ceil(patience / 2);
  let lr = initialLr;
  let bestLoss = Infinity;
  let bestEpoch = 0;
  let sinceBest = 0;
  let sinceDecay = 0;
  let stoppedEarly = false;
  let trainMs = 0;
  let trainSamples = 0;
  const started = performance.now();

  for (let epoch = 1; epoch <= epochs; epoch++) {
    const epochStart = performance.now();
    shuffleRng.shuffle(train);
    let sum = 0;
    for (let start = 0, batch = 1; start < train.length; start += batchSize, batch++) {
      const count = Math.min(batchSize, train.length - start);
      for (let b = 0; b < count; b++) {
        const row = train[start + b]!;
        batchX.set(x.subarray(row * features, (row + 1) * features), b * features);
        batchY[b] = y[row]!;
      }
      const loss = step.run(batchX, batchY, count, lr);
      if (!Number.isFinite(loss)) throw new TrainingDivergedError(epoch, batch, loss);
      sum += loss * count;
    }
    trainMs += performance.now() - epochStart;
    trainSamples += train.length;

    const trainLoss = sum / train.length;
    const valLoss = step.evaluate(valX, valY, validation.length);
    if (!Number.isFinite(valLoss)) throw new TrainingDivergedError(epoch, 'validation', valLoss);
    history.push({ epoch, trainLoss, valLoss, lr });
    const elapsedMs = performance.now() - started;
    hooks.onEpoch?.({ epoch, epochs, trainLoss, valLoss, lr, elapsedMs, etaMs: (elapsedMs / epoch) * (epochs - epoch) });

    if (valLoss < bestLoss) {
      bestLoss = valLoss;
      bestEpoch = epoch;
      copyParams(step.params, best);
      sinceBest = 0;
      sinceDecay = 0;
      continue;
    }
    sinceBest++;
    sinceDecay++;
    if (sinceBest >= patience) {
      stoppedEarly = epoch < epochs;
      break;
    }
    if (sinceDecay >= decayAfter && lrDecay < 1) {
      lr = Math.max(lr * lrDecay, minLr);
      sinceDecay = 0;
    }
  }

  return {
    params: best,
    history,
    bestEpoch,
    stoppedEarly,
    samplesPerSecond: trainMs > 0 ? (trainSamples / trainMs) * 1000 : Infinity,
    validationIndices: validation,
  };
}

/**
 * A seeded random split: max(1, round(rows · fraction)) rows for validation, the rest
 * for training. Both lists ascending, so the training order depends only on the
 * shuffle Rng and not on how the split was drawn.
 */
function splitRows(rows: number, fraction: number, rng: Rng): { train: Uint32Array; validation: Uint32Array } {
  const valCount = Math.max(1, Math.round(rows * fraction));
  if (rows - valCount < 1) {
    throw new Error(`fit: ${rows} rows leave none for training after holding out ${valCount} for validation`);
  }
  const order = rng.shuffle(Uint32Array.from({ length: rows }, (_, i) => i));
  return {
    train: order.slice(valCount).sort(),
    validation: order.slice(0, valCount).sort(),
  };
}

/** Copies of the caller's rows (the training order is shuffled in place), checked against the data. */
function checkRows(given: { train: Uint32Array; validation: Uint32Array }, rows: number): { train: Uint32Array; validation: Uint32Array } {
  for (const [what, list] of [['train', given.train], ['validation', given.validation]] as const) {
    if (list.length === 0) throw new Error(`fit: rows.${what} is empty`);
    const bad = list.findIndex((row) => row >= rows);
    if (bad >= 0) throw new Error(`fit: rows.${what}[${bad}] is ${list[bad]}, but the data has ${rows} rows`);
  }
  return { train: given.train.slice(), validation: given.validation.slice() };
}

/** Rows `indices` of a row-major [*, width] table, packed contiguously. */
function gather(table: Float32Array, width: number, indices: Uint32Array): Float32Array {
  const out = new Float32Array(indices.length * width);
  indices.forEach((row, k) => out.set(table.subarray(row * width, (row + 1) * width), k * width));
  return out;
}

function checkOptions(o: Required<Omit<FitOptions, 'hidden' | 'seed' | 'objective' | 'kernels' | 'rows'>>): void {
  const problems: string[] = [];
  if (!Number.isInteger(o.epochs) || o.epochs < 1) problems.push(`epochs must be a positive integer, got ${o.epochs}`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) problems.push(`batchSize must be a positive integer, got ${o.batchSize}`);
  if (!Number.isInteger(o.patience) || o.patience < 1) problems.push(`patience must be a positive integer, got ${o.patience}`);
  if (!(o.lr > 0)) problems.push(`lr must be > 0, got ${o.lr}`);
  if (!(o.minLr > 0)) problems.push(`minLr must be > 0, got ${o.minLr}`);
  if (!(o.dropout >= 0 && o.dropout < 1)) problems.push(`dropout must be in [0, 1), got ${o.dropout}`);
  if (!(o.l2 >= 0)) problems.push(`l2 must be >= 0, got ${o.l2}`);
  if (!(o.lrDecay > 0 && o.lrDecay <= 1)) problems.push(`lrDecay must be in (0, 1], got ${o.lrDecay}`);
  if (!(o.validationFraction > 0 && o.validationFraction < 1)) {
    problems.push(`validationFraction must be in (0, 1), got ${o.validationFraction}`);
  }
  if (problems.length > 0) throw new Error(`fit: ${problems.join('; ')}`);
}

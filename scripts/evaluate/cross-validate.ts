/**
 * K-fold cross-validation on the training split (`--cv K`): the rows are shuffled with
 * a seed and dealt into K folds; each fold is held out once while the model and every
 * baseline are fitted on the other K − 1; the report gives each metric's mean and
 * spread over folds. It says how much a test-split figure would move with another
 * draw of customers, which one split cannot.
 *
 * The feature transforms (clip bounds, scaler) and the target standardisation stay
 * those fitted on the whole training split: they use no test-split row, but each fold
 * sees statistics that include its held-out rows. That leak is unsupervised and small
 * next to fold-to-fold noise, and refitting them would mean a second encoder pipeline.
 */
import { Rng } from '../math/rng.js';
import { type TestPredictions } from './evaluate.js';
import { type BaselineSplit, fitBaselines } from './fit-baselines.js';
import { regressionMetrics } from './metrics.js';
import { purchaseMetrics } from './purchase.js';

/** Trains the model on `train` and predicts `test`. */
export type FoldTrainer = (train: BaselineSplit, test: BaselineSplit, fold: number) => TestPredictions;

export interface Spread {
  mean: number;
  /** Sample standard deviation over folds (n − 1). */
  sd: number;
  /** One value per fold, in fold order. */
  folds: number[];
}

export interface CrossValidation {
  k: number;
  seed: number;
  /** Held-out rows per fold. */
  rows: number[];
  /** Per predictor (model, then the baselines), per metric. */
  metrics: Record<string, Record<string, Spread>>;
}

export interface CrossValidateInput {
  columns: readonly string[];
  /** The training split; folds are cut from its rows. */
  train: BaselineSplit;
  pastSpend?: string;
  k: number;
  seed: number;
}

export function crossValidate(input: CrossValidateInput, trainFold: FoldTrainer): CrossValidation {
  const { train, k } = input;
  if (!Number.isInteger(k) || k < 2 || k > train.rows) {
    throw new Error(`--cv: need an integer number of folds from 2 to the ${train.rows} training rows, got ${k}`);
  }
  const order = new Rng(input.seed).shuffle(Int32Array.from({ length: train.rows }, (_, i) => i));
  const perFold: Record<string, Record<string, number>>[] = [];
  const rows: number[] = [];
  for (let fold = 0; fold < k; fold++) {
    const held = order.filter((_, position) => position % k === fold).sort();
    const kept = order.filter((_, position) => position % k !== fold).sort();
    const foldTrain = subset(train, kept, input.columns.length);
    const foldTest = subset(train, held, input.columns.length);
    const model = trainFold(foldTrain, foldTest, fold);
    const scores: Record<string, Record<string, number>> = { model: { ...regressionMetrics(foldTest.y, model.ltv) } };
    if (model.pPurchase !== undefined) {
      const { auc, precision, recall, f1 } = purchaseMetrics(foldTest.y, model.pPurchase);
      Object.assign(scores.model!, { auc, precision, recall, f1 });
    }
    const baselines = fitBaselines({ columns: input.columns, train: foldTrain, test: foldTest, pastSpend: input.pastSpend });
    for (const [name, predicted] of Object.entries(baselines)) scores[name] = { ...regressionMetrics(foldTest.y, predicted) };
    perFold.push(scores);
    rows.push(held.length);
  }
  const metrics: CrossValidation['metrics'] = {};
  for (const predictor of Object.keys(perFold[0]!)) {
    metrics[predictor] = {};
    for (const metric of Object.keys(perFold[0]![predictor]!)) {
      metrics[predictor][metric] = spread(perFold.map((scores) => scores[predictor]![metric]!));
    }
  }
  return { k, seed: input.seed, rows, metrics };
}

/** Mean and sample standard deviation; NaN folds (an undefined metric) are left out of both. */
export function spread(values: number[]): Spread {
  const defined = values.filter((v) => !Number.isNaN(v));
  const mean = defined.reduce((a, b) => a + b, 0) / defined.length;
  const sd = defined.length < 2 ? NaN : Math.sqrt(defined.reduce((a, b) => a + (b - mean) ** 2, 0) / (defined.length - 1));
  return { mean, sd, folds: values };
}

function subset(split: BaselineSplit, rows: Int32Array, width: number): BaselineSplit {
  const raw = new Float32Array(rows.length * width);
  const scaled = new Float32Array(rows.length * width);
  rows.forEach((row, i) => {
    raw.set(split.raw.subarray(row * width, (row + 1) * width), i * width);
    scaled.set(split.scaled.subarray(row * width, (row + 1) * width), i * width);
  });
  return { rows: rows.length, raw, scaled, y: Float64Array.from(rows, (row) => split.y[row]!) };
}

/**
 * Fits every baseline on the training rows and predicts the test rows, so the model
 * is compared on the very customers it is scored on: predict-the-mean, ridge on the
 * scaled features, and — when a past-spend column is named — the past-spend heuristic.
 */
import { DataError } from '../data/errors.js';
import { fitMeanBaseline, fitPastSpendBaseline, predictMeanBaseline, predictPastSpendBaseline } from './baselines.js';
import { fitRidge, predictRidge } from './ridge.js';
import { printable, printableList } from '../data/printable.js';

/** The parts of a prepared split the baselines read. */
export interface BaselineSplit {
  rows: number;
  /** Encoder output [rows, width], NaN = missing: past spend is read here, before clipping. */
  raw: Float32Array;
  /** What ridge reads, like the network. */
  scaled: Float32Array;
  y: ArrayLike<number>;
}

export interface BaselineInput {
  /** Encoded column names, in order (PreparedData.columns). */
  columns: readonly string[];
  train: BaselineSplit;
  test: BaselineSplit;
  /** Numeric feature column holding each customer's past spend, for the past-spend heuristic. */
  pastSpend?: string;
}

/** Test predictions per baseline: `mean`, `ridge`, and `pastSpend` when asked for. */
export function fitBaselines(input: BaselineInput): Record<string, Float64Array> {
  const { columns, train, test } = input;
  const width = columns.length;
  const out: Record<string, Float64Array> = {
    mean: predictMeanBaseline(fitMeanBaseline(train.y), test.rows),
    ridge: predictRidge(fitRidge(train.scaled, train.y, train.rows, width), test.scaled, test.rows),
  };
  if (input.pastSpend !== undefined) {
    const column = pastSpendIndex(columns, input.pastSpend);
    const model = fitPastSpendBaseline(input.pastSpend, columnOf(train, column, width), train.y);
    out.pastSpend = predictPastSpendBaseline(model, columnOf(test, column, width));
  }
  return out;
}

function pastSpendIndex(columns: readonly string[], name: string): number {
  const index = columns.indexOf(name);
  if (index < 0) {
    const numeric = columns.filter((c) => !c.includes('='));
    throw new DataError(
      `--past-spend: ${printable(name)} is not a numeric feature column of the model ` +
        `(dropped, categorical or absent; numeric columns: ${printableList(numeric)})`,
      { column: name },
    );
  }
  return index;
}

function columnOf(split: BaselineSplit, column: number, width: number): Float64Array {
  return Float64Array.from({ length: split.rows }, (_, r) => split.raw[r * width + column]!);
}

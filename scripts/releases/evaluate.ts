/**
 * Scores one evaluation set with two models, so that they are compared on the same
 * rows: the candidate's test split (its test-predictions.csv names the data rows),
 * read from the data file the candidate was trained on, encoded by each model's own
 * spec (through the shared encoder) and run in onnxruntime-node.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { Encoder } from '../../src/spec/encode.js';
import type { FeatureSpec } from '../../src/spec/feature-spec.js';
import type { ModelManifest } from '../../src/spec/manifest.js';
import { isMissing, parseNumber, readCsvFile } from '../data/table.js';
import { decileMape, normalisedGini } from '../evaluate/metrics.js';
import { PromotionError } from './model-dir.js';

export interface EvaluationSet {
  /** The data file, for messages. */
  file: string;
  header: string[];
  /** Raw fields of the evaluation rows, in test-predictions.csv order. */
  rows: string[][];
  actual: Float64Array;
}

export interface Scores {
  normalisedGini: number;
  decileMape: number;
}

/** The candidate's test rows, read from `dataFile` (whose SHA-256 must be the one the candidate was trained on). */
export function evaluationSet(candidateDir: string, candidate: ModelManifest, dataFile: string): EvaluationSet {
  const { records, sha256 } = readCsvFile(dataFile);
  if (sha256 !== candidate.trainingData.sha256) {
    throw new PromotionError(
      `${dataFile} has SHA-256 ${sha256}, but the candidate was trained on ${candidate.trainingData.sha256} (${candidate.trainingData.source}); pass the same file with --data`,
    );
  }
  const [header, ...data] = records;
  const predictionsFile = join(candidateDir, 'test-predictions.csv');
  const lines = readFileSync(predictionsFile, 'utf8').trim().split('\n');
  if (!lines[0]?.startsWith('row,actual,predicted')) throw new PromotionError(`${predictionsFile}: line 1: expected a header starting row,actual,predicted`);
  const rows: string[][] = [];
  const actual = new Float64Array(lines.length - 1);
  lines.slice(1).forEach((line, i) => {
    const [row, value] = line.split(',').map(Number);
    const record = data[row!];
    if (!Number.isSafeInteger(row) || record === undefined || !Number.isFinite(value)) {
      throw new PromotionError(`${predictionsFile}: line ${i + 2}: "${line}" does not name a data row of ${dataFile} with a finite actual value`);
    }
    rows.push(record.fields);
    actual[i] = value!;
  });
  if (rows.length < 10) throw new PromotionError(`${predictionsFile}: only ${rows.length} test rows; too few to compare models`);
  return { file: dataFile, header: header!.fields, rows, actual };
}

/** LTV of every evaluation row under one model. */
export async function predict(dir: string, manifest: ModelManifest, set: EvaluationSet): Promise<Float32Array> {
  const encoder = new Encoder(manifest.spec);
  const input = new Float32Array(set.rows.length * encoder.width);
  const columns = new Map(set.header.map((name, i) => [name.trim(), i]));
  set.rows.forEach((fields, r) => {
    const record = recordFromCells(manifest.spec, columns, fields);
    const { errors } = encoder.encodeInto(record, input, r * encoder.width);
    if (errors.length > 0) {
      const first = errors[0]!;
      throw new PromotionError(`${set.file}: evaluation row ${r}: the model in ${dir} cannot encode it: ${first.field}: ${first.message}`);
    }
  });
  const session = await ort.InferenceSession.create(readFileSync(join(dir, 'ltv.onnx')));
  try {
    const output = manifest.spec.io.outputs[0]!;
    const results = await session.run({ [manifest.spec.io.input]: new ort.Tensor('float32', input, [set.rows.length, encoder.width]) });
    return results[output]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/**
 * A CSV row as the JSON record a client would send for it: the spec's features by
 * name, numbers as numbers, missing cells (and non-finite numbers, as the trainer
 * reads them) left out.
 */
export function recordFromCells(spec: FeatureSpec, columns: ReadonlyMap<string, number>, fields: readonly string[]): Record<string, number | string> {
  const record: Record<string, number | string> = {};
  for (const feature of spec.features) {
    const index = columns.get(feature.name);
    const cell = index === undefined ? '' : (fields[index] ?? '').trim();
    if (isMissing(cell)) continue;
    if (feature.type === 'categorical') record[feature.name] = cell;
    else {
      const value = parseNumber(cell);
      if (value !== undefined && Number.isFinite(value)) record[feature.name] = value;
    }
  }
  return record;
}

export function scores(actual: Float64Array, predicted: Float32Array): Scores {
  return { normalisedGini: normalisedGini(actual, predicted), decileMape: decileMape(actual, predicted) };
}

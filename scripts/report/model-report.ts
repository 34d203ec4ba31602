/**
 * report.html for one training run, from what the pipeline already holds: the prepared
 * data, the manifest, the training history, the evaluation and the test predictions.
 * Keeps the page's assembly out of the pipeline.
 */
import type { PreparedData } from '../data/prepare.js';
import type { CrossValidation } from '../evaluate/cross-validate.js';
import type { Evaluation, TestPredictions } from '../evaluate/evaluate.js';
import type { Values } from '../evaluate/metrics.js';
import type { EpochRecord } from '../mlp/fit.js';
import type { ModelManifest } from '../../src/spec/manifest.js';
import { reportCharts } from './charts.js';
import type { EnsembleCard } from './model-card.js';
import { reportHtml } from './html.js';

export interface RunReport {
  data: PreparedData;
  manifest: ModelManifest;
  history: readonly EpochRecord[];
  evaluation: Evaluation;
  crossValidation?: CrossValidation;
  /** The model's test predictions and each baseline's, on data.test. */
  predictions: TestPredictions;
  baselines: Record<string, Values>;
  pastSpend?: string;
  ensemble?: EnsembleCard;
}

export function runReportHtml(run: RunReport): string {
  const { data, manifest } = run;
  const { spec, test, report } = data;
  return reportHtml({
    card: {
      name: manifest.name,
      version: manifest.version,
      createdAt: manifest.createdAt,
      loss: String(manifest.hyperparameters.loss ?? 'mse'),
      hyperparameters: manifest.hyperparameters,
      data: { file: report.file, rowsRead: report.rowsRead, rowsKept: report.rowsKept, trainRows: report.trainRows, testRows: report.testRows, split: report.split },
      target: { name: spec.target.name, unit: spec.target.unit },
      features: spec.features.map((f) => ({ name: f.name, type: f.type })),
      pastSpend: run.pastSpend,
      warnings: data.warnings,
      ...(run.ensemble === undefined ? {} : { ensemble: run.ensemble }),
    },
    evaluation: run.evaluation,
    crossValidation: run.crossValidation,
    actual: test.y,
    charts: reportCharts({ history: run.history, actual: test.y, model: run.predictions, baselines: run.baselines, unit: spec.target.unit }),
  });
}

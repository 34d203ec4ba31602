/** The end-of-run table: what was cleaned, how training went, model vs baselines on the test split. */
import type { ModelManifest } from '../../src/spec/manifest.js';
import type { TrainReport } from '../pipeline/train-model.js';
import type { Metrics } from '../evaluate/metrics.js';

const COLUMNS: (keyof Metrics)[] = ['rmse', 'mae', 'r2', 'normalisedGini', 'spearman', 'decileMape'];

export function summaryTable(manifest: ModelManifest, report: TrainReport, out: string): string {
  const d = report.data;
  const t = report.training;
  const lines = [
    `data: ${d.file}: ${d.rowsRead} rows read, ${d.duplicateRows} duplicate rows and ${d.duplicateIds} duplicate ids dropped, ` +
      `${d.missingTarget + d.nonFiniteTarget + d.negativeTarget} rows without a valid target dropped; ` +
      `${d.trainRows} train / ${d.testRows} test (${d.split} split); ${d.features.kept} features → ${d.features.width} columns; ` +
      `${d.clippedTotal} training values outside the clip bounds`,
    `training: best epoch ${t.bestEpoch} of ${t.history.length}${t.stoppedEarly ? ' (stopped early)' : ''}, ` +
      `${t.seconds.toFixed(1)} s, ${Math.round(t.samplesPerSecond)} samples/s`,
    '',
    `test split (${d.testRows} rows)  ${COLUMNS.map((c) => c.padStart(14)).join('')}`,
  ];
  for (const [name, m] of Object.entries(report.test) as [string, Metrics][]) {
    lines.push(`${name.padEnd(26)}${COLUMNS.map((c) => format(m[c]).padStart(14)).join('')}`);
  }
  lines.push('', `model ${manifest.name} ${manifest.version} written to ${out}/ (ltv.onnx, ltv.json, report.json, test-predictions.csv)`, '');
  return lines.join('\n');
}

function format(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1000 ? x.toFixed(0) : x.toPrecision(4);
}

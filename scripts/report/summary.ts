/** The end-of-run table: what was cleaned, how training went, model vs baselines on the test split. */
import type { ModelManifest } from '../../src/spec/manifest.js';
import type { TrainReport } from './train-report.js';
import type { Metrics } from '../evaluate/metrics.js';

const COLUMNS: (keyof Metrics)[] = ['rmse', 'mae', 'r2', 'normalisedGini', 'spearman', 'decileMape', 'topDecileCapture', 'calibration'];

/** Names of the report's variants (TrainReport.variants) for people. */
export const VARIANT_LABELS: Record<string, string> = {
  single: 'one network',
  members: 'members, averaged',
  served: 'served (the exported graph)',
};

export function summaryTable(manifest: ModelManifest, report: TrainReport, out: string): string {
  const d = report.data;
  const t = report.training;
  const lines = [
    `data: ${d.file}: ${d.rowsRead} rows read, ${d.duplicateRows} duplicate rows and ${d.duplicateIds} duplicate ids dropped, ` +
      `${d.missingTarget + d.nonFiniteTarget + d.negativeTarget} rows without a valid target dropped; ` +
      `${d.trainRows} train / ${d.testRows} test (${d.split} split); ${d.features.kept} features → ${d.features.width} columns; ` +
      `${d.clippedTotal} training values outside the clip bounds`,
    t.members.length > 1
      ? `training: ${t.members.length} members, best epochs ${t.members.map((m) => `${m.bestEpoch}/${m.epochs}`).join(', ')}, ${t.seconds.toFixed(1)} s`
      : `training: best epoch ${t.bestEpoch} of ${t.history.length}${t.stoppedEarly ? ' (stopped early)' : ''}, ${t.seconds.toFixed(1)} s, ${Math.round(t.samplesPerSecond)} samples/s`,
  ];
  const c = report.calibration;
  if (c) lines.push(`calibration: fitted on ${c.rows} held-out training rows in ${c.bins} bins; mean prediction / mean actual there ${format(c.before)} → ${format(c.after)}`);
  lines.push('', `${`test split (${d.testRows} rows)`.padEnd(26)}${COLUMNS.map((c) => c.padStart(17)).join('')}`);
  for (const [name, m] of Object.entries(report.test) as [string, Metrics][]) {
    lines.push(`${name.padEnd(26)}${COLUMNS.map((c) => format(m[c]).padStart(17)).join('')}`);
  }
  const variants = report.variants;
  if (variants) {
    lines.push('', 'the model\'s parts on the same rows:');
    for (const [name, m] of Object.entries(variants) as [string, Metrics][]) {
      lines.push(`${VARIANT_LABELS[name]!.padEnd(26)}${COLUMNS.map((c) => format(m[c]).padStart(17)).join('')}`);
    }
  }
  const e = report.evaluation;
  lines.push(`normalised Gini ${Math.round(100 * e.bootstrap.level)} % interval (paired bootstrap, ${e.bootstrap.replicates} resamples):`);
  lines.push(`  model ${interval(e.model.giniInterval)}`);
  for (const b of Object.values(e.baselines)) lines.push(`  ${b.verdict.text}`);
  const p = e.model.purchase;
  if (p) lines.push(`purchase probability: AUC ${format(p.auc)}; at p ≥ ${p.threshold}: precision ${format(p.precision)}, recall ${format(p.recall)}, F1 ${format(p.f1)}`);
  const cv = report.crossValidation;
  if (cv) {
    lines.push('', `${cv.k}-fold cross-validation on the training split (mean ± sd over folds)`, `${''.padEnd(26)}${COLUMNS.map((c) => c.padStart(22)).join('')}`);
    for (const [name, m] of Object.entries(cv.metrics)) {
      lines.push(`${name.padEnd(26)}${COLUMNS.map((c) => `${format(m[c]!.mean)} ± ${format(m[c]!.sd)}`.padStart(22)).join('')}`);
    }
  }
  lines.push('', `model ${manifest.name} ${manifest.version} written to ${out}/ (ltv.onnx, ltv.json, report.json, report.html, test-predictions.csv)`, '');
  return lines.join('\n');
}

function interval(i: { low: number; high: number }): string {
  return `[${format(i.low)}, ${format(i.high)}]`;
}

function format(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1000 ? x.toFixed(0) : x.toPrecision(4);
}

/**
 * The short model card at the top of report.html: what data, which features, what the
 * model is for, how it scores against the baselines (with intervals and a plain
 * verdict), and what to be careful about. Plain HTML strings; every value is escaped.
 */
import type { CrossValidation } from '../evaluate/cross-validate.js';
import { BASELINE_LABELS, type Evaluation } from '../evaluate/evaluate.js';
import type { Interval } from '../evaluate/bootstrap.js';
import type { Metrics } from '../evaluate/metrics.js';

export interface ModelCard {
  name: string;
  version: string;
  createdAt: string;
  /** Loss the network was trained with, e.g. mse. */
  loss: string;
  hyperparameters: Record<string, unknown>;
  data: { file: string; rowsRead: number; rowsKept: number; trainRows: number; testRows: number; split: 'random' | 'file' };
  target: { name: string; unit: string };
  features: { name: string; type: string }[];
  /** Past-spend column of the heuristic baseline, when one was named. */
  pastSpend?: string;
  warnings: string[];
  /** The networks averaged by the graph and the calibration of their mean, when the model has either. */
  ensemble?: EnsembleCard;
}

export interface EnsembleCard {
  members: number;
  /** 'folds' or 'bootstrap' (spec.members.rows). */
  memberRows: string;
  calibration?: { rows: number; bins: number; before: number; after: number };
  /** Test metrics of the model's parts: one network, the members averaged, the served graph. */
  variants: Partial<Record<'single' | 'members' | 'served', Metrics>>;
}

export interface CardContent {
  card: ModelCard;
  evaluation: Evaluation;
  crossValidation?: CrossValidation;
  /** Test-split actuals, for the caveats (share of zeros, largest value). */
  actual: ArrayLike<number>;
}

/** Metric columns of the tables, in reading order, with how to print them. */
const COLUMNS: { key: keyof Metrics; label: string; digits: number; better: string }[] = [
  { key: 'normalisedGini', label: 'normalised Gini', digits: 3, better: 'higher' },
  { key: 'spearman', label: 'Spearman', digits: 3, better: 'higher' },
  { key: 'topDecileCapture', label: 'top-decile capture', digits: 3, better: 'higher' },
  { key: 'decileMape', label: 'decile MAPE', digits: 3, better: 'lower' },
  { key: 'calibration', label: 'calibration', digits: 3, better: 'near 1' },
  { key: 'mse', label: 'MSE', digits: 2, better: 'lower' },
  { key: 'mae', label: 'MAE', digits: 2, better: 'lower' },
  { key: 'r2', label: 'R²', digits: 3, better: 'higher' },
];

export function modelCardHtml(content: CardContent): string {
  const { card, evaluation } = content;
  const unit = card.target.unit ? ` ${card.target.unit}` : '';
  return [
    `<h1>Model report: ${esc(card.name)} <small>${esc(card.version)}</small></h1>`,
    `<p class="meta">Trained ${esc(card.createdAt)} with the ${esc(card.loss)} loss; ${esc(Object.entries(card.hyperparameters).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join('→') : String(v)}`).join(', '))}.</p>`,
    '<section class="card">',
    '<h2>Model card</h2>',
    `<p><b>Predicts</b> <code>${esc(card.target.name)}</code>${esc(unit)} per customer: the value the customer will bring over the target's horizon.</p>`,
    `<p><b>Data</b> <code>${esc(card.data.file)}</code>: ${card.data.rowsRead} rows read, ${card.data.rowsKept} kept; ` +
      `${card.data.trainRows} training and ${card.data.testRows} test customers (${card.data.split === 'file' ? 'split file' : 'seeded random split'}). ` +
      'Every figure below is on the test customers, which the model never saw.</p>',
    `<p><b>Features</b> (${card.features.length}): ${card.features.map((f) => `<code>${esc(f.name)}</code>${f.type === 'categorical' ? ' (categorical)' : ''}`).join(', ')}.</p>`,
    '<p><b>Intended use</b>: ranking customers and sizing budgets by expected value (who to retain, where to spend acquisition money), ' +
      'for customers like those in the training data and over the same horizon. Not for decisions about one person on its own, ' +
      'and not outside the population and period it was trained on.</p>',
    '<h3>Test metrics, model and baselines on the same customers</h3>',
    metricTable(evaluation),
    verdictList(evaluation),
    card.ensemble ? ensembleSection(card.ensemble) : '',
    purchaseTable(evaluation),
    content.crossValidation ? crossValidationTable(content.crossValidation) : '',
    '<h3>Caveats</h3>',
    `<ul>${caveats(content).map((c) => `<li>${c}</li>`).join('')}</ul>`,
    '</section>',
  ].join('\n');
}

function metricTable(evaluation: Evaluation): string {
  const level = Math.round(evaluation.bootstrap.level * 100);
  const head = `<tr><th></th>${COLUMNS.map((c) => `<th>${c.label}<br><small>${c.better}</small></th>`).join('')}</tr>`;
  const row = (name: string, metrics: Metrics, interval: Interval) =>
    `<tr><th>${esc(name)}</th>${COLUMNS.map((c) => {
      const value = num(metrics[c.key], c.digits);
      return `<td>${c.key === 'normalisedGini' ? `${value} <small>[${num(interval.low, 3)}, ${num(interval.high, 3)}]</small>` : value}</td>`;
    }).join('')}</tr>`;
  const rows = [row('model', evaluation.model.metrics, evaluation.model.giniInterval)];
  for (const [name, b] of Object.entries(evaluation.baselines)) rows.push(row(label(name), b.metrics, b.giniInterval));
  return (
    `<table class="metrics">${head}${rows.join('')}</table>` +
    `<p class="note">${evaluation.rows} test customers. Brackets: ${level} % bootstrap interval ` +
    `(${evaluation.bootstrap.replicates} resamples of the test customers, seed ${evaluation.bootstrap.seed}). ` +
    'Top-decile capture: share of all actual value held by the top 10 % by prediction (random: 0.1). ' +
    'Calibration: mean prediction / mean actual.</p>'
  );
}

const VARIANTS: Record<string, string> = { single: 'one network (the first member), uncalibrated', members: 'the members averaged, uncalibrated', served: 'served: the exported graph' };

/** What the members and the calibration each add, on the same test customers. */
function ensembleSection(e: EnsembleCard): string {
  const head = `<tr><th></th>${COLUMNS.map((c) => `<th>${c.label}</th>`).join('')}</tr>`;
  const rows = Object.entries(e.variants).map(([name, m]) => `<tr><th>${esc(VARIANTS[name] ?? name)}</th>${COLUMNS.map((c) => `<td>${num(m![c.key], c.digits)}</td>`).join('')}</tr>`);
  const members = e.members > 1
    ? `${e.members} networks, each trained with its own seed on the training split less its own validation fold${e.memberRows === 'bootstrap' ? ' (a bootstrap resample of those rows)' : ''}, averaged in one graph: the expected value and purchase probability are the members' means, the quantiles those of their mixture.`
    : 'One network.';
  const c = e.calibration;
  const calibration = c === undefined
    ? 'Not calibrated.'
    : `The average is calibrated by a strictly increasing piecewise-linear map (isotonic regression over ${c.bins} bins), fitted on ${c.rows} training customers each ranked by a network that had not trained on them; ` +
      `on them, mean prediction / mean actual went from ${num(c.before, 3)} to ${num(c.after, 3)}. It changes levels, never the ranking; the quantiles scale with the mean.`;
  return `<h3>Members and calibration</h3><p>${esc(members)} ${esc(calibration)}</p><table class="metrics">${head}${rows.join('')}</table>`;
}

function verdictList(evaluation: Evaluation): string {
  const items = Object.values(evaluation.baselines).map((b) => `<li class="verdict-${b.verdict.beats}">${esc(b.verdict.text)}</li>`);
  return (
    `<ul class="verdicts">${items.join('')}</ul>` +
    '<p class="note">Δ = model − baseline normalised Gini; the interval is a paired bootstrap (both scored on the same resampled customers). ' +
    '“Yes” only when the whole interval is above 0.</p>'
  );
}

function purchaseTable(evaluation: Evaluation): string {
  const p = evaluation.model.purchase;
  if (p === undefined) return '';
  return (
    '<h3>Purchase probability against “spent anything”</h3>' +
    '<table class="metrics"><tr><th>AUC</th><th>threshold</th><th>precision</th><th>recall</th><th>F1</th><th>buyers in test</th></tr>' +
    `<tr><td>${num(p.auc, 3)}</td><td>p ≥ ${p.threshold}</td><td>${num(p.precision, 3)}</td><td>${num(p.recall, 3)}</td>` +
    `<td>${num(p.f1, 3)}</td><td>${num(100 * p.buyerRate, 1)} %</td></tr></table>`
  );
}

function crossValidationTable(cv: CrossValidation): string {
  const predictors = Object.keys(cv.metrics);
  const extra = ['auc', 'f1'].filter((m) => cv.metrics.model?.[m] !== undefined);
  const keys = [...COLUMNS.map((c) => ({ key: c.key as string, label: c.label, digits: c.digits })), ...extra.map((m) => ({ key: m, label: m.toUpperCase(), digits: 3 }))];
  const head = `<tr><th></th>${keys.map((k) => `<th>${esc(k.label)}</th>`).join('')}</tr>`;
  const rows = predictors.map((p) =>
    `<tr><th>${esc(p === 'model' ? 'model' : label(p))}</th>${keys.map((k) => {
      const s = cv.metrics[p]![k.key];
      return `<td>${s === undefined ? '' : `${num(s.mean, k.digits)} <small>± ${num(s.sd, k.digits)}</small>`}</td>`;
    }).join('')}</tr>`,
  );
  return (
    `<h3>${cv.k}-fold cross-validation on the training split</h3>` +
    `<table class="metrics">${head}${rows.join('')}</table>` +
    `<p class="note">Mean ± standard deviation over ${cv.k} folds (seed ${cv.seed}; ${cv.rows.join(', ')} held-out rows).</p>`
  );
}

function caveats({ card, evaluation, actual }: CardContent): string[] {
  const out: string[] = [];
  let zeros = 0;
  let largest = 0;
  for (let k = 0; k < actual.length; k++) {
    if (actual[k] === 0) zeros++;
    largest = Math.max(largest, actual[k]!);
  }
  out.push(
    `${num((100 * zeros) / actual.length, 1)} % of test customers spent nothing and the largest spent ${num(largest, 0)}; ` +
      'with such a tail, a few customers move MSE and R² a lot, so read the ranking metrics first.',
  );
  const calibration = evaluation.model.metrics.calibration;
  if (Math.abs(calibration - 1) > 0.1) {
    out.push(`In total the model ${calibration > 1 ? 'over' : 'under'}-predicts by ${num(100 * Math.abs(calibration - 1), 0)} % on the test customers (calibration ${num(calibration, 3)}).`);
  }
  for (const [name, b] of Object.entries(evaluation.baselines)) {
    if (name !== 'mean' && b.verdict.beats !== 'yes') out.push(`Not a clear ranking win: ${esc(b.verdict.text)}.`);
  }
  if (card.pastSpend === undefined) out.push('No past-spend column was named (<code>--past-spend</code>), so the strongest simple baseline is missing from the comparison.');
  out.push('Inputs are clipped to training quantiles: customers far outside the training range get the prediction of the edge of that range.');
  out.push('The intervals cover the sampling of test customers only, not a change of period, season or population; retrain and re-check when those move.');
  for (const warning of card.warnings) out.push(`Data: ${esc(warning)}`);
  return out;
}

function label(name: string): string {
  return BASELINE_LABELS[name] ?? name;
}

export function num(x: number, digits: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? '–' : String(x);
  // Large values (MSE in dollars²) read better whole; a rounding residue (−3e-14) is not "−0.000".
  const text = x.toFixed(Math.abs(x) >= 1000 ? 0 : digits);
  return Number(text) === 0 ? text.replace('-', '') : text.replace('-', '−');
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

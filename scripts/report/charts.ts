/**
 * The report's charts as plain data: title, axes, and series of numbers with a colour
 * each. The page turns each into a uPlot chart with a few generic lines of script, so
 * every number drawn is computed (and tested) in TypeScript. Every series of a chart
 * has its own colour, which also lets the browser test find each one on its canvas.
 */
import type { TestPredictions } from '../evaluate/evaluate.js';
import { BASELINE_LABELS } from '../evaluate/evaluate.js';
import type { Values } from '../evaluate/metrics.js';
import type { EpochRecord } from '../mlp/fit.js';
import { calibrationChart, decileChart, gainChart, lossChart, rocChart, scatterChart } from './chart-data.js';

export interface SeriesSpec {
  label: string;
  values: number[];
  /** `#rrggbb`. */
  color: string;
  /** Reference lines (perfect, random, y = x) are dashed. */
  dashed?: boolean;
  /** Drawn as dots only (scatter), as bars, or as a line with dots. */
  style?: 'points' | 'bars' | 'line';
}

export interface ChartSpec {
  id: string;
  title: string;
  /** One sentence under the title: how to read the chart. */
  note: string;
  xLabel: string;
  yLabel: string;
  xLog?: boolean;
  yLog?: boolean;
  x: number[];
  series: SeriesSpec[];
}

export const COLORS = {
  model: '#1f77b4',
  actual: '#d62728',
  train: '#ff7f0e',
  perfect: '#2ca02c',
  random: '#7f7f7f',
  ridge: '#9467bd',
  pastSpend: '#8c564b',
  mean: '#e377c2',
} as const;

export interface ChartInput {
  history: readonly EpochRecord[];
  actual: Values;
  model: TestPredictions;
  /** Baseline test predictions by name; drawn on the gain chart (the mean baseline is the random line there, so it is left out). */
  baselines: Record<string, Values>;
  /** Target unit for axis labels, e.g. USD. */
  unit: string;
}

export function reportCharts(input: ChartInput): ChartSpec[] {
  const { actual, model, unit } = input;
  const money = unit ? ` (${unit})` : '';
  const loss = lossChart(input.history);
  const deciles = decileChart(actual, model.ltv);
  const calibration = calibrationChart(actual, model.ltv);
  const scatter = scatterChart(actual, model.ltv);
  const rankers = Object.fromEntries(Object.entries(input.baselines).filter(([name]) => name !== 'mean'));
  const gain = gainChart(actual, { model: model.ltv, ...rankers });

  const charts: ChartSpec[] = [
    {
      id: 'loss',
      title: 'Training and validation loss by epoch',
      note: 'The training objective (ZILN: negative log-likelihood per customer; MSE: squared error on the standardised target); the weights kept are those of the lowest validation loss.',
      xLabel: 'epoch',
      yLabel: 'loss',
      x: loss.epoch,
      series: [
        { label: 'training', values: loss.train, color: COLORS.train, style: 'line' },
        { label: 'validation', values: loss.validation, color: COLORS.model, style: 'line' },
      ],
    },
    {
      id: 'deciles',
      title: 'Mean predicted and mean actual per decile of prediction',
      note: 'Decile 1 holds the 10 % of test customers with the highest predictions; decile MAPE summarises the gaps.',
      xLabel: 'decile',
      yLabel: `mean value${money}`,
      x: deciles.decile,
      series: [
        { label: 'mean predicted', values: deciles.meanPredicted, color: COLORS.model, style: 'bars' },
        { label: 'mean actual', values: deciles.meanActual, color: COLORS.actual, style: 'bars' },
      ],
    },
    {
      id: 'gain',
      title: 'Gain curve: share of value captured by targeting the top customers',
      note: 'The area between a curve and the random diagonal, over that of the perfect curve, is the normalised Gini.',
      xLabel: 'share of customers, best predicted first',
      yLabel: 'share of actual value',
      x: gain.share,
      series: [
        ...Object.entries(gain.curves).map(([name, values]) => ({
          label: name === 'model' ? 'model' : (BASELINE_LABELS[name] ?? name),
          values,
          color: COLORS[name as keyof typeof COLORS] ?? '#17becf',
        })),
        { label: 'perfect', values: gain.perfect, color: COLORS.perfect, dashed: true },
        { label: 'random', values: gain.random, color: COLORS.random, dashed: true },
      ],
    },
    {
      id: 'calibration',
      title: 'Calibration: mean actual against mean predicted, 20 bins of prediction',
      note: 'Points on the dashed diagonal are calibrated; above it the model under-predicts.',
      xLabel: `mean predicted${money}`,
      yLabel: `mean actual${money}`,
      x: calibration.meanPredicted,
      series: [
        { label: 'bins', values: calibration.meanActual, color: COLORS.model, style: 'line' },
        { label: 'y = x', values: calibration.ideal, color: COLORS.random, dashed: true },
      ],
    },
    {
      id: 'scatter',
      title: 'Predicted against actual, log scales',
      note:
        `Both axes are value + 1, so customers who spent nothing sit on the bottom line` +
        (scatter.shown < scatter.total ? `; ${scatter.shown} of ${scatter.total} test customers, evenly by predicted rank.` : '.'),
      xLabel: `predicted + 1${money}`,
      yLabel: `actual + 1${money}`,
      xLog: true,
      yLog: true,
      x: scatter.predictedPlusOne,
      series: [{ label: 'customers', values: scatter.actualPlusOne, color: COLORS.model, style: 'points' }],
    },
  ];
  if (model.pPurchase !== undefined) {
    const roc = rocChart(actual, model.pPurchase);
    charts.push({
      id: 'roc',
      title: 'ROC of the purchase probability against "spent anything"',
      note: 'Each point is one threshold on p_purchase; the area under the curve is the AUC.',
      xLabel: 'false positive rate',
      yLabel: 'true positive rate',
      x: roc.fpr,
      series: [
        { label: 'model', values: roc.tpr, color: COLORS.model },
        { label: 'random', values: roc.random, color: COLORS.random, dashed: true },
      ],
    });
  }
  return charts;
}

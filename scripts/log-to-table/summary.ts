/** The stderr summary of a features run: what went in, what came out, what was left out. */
import type { FeaturesConfig } from './config.js';
import type { FeaturesSummary } from './build.js';
import { printable } from '../data/printable.js';

export function featuresSummaryText(config: FeaturesConfig, s: FeaturesSummary): string {
  const lines = [
    `read ${config.transactions}: ${s.lines.toLocaleString('en')} lines, ${s.firstDay}..${s.lastDay}` +
      (s.linesWithoutCustomer > 0 ? ` (${s.linesWithoutCustomer.toLocaleString('en')} without a customer id, dropped)` : ''),
    `windows: ${s.window}`,
    `wrote ${config.out}: ${s.customers.toLocaleString('en')} customers × ${s.columns.length - 2} features; ` +
      `target ${printable(s.columns[s.columns.length - 1]!)} is 0 for ${(100 * s.targetZeroShare).toFixed(1)} %`,
    ...s.excluded.map((e) => `excluded: ${e.count.toLocaleString('en')} customers (${e.reason})`),
  ];
  return `${lines.join('\n')}\n`;
}

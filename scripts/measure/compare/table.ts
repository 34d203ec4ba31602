/** The comparison table: one line per table and model, mean ± standard deviation over seeds. */
import type { RunResult } from './loss-runs.js';

const METRICS: { key: keyof RunResult; label: string }[] = [
  { key: 'gini', label: 'norm. Gini' },
  { key: 'spearman', label: 'Spearman' },
  { key: 'decileMape', label: 'decile MAPE' },
  { key: 'calibration', label: 'calibration' },
  { key: 'r2', label: 'R²' },
  { key: 'maxRatio', label: 'max pred / max train' },
  { key: 'nonFinite', label: 'non-finite' },
  { key: 'coverage80', label: 'P10–P90 coverage' },
  { key: 'seconds', label: 'train s' },
];

/** A Markdown table, so that it goes into the README as printed. */
export function comparisonTable(results: readonly RunResult[]): string {
  const groups = new Map<string, RunResult[]>();
  for (const r of results) {
    const key = `${r.table}\u0000${r.model}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const lines = [
    `| table | model | seeds | ${METRICS.map((m) => m.label).join(' | ')} |`,
    `|---|---|---|${METRICS.map(() => '---').join('|')}|`,
  ];
  for (const runs of groups.values()) {
    const seeds = runs.map((r) => r.seed).filter((s) => s !== null);
    const cells = METRICS.map(({ key }) => summarise(runs.map((r) => r[key] as number | null)));
    lines.push(`| ${runs[0]!.table} | ${runs[0]!.model} | ${seeds.length > 0 ? seeds.join(', ') : '—'} | ${cells.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

function summarise(values: (number | null)[]): string {
  const xs = values.filter((v): v is number => v !== null);
  if (xs.length === 0) return '—';
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length === 1) return format(mean);
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  return `${format(mean)} ± ${format(sd)}`;
}

function format(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e6) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(3);
}

/**
 * The figures of `npm run bench:scale` as Markdown: one table per job (each size
 * measured), the fitted growth, and the targets with pass or fail from the largest
 * size measured.
 */
import { fitLine } from './growth.js';
import type { Job, Measurement } from './jobs.js';

export interface Run {
  label: string;
  job: Job;
  m: Measurement;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

const n = (x: number) => x.toLocaleString('en');
const rate = (rowsPerSecond: number) => (rowsPerSecond >= 1000 ? `${(rowsPerSecond / 1000).toFixed(1)} k/s` : `${rowsPerSecond.toFixed(0)}/s`);
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');

export function runsTable(runs: readonly Run[], unit: string): string {
  const extraKeys = [...new Set(runs.flatMap((r) => Object.keys(r.m.extra)))];
  const head = ['run', unit, 'wall s', `${unit}/s`, 'CPU s', 'peak RSS', ...extraKeys];
  const rows = runs.map(({ label, m }) => [
    label, n(m.rows), m.seconds.toFixed(1), rate(m.rows / m.seconds), m.cpuSeconds.toFixed(1), mib(m.peakRssBytes),
    ...extraKeys.map((k) => (m.extra[k] === undefined ? '' : k.endsWith('Bytes') ? mib(m.extra[k]!) : k.endsWith('Seconds') ? m.extra[k]!.toFixed(1) : n(m.extra[k]!))),
  ]);
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** Sustained rows/s (1 / slope of seconds) and bytes per row (slope of peak RSS), with the fixed RSS. */
export function growthLine(name: string, runs: readonly Run[], unit: string): string {
  if (runs.length < 2) return `${name}: one size measured; no growth fitted`;
  const time = fitLine(runs.map((r) => ({ x: r.m.rows, y: r.m.seconds })));
  const memory = fitLine(runs.map((r) => ({ x: r.m.rows, y: r.m.peakRssBytes })));
  return `${name}: fitted over ${runs.length} sizes: ${rate(1 / time.slope)} ${unit} sustained (+${time.intercept.toFixed(1)} s fixed), ` +
    `${memory.slope.toFixed(1)} bytes of peak RSS per ${unit.replace(/s$/, '')} (+${mib(memory.intercept)} fixed)`;
}

/** The targets, judged on the largest size of each job measured. */
export function targetLines(runs: { score: Run[]; scoreCsv: Run[]; floor: Run[]; features: Run[]; train: Run[] }): string[] {
  const lines: string[] = [];
  const largest = (list: Run[]) => list.reduce<Run | undefined>((a, b) => (a === undefined || b.m.rows > a.m.rows ? b : a), undefined);
  const score = largest(runs.score);
  const floor = largest(runs.floor);
  if (score !== undefined) {
    const r = score.m.rows / score.m.seconds;
    lines.push(`score, Parquet in and out, ${n(score.m.rows)} customers: ${rate(r)} end to end (target ≥ 100 k/s: ${verdict(r >= 100_000)}); ` +
      `peak RSS ${mib(score.m.peakRssBytes)} (target ≤ 1 GiB: ${verdict(score.m.peakRssBytes <= GiB)})` +
      (floor === undefined ? '' : `; compute-only floor, same engine threads on an encoded matrix: ${rate(floor.m.rows / floor.m.seconds)}`));
    const smallest = runs.score.reduce((a, b) => (b.m.rows < a.m.rows ? b : a));
    if (smallest !== score) {
      const growth = (score.m.peakRssBytes - smallest.m.peakRssBytes) / (score.m.rows - smallest.m.rows);
      lines.push(`score peak RSS from ${n(smallest.m.rows)} to ${n(score.m.rows)} customers: ${mib(smallest.m.peakRssBytes)} → ${mib(score.m.peakRssBytes)} ` +
        `(${growth.toFixed(2)} bytes per added customer; target: does not grow with rows, ${verdict(score.m.peakRssBytes <= 1.1 * smallest.m.peakRssBytes + 64 * MiB)})`);
    }
  }
  const csv = largest(runs.scoreCsv);
  if (csv !== undefined) {
    const r = csv.m.rows / csv.m.seconds;
    lines.push(`score, CSV in, Parquet out, ${n(csv.m.rows)} customers: ${rate(r)} (target ≥ 50 k/s: ${verdict(r >= 50_000)}); peak RSS ${mib(csv.m.peakRssBytes)}`);
  }
  const features = [...runs.features].sort((a, b) => a.m.rows - b.m.rows);
  const big = features.at(-1);
  if (big !== undefined) {
    lines.push(`table-from-log, ${n(big.m.rows)} lines: peak RSS ${mib(big.m.peakRssBytes)} at the default memory limit (target ≤ 2 GiB: ${verdict(big.m.peakRssBytes <= 2 * GiB)})`);
    const small = features[0]!;
    if (small !== big) {
      const ratio = big.m.seconds / (small.m.seconds * (big.m.rows / small.m.rows));
      lines.push(`table-from-log, ${n(small.m.rows)} → ${n(big.m.rows)} lines: ${small.m.seconds.toFixed(1)} s → ${big.m.seconds.toFixed(1)} s, ${ratio.toFixed(2)}× linear (target ≤ 1.3×: ${verdict(ratio <= 1.3)})`);
    }
  }
  const train = largest(runs.train);
  if (train !== undefined) {
    const matrix = train.m.extra.matrixBytes!;
    const { loadSeconds, loadPeakRssBytes, epochSeconds, membersEpochSeconds } = train.m.extra as Record<string, number>;
    lines.push(`train, ${n(train.m.rows)} customers: load ${loadSeconds!.toFixed(1)} s (target ≤ 60 s: ${verdict(loadSeconds! <= 60)}); ` +
      `one epoch ${epochSeconds!.toFixed(1)} s (the members' ${membersEpochSeconds!.toFixed(1)} s, the model's assembly and calibration the rest); ` +
      `peak RSS ${mib(train.m.peakRssBytes)} = ${(train.m.peakRssBytes / matrix).toFixed(2)}× the ${mib(matrix)} float32 feature matrix (target ≤ 3×: ${verdict(train.m.peakRssBytes <= 3 * matrix)}), ` +
      `${mib(loadPeakRssBytes!)} = ${(loadPeakRssBytes! / matrix).toFixed(2)}× by the end of loading`);
  }
  return lines;
}

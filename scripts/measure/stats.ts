/**
 * The arithmetic of the benchmarks: median and spread over repetitions, and a ratio
 * against a peer measured in the same run, checked against its target.
 * Pure functions, so the figures `npm run bench` prints are unit-tested.
 */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** "median [min–max]" with `digits` decimals; a single value prints alone. */
export function spread(values: readonly number[], digits = 1): string {
  if (values.length === 0) return 'n/a';
  const m = median(values).toFixed(digits);
  if (values.length === 1) return m;
  return `${m} [${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}]`;
}

export interface RatioCheck {
  ratio: number;
  target: string;
  pass: boolean;
}

/** ours / peer, passing when it is at most `max` (lower is better, e.g. latency or CPU). */
export function ratioAtMost(ours: number, peer: number, max: number): RatioCheck {
  const ratio = ours / peer;
  return { ratio, target: `≤ ${max}×`, pass: Number.isFinite(ratio) && ratio <= max };
}

/** ours / peer, passing when it is at least `min` (higher is better, e.g. throughput). */
export function ratioAtLeast(ours: number, peer: number, min: number): RatioCheck {
  const ratio = ours / peer;
  return { ratio, target: `≥ ${min}×`, pass: Number.isFinite(ratio) && ratio >= min };
}

export function verdict(check: RatioCheck): string {
  return `${check.ratio.toFixed(2)}× (target ${check.target}: ${check.pass ? 'pass' : '**fail**'})`;
}

/** A markdown table; numbers are printed as given (format them first). */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * What a scoring run shows on stderr: on a terminal, a progress bar rewritten in
 * place (rows, rows/s, ETA) a few times a second; otherwise nothing until the one
 * summary line (logs and CI keep one line per run). Results never go to stdout.
 */
import { type ProgressSink, endProgress, formatDuration } from '../report/progress.js';

export interface ScoreProgress {
  /** Rows read so far (scored and rejected). */
  rows: number;
  rejected: number;
  seconds: number;
  /** Share of the table read, when known (Parquet row count, or DuckDB's own progress). */
  fraction: number | undefined;
}

const WIDTH = 24;
const EVERY_MS = 250;

/** A reporter that draws the bar when `sink` is a terminal and does nothing otherwise. */
export function progressBar(sink: ProgressSink = process.stderr): { update(p: ScoreProgress): void; end(): void } {
  let last = -Infinity;
  return {
    update(p) {
      if (!sink.isTTY) return;
      const now = performance.now();
      if (now - last < EVERY_MS) return;
      last = now;
      const rate = p.seconds > 0 ? p.rows / p.seconds : 0;
      const known = p.fraction !== undefined && p.fraction > 0;
      const filled = known ? Math.min(WIDTH, Math.round(p.fraction! * WIDTH)) : 0;
      const bar = known ? `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${(100 * p.fraction!).toFixed(0).padStart(3)} %  ` : '';
      const eta = known ? `  ETA ${formatDuration((p.seconds * (1 - p.fraction!) / p.fraction!) * 1000)}` : '';
      const rejected = p.rejected > 0 ? `  ${count(p.rejected)} rejected` : '';
      sink.write(`\r\x1b[2K${bar}${count(p.rows)} rows  ${rateText(rate)}${eta}${rejected}`);
    },
    end() {
      if (last > -Infinity) endProgress(sink);
    },
  };
}

export function count(n: number): string {
  return n.toLocaleString('en');
}

export function rateText(rowsPerSecond: number): string {
  return rowsPerSecond >= 1000 ? `${(rowsPerSecond / 1000).toFixed(1)} k rows/s` : `${rowsPerSecond.toFixed(0)} rows/s`;
}

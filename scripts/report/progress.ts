/**
 * Training progress on stderr: one line per epoch, rewritten in place on a terminal
 * and appended otherwise (CI logs), so results on stdout stay clean for pipes.
 */
import type { EpochProgress } from '../mlp/fit.js';

export type { EpochProgress };

/** Where progress goes; tests swap in a collector. */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export function epochReporter(sink: ProgressSink = process.stderr): (p: EpochProgress) => void {
  return function reportEpoch(p) {
    const line =
      (p.member === undefined || p.member.count === 1 ? '' : `member ${p.member.index}/${p.member.count}  `) +
      `epoch ${String(p.epoch).padStart(String(p.epochs).length)}/${p.epochs}` +
      `  train ${p.trainLoss.toFixed(4)}  val ${p.valLoss.toFixed(4)}  lr ${p.lr.toExponential(1)}` +
      `  ${formatDuration(p.elapsedMs)} elapsed, ~${formatDuration(p.etaMs)} left (at most)`;
    sink.write(sink.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
  };
}

/** Ends a rewritten progress line so the next output starts on its own line. */
export function endProgress(sink: ProgressSink = process.stderr): void {
  if (sink.isTTY) sink.write('\n');
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

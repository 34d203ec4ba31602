/**
 * One soak level: `concurrency` loops send the request mix to the worker until the
 * deadline, checking every answer's status and two single scores in ten against the
 * reference values. Counts go into the shared tally; latencies are returned.
 */
import type { SoakRequest } from './traffic.js';

export interface SoakTally {
  sent: number;
  /** Requests that got no answer (network error or timeout). */
  errors: number;
  unexpected: number;
  serverErrors: number;
  checked: number;
  wrong: number;
  byStatus: Map<number, number>;
  /** The first few failures, described. */
  failures: string[];
}

export const newTally = (): SoakTally => ({ sent: 0, errors: 0, unexpected: 0, serverErrors: 0, checked: 0, wrong: 0, byStatus: new Map(), failures: [] });

/** Failures described in full; the rest are counted. */
const LISTED = 10;

export interface SoakLevel {
  url: URL;
  mix: readonly ((i: number) => SoakRequest)[];
  expected: Float32Array;
  concurrency: number;
  until: number;
  /** Index of the next request, shared across levels so the mix keeps turning. */
  counter: { n: number };
}

export async function runSoakLevel(level: SoakLevel, tally: SoakTally): Promise<number[]> {
  const latencies: number[] = [];
  const note = (text: string) => {
    if (tally.failures.length < LISTED) tally.failures.push(text);
  };
  const loop = async () => {
    while (performance.now() < level.until) {
      const i = level.counter.n++;
      const request = level.mix[i % level.mix.length]!(i);
      tally.sent += 1;
      const start = performance.now();
      try {
        const response = await fetch(new URL(request.path, level.url), { ...request.init, signal: AbortSignal.timeout(10_000) });
        const body = await response.text();
        latencies.push(performance.now() - start);
        tally.byStatus.set(response.status, (tally.byStatus.get(response.status) ?? 0) + 1);
        if (response.status >= 500) tally.serverErrors += 1;
        const ok = request.expect === 200 ? response.status === 200 : response.status >= 400 && response.status < 500;
        if (!ok) {
          tally.unexpected += 1;
          note(`${request.kind}: ${response.status} ${body.slice(0, 200)}`);
        } else if (request.record !== undefined && i % 10 < 2) {
          tally.checked += 1;
          const ltv = (JSON.parse(body) as { predictions: { ltv: number }[] }).predictions[0]!.ltv;
          const want = level.expected[request.record]!;
          if (!(Math.abs(ltv - want) <= 1e-6 + 1e-5 * Math.abs(want))) {
            tally.wrong += 1;
            note(`${request.kind}: record ${request.record}: ${ltv}, onnxruntime-node ${want}`);
          }
        }
      } catch (error) {
        tally.errors += 1;
        note(`${request.kind}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: level.concurrency }, loop));
  return latencies.sort((a, b) => a - b);
}

/** Nearest-rank percentile of ascending values; NaN for none. */
export function percentile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * A typed client for server callers of ltv-edge (bidders, back ends): the request
 * and response types are the ones the worker validates with (src/schemas/), so a
 * change to the API breaks the caller's build, not its traffic.
 *
 * Every call has a hard deadline: past it the request is aborted and the caller's
 * fallback is returned, never an exception, since a bidder must answer in time
 * whatever the scorer does. Dependency-free (fetch and AbortSignal only).
 */
import type { ScoreResponseWithErrors } from '../schemas/score.js';

export type ScoreItem = ScoreResponseWithErrors['predictions'][number];
/** A customer: an id in the feature store, features, or both (the request's features win). */
export type CustomerInput = { id?: string } & Record<string, number | string | null | undefined>;

export interface LtvClientOptions {
  /** Base URL of the worker, e.g. `https://ltv.example.workers.dev`. */
  baseUrl: string;
  /** Bearer token (API_TOKEN). */
  token: string;
  /** Injected for tests or custom transports. Default: global fetch. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

export type Outcome<T> = { ok: true; value: T; ms: number } | { ok: false; value: T; ms: number; reason: 'deadline' | 'http' | 'network' | 'item'; detail: string };

export class LtvClient {
  constructor(private readonly options: LtvClientOptions) {}

  /** POST /v1/score for a batch, within `deadlineMs`; `null` when the deadline or an error hits. */
  async scoreMany(customers: CustomerInput[], deadlineMs: number): Promise<Outcome<ScoreResponseWithErrors | null>> {
    const start = performance.now();
    const fetcher = this.options.fetch ?? fetch;
    const signal = AbortSignal.timeout(deadlineMs);
    const failed = (reason: 'deadline' | 'http' | 'network', detail: string) => ({ ok: false as const, value: null, ms: performance.now() - start, reason, detail });
    try {
      // The race makes the deadline hard even for a transport that ignores the signal.
      const response = await Promise.race([
        fetcher(`${this.options.baseUrl}/v1/score`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.options.token}` },
          body: JSON.stringify({ customers }),
          signal,
        }),
        new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
      ]);
      if (!response.ok) return failed('http', `HTTP ${response.status}`);
      const body = (await response.json()) as ScoreResponseWithErrors;
      return { ok: true, value: body, ms: performance.now() - start };
    } catch (error) {
      const timedOut = signal.aborted;
      return failed(timedOut ? 'deadline' : 'network', timedOut ? `no answer within ${deadlineMs} ms` : String(error));
    }
  }

  /** The LTV of one customer within `deadlineMs`, or `fallback` (a deadline, an error, an unknown id). */
  async ltv(customer: CustomerInput, deadlineMs: number, fallback: number): Promise<Outcome<number>> {
    const outcome = await this.scoreMany([customer], deadlineMs);
    if (!outcome.ok) return { ...outcome, value: fallback };
    const item = outcome.value?.predictions[0];
    if (item === undefined || !('ltv' in item)) {
      return { ok: false, value: fallback, ms: outcome.ms, reason: 'item', detail: item !== undefined && 'error' in item ? item.error.detail : 'no prediction' };
    }
    return { ok: true, value: item.ltv, ms: outcome.ms };
  }
}

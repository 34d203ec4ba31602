/**
 * Drawing from a discrete distribution with the project's seeded Rng: shared by the
 * customer-table generator and the transaction-log generator, so both draw channels
 * and countries the same way.
 */
import type { Rng } from '../math/rng.js';

/** Cumulative shares of `weights` (normalised to sum to 1). */
export function cumulative(weights: readonly number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  let running = 0;
  return weights.map((w) => (running += w / total));
}

/** Index drawn from a cumulative distribution made by `cumulative`. */
export function draw(rng: Rng, cdf: readonly number[]): number {
  const u = rng.next();
  const index = cdf.findIndex((c) => u < c);
  return index < 0 ? cdf.length - 1 : index;
}

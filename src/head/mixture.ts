/**
 * An equal-weight mixture of zero-inflated lognormals: what a graph of K member
 * networks predicts for one customer, each member answering its own p, μ and σ
 * (./ziln.ts). The mixture's expected value is the mean of the members' means and
 * its purchase probability the mean of their p; those two the graph computes. Its
 * quantiles are not the mean of the members' quantiles, and have no closed form:
 * they are found here, by root finding on the mixture's CDF.
 *
 *   F(0)      = mean over k of (1 − p_k)                          (no purchase)
 *   F(x > 0)  = mean over k of (1 − p_k) + p_k · Φ((ln x − μ_k) / σ_k)
 *
 * Deterministic and bounded: a bracket that provably holds the root, at most
 * MAX_ITERATIONS steps of the Illinois method, and an answer that stays inside the
 * bracket whatever the inputs, so it is finite whenever the members' μ and σ are.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { zilnQuantile } from './ziln.js';

/** The members' parameters for one customer, index k = member k; equal lengths ≥ 1. */
export interface ZilnMixture {
  p: ArrayLike<number>;
  mu: ArrayLike<number>;
  sigma: ArrayLike<number>;
}

/** Steps of the root finder; 60 halve any bracket below float64 resolution, and Illinois needs far fewer. */
export const MAX_ITERATIONS = 60;

/** The bracket on ln x is narrower than this relative to the answer: far below float32 resolution, which the response carries. */
const LOG_TOLERANCE = 1e-10;

/** P(Y ≤ x) of the mixture; 0 for x < 0. */
export function mixtureCdf(m: ZilnMixture, x: number): number {
  if (x < 0) return 0;
  const count = checkMixture(m);
  let sum = 0;
  for (let k = 0; k < count; k++) {
    const p = m.p[k]!;
    sum += 1 - p + (x > 0 ? p * normalCdf(Math.log(x), m.mu[k]!, m.sigma[k]!) : 0);
  }
  return sum / count;
}

/**
 * The q-quantile of the mixture, q in (0, 1): 0 while q is at most the mixture's
 * zero mass, else exp(t) where F(exp(t)) = q. One member reduces to the closed form
 * of `zilnQuantile`.
 *
 * The root lies between the members' own quantiles at the rescaled level
 * r = (q − zero mass) / mean p: at t = max_k(μ_k + σ_k Φ⁻¹(r)) every member's
 * amount CDF is at least r, so F ≥ zero mass + mean p · r = q, and at the minimum
 * every one is at most r. That bracket is as narrow as the members disagree.
 */
export function mixtureQuantile(m: ZilnMixture, q: number): number {
  if (!(q > 0 && q < 1)) throw new RangeError(`quantile level must be in (0, 1), got ${q}`);
  const count = checkMixture(m);
  if (count === 1) return zilnQuantile({ p: m.p[0]!, mu: m.mu[0]!, sigma: m.sigma[0]! }, q);
  let zeroMass = 0;
  for (let k = 0; k < count; k++) zeroMass += 1 - m.p[k]!;
  zeroMass /= count;
  if (q <= zeroMass) return 0;
  const spend = 1 - zeroMass; // mean p, > 0 here
  // Rounding can put r at 1 when q is within an ulp of 1: keep it a valid level.
  const z = normalQuantile(Math.min((q - zeroMass) / spend, 1 - 1e-16), 0, 1);
  let low = Infinity;
  let high = -Infinity;
  for (let k = 0; k < count; k++) {
    const t = m.mu[k]! + m.sigma[k]! * z;
    if (t < low) low = t;
    if (t > high) high = t;
  }
  return Math.exp(findRoot((t) => logCdf(m, count, t) - q, low, high));
}

/** F(exp(t)) for t on the log scale. */
function logCdf(m: ZilnMixture, count: number, t: number): number {
  let sum = 0;
  for (let k = 0; k < count; k++) {
    const p = m.p[k]!;
    sum += 1 - p + p * normalCdf(t, m.mu[k]!, m.sigma[k]!);
  }
  return sum / count;
}

/**
 * A root of the non-decreasing `g` in [low, high], where g(low) ≤ 0 ≤ g(high):
 * the Illinois variant of regula falsi (the false-position step, with the stale
 * end's value halved when one end is kept twice, so it converges superlinearly),
 * falling back to the midpoint when the step leaves the bracket. Never leaves it.
 */
function findRoot(g: (t: number) => number, low: number, high: number): number {
  let gLow = g(low);
  let gHigh = g(high);
  if (!(gLow < 0)) return low;
  if (!(gHigh > 0)) return high;
  let kept = 0; // +1: `low` kept on the last step, −1: `high` kept
  for (let i = 0; i < MAX_ITERATIONS && high - low > LOG_TOLERANCE * Math.max(1, Math.abs(low)); i++) {
    let t = high - (gHigh * (high - low)) / (gHigh - gLow);
    if (!(t > low && t < high)) t = (low + high) / 2;
    const gt = g(t);
    if (gt === 0) return t;
    if (gt < 0) {
      low = t;
      gLow = gt;
      if (kept === -1) gHigh /= 2;
      kept = -1;
    } else {
      high = t;
      gHigh = gt;
      if (kept === 1) gLow /= 2;
      kept = 1;
    }
  }
  return (low + high) / 2;
}

function checkMixture(m: ZilnMixture): number {
  const count = m.p.length;
  if (count < 1 || m.mu.length !== count || m.sigma.length !== count) {
    throw new RangeError(`a mixture needs p, mu and sigma of one length ≥ 1, got ${m.p.length}, ${m.mu.length} and ${m.sigma.length}`);
  }
  return count;
}

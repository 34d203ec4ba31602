/**
 * The zero-inflated lognormal (ZILN) head of Wang, Liu & Miao (2019), "A Deep
 * Probabilistic Model for Customer Lifetime Value Prediction": a customer spends
 * nothing with probability 1 − p, and otherwise an amount whose logarithm is
 * normal with mean μ and standard deviation σ.
 *
 * Pure math shared by the trainer (loss, reference predictions, evaluation) and
 * the worker (quantiles in the response): one definition of the head, as with the
 * feature spec, so the two sides cannot drift.
 */
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

/**
 * How the network's three raw outputs become p, μ and σ, with the bounds that keep
 * every prediction finite. Written into the spec (`spec.target.ziln`) by the
 * trainer and laid into the ONNX graph as constants.
 *
 *   p = sigmoid(logit)
 *   μ = clamp(muShift + muScale · raw_μ, muMin, muMax)
 *   σ = min(sigmaFloor + softplus(raw_σ), sigmaMax)
 *
 * Bounds (why they are principled, not tuned):
 * - μ stays within [log of the smallest, log of the largest] positive training
 *   target: the median spend of a buyer is never predicted outside what was seen.
 * - σ is at most the standard deviation of log spend over all spenders of the
 *   training split: no customer is predicted to be more uncertain than the whole
 *   spender population is. With μ bounded too, the mean exp(μ + σ²/2) is at most
 *   max target · exp(sigmaMax² / 2), finite in float32 and, on the real tables, a
 *   small multiple of the largest training target.
 * - σ ≥ sigmaFloor keeps the likelihood from collapsing onto single points.
 * The clamp and the cap are applied where predictions are served (the graph, the
 * reference), not inside the training loss, whose gradient they would zero
 * (scripts/mlp/objective.ts says why that matters).
 */
export interface ZilnHead {
  /** μ = muShift + muScale · raw: the mean and standard deviation of log spend among training spenders, so the raw output starts near 0 like a standardised target. */
  muShift: number;
  muScale: number;
  /** Bounds of μ: log of the smallest and largest positive training target. */
  muMin: number;
  muMax: number;
  /** Smallest σ (0.05). */
  sigmaFloor: number;
  /** Largest σ: the standard deviation of log spend among training spenders. */
  sigmaMax: number;
}

/** The floor of σ: 5 % on the log scale, so the amount density never degenerates. */
export const SIGMA_FLOOR = 0.05;

/** Distribution parameters of one customer. */
export interface ZilnParams {
  /** Probability of spending anything. */
  p: number;
  mu: number;
  sigma: number;
}

/** Stable log(1 + eˣ). */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * The head fitted to training targets (any unit, ≥ 0): statistics of log y over
 * the positive ones. Throws when fewer than two are positive, because then neither
 * μ's range nor σ's cap can be estimated.
 */
export function fitZilnHead(targets: ArrayLike<number>): ZilnHead {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < targets.length; k++) {
    const y = targets[k]!;
    if (!(y > 0)) continue;
    const l = Math.log(y);
    count++;
    sum += l;
    if (l < min) min = l;
    if (l > max) max = l;
  }
  if (count < 2) throw new Error(`the ZILN head needs at least 2 positive training targets to fit its bounds, got ${count}`);
  const mean = sum / count;
  let squares = 0;
  for (let k = 0; k < targets.length; k++) if (targets[k]! > 0) squares += (Math.log(targets[k]!) - mean) ** 2;
  const std = Math.sqrt(squares / count);
  // Float32, as the graph holds them, so that trainer, reference and graph share the same constants.
  const f32 = Math.fround;
  return {
    muShift: f32(mean),
    muScale: std > 0 ? f32(std) : 1,
    muMin: f32(min),
    muMax: f32(max),
    sigmaFloor: f32(SIGMA_FLOOR),
    // All spenders spent the same: σ still needs room above its floor.
    sigmaMax: f32(Math.max(std, 2 * SIGMA_FLOOR)),
  };
}

/** p, μ, σ from the network's raw outputs, bounded as `ZilnHead` says. */
export function zilnParams(head: ZilnHead, logit: number, rawMu: number, rawSigma: number): ZilnParams {
  const mu = Math.min(Math.max(head.muShift + head.muScale * rawMu, head.muMin), head.muMax);
  const sigma = Math.min(head.sigmaFloor + softplus(rawSigma), head.sigmaMax);
  return { p: sigmoid(logit), mu, sigma };
}

/** Expected value p · exp(μ + σ²/2). */
export function zilnMean({ p, mu, sigma }: ZilnParams): number {
  return p * Math.exp(mu + (sigma * sigma) / 2);
}

/**
 * The q-quantile of the zero-inflated lognormal: 0 while q ≤ 1 − p (the zero mass
 * covers it), else the lognormal quantile at the rescaled level
 *   exp(μ + σ · Φ⁻¹((q − (1 − p)) / p)).
 * q in (0, 1). Φ⁻¹ is @stdlib's (√2 · erfinv(2u − 1), Boost's rational approximations,
 * double precision): a maintained, tested implementation rather than a hand-written one.
 */
export function zilnQuantile({ p, mu, sigma }: ZilnParams, q: number): number {
  if (!(q > 0 && q < 1)) throw new RangeError(`quantile level must be in (0, 1), got ${q}`);
  const zeroMass = 1 - p;
  if (q <= zeroMass) return 0;
  return Math.exp(mu + sigma * normalQuantile((q - zeroMass) / p, 0, 1));
}

/**
 * The ZILN graph's outputs, in order: the expected value first (so that a reader
 * that knows only "the first output is the LTV" still serves it), then p, μ and σ.
 */
export const ZILN_OUTPUTS = ['ltv', 'p_purchase', 'mu', 'sigma'] as const;

/**
 * The outputs of a ZILN graph of several members (spec.members): the mixture's
 * expected value and purchase probability, [N, 1] each, then every member's p, μ
 * and σ, [N, K] each, from which the worker computes the mixture's quantiles
 * (./mixture.ts). The first two mean what they mean for one network.
 */
export const ZILN_MEMBER_OUTPUTS = ['ltv', 'p_purchase', 'member_p', 'member_mu', 'member_sigma'] as const;

/** The [N, K] outputs among ZILN_MEMBER_OUTPUTS. */
export const MEMBER_PARAMETER_OUTPUTS = ['member_p', 'member_mu', 'member_sigma'] as const;

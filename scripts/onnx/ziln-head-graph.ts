/**
 * The zero-inflated lognormal head as ONNX nodes, appended after the members' last
 * hidden layers in the LTV graph (./ltv-graph.ts), for K members at once:
 *
 *   hidden ─┬─ MatMul+Add ─ Sigmoid ─────────────────────────────▶ p      [batch, K]
 *           ├─ MatMul+Add ─ ·scale + shift ─ Clip[muMin, muMax] ──▶ mu     [batch, K]
 *           └─ MatMul+Add ─ Softplus + floor ─ Min(·, sigmaMax) ──▶ sigma  [batch, K]
 *   mean = p · exp(mu + sigma² / 2)                                        [batch, K]
 *
 * `hidden` is one network's last hidden layer, or the members' side by side; each
 * network's last layer ([H, 3]) is written as three columns, one product each
 * (block-diagonal over members: ./dense-graph.ts `blockDenseNodes`). Splitting one
 * [batch, 3] product would need Split or Slice, whose axes are attributes or int64
 * inputs the float-only wire writer does not express, and three thin MatMuls cost
 * nothing next to the hidden layers. Every member shares the head's constants,
 * fitted on the whole training split.
 */
import type { ZilnHead } from '../../src/head/ziln.js';
import type { DenseLayer } from '../mlp/params.js';
import { blockDenseNodes } from './dense-graph.js';
import type { Node, Tensor } from './wire.js';

export interface HeadNodes {
  initializers: Tensor[];
  nodes: Node[];
}

/**
 * Nodes from the value `hidden` through the layers `lasts` ([H, 3] each: logit,
 * raw μ, raw σ) to the four named values, [batch, lasts.length] each. `float32`
 * checks and converts constants.
 */
export function zilnHeadNodes(
  hidden: string,
  lasts: readonly DenseLayer[],
  head: ZilnHead,
  outputs: { mean: string; p: string; mu: string; sigma: string },
  float32: (values: ArrayLike<number>, where: (index: number) => string) => Float32Array,
): HeadNodes {
  const initializers: Tensor[] = [];
  const nodes: Node[] = [];
  const scalar = (name: string, value: number, docString: string) =>
    initializers.push({ name, dims: [], data: float32([value], () => name), docString });

  ['logit', 'raw_mu', 'raw_sigma'].forEach((name, column) => {
    blockDenseNodes(`head/${name}`, hidden, lasts, column, `head/${name}`, initializers, nodes);
  });

  scalar('mu_scale', head.muScale, 'Standard deviation of log spend among training spenders: μ = shift + scale · raw.');
  scalar('mu_shift', head.muShift, 'Mean of log spend among training spenders.');
  scalar('mu_min', head.muMin, 'Lower bound of μ: log of the smallest positive training target.');
  scalar('mu_max', head.muMax, 'Upper bound of μ: log of the largest positive training target.');
  scalar('sigma_floor', head.sigmaFloor, 'Smallest σ.');
  scalar('sigma_max', head.sigmaMax, 'Upper bound of σ: the standard deviation of log spend among training spenders.');
  scalar('half', 0.5, 'The ½ of σ²/2.');
  nodes.push(
    { name: 'head/p/Sigmoid', opType: 'Sigmoid', inputs: ['head/logit'], outputs: [outputs.p], docString: 'Probability of spending anything.' },
    { name: 'head/mu/Mul', opType: 'Mul', inputs: ['head/raw_mu', 'mu_scale'], outputs: ['head/mu/scaled'] },
    { name: 'head/mu/Add', opType: 'Add', inputs: ['head/mu/scaled', 'mu_shift'], outputs: ['head/mu/linear'] },
    { name: 'head/mu/Clip', opType: 'Clip', inputs: ['head/mu/linear', 'mu_min', 'mu_max'], outputs: [outputs.mu], docString: 'Mean of log spend, if any.' },
    { name: 'head/sigma/Softplus', opType: 'Softplus', inputs: ['head/raw_sigma'], outputs: ['head/sigma/softplus'] },
    { name: 'head/sigma/Add', opType: 'Add', inputs: ['head/sigma/softplus', 'sigma_floor'], outputs: ['head/sigma/linear'] },
    { name: 'head/sigma/Min', opType: 'Min', inputs: ['head/sigma/linear', 'sigma_max'], outputs: [outputs.sigma], docString: 'Standard deviation of log spend, if any.' },
    { name: 'head/mean/Square', opType: 'Mul', inputs: [outputs.sigma, outputs.sigma], outputs: ['head/mean/variance'] },
    { name: 'head/mean/Half', opType: 'Mul', inputs: ['head/mean/variance', 'half'], outputs: ['head/mean/half_variance'] },
    { name: 'head/mean/Add', opType: 'Add', inputs: [outputs.mu, 'head/mean/half_variance'], outputs: ['head/mean/log_mean'] },
    { name: 'head/mean/Exp', opType: 'Exp', inputs: ['head/mean/log_mean'], outputs: ['head/mean/amount'] },
    { name: 'head/mean/Mul', opType: 'Mul', inputs: [outputs.p, 'head/mean/amount'], outputs: [outputs.mean], docString: 'Expected value p · exp(μ + σ²/2).' },
  );
  return { initializers, nodes };
}

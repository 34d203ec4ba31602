/**
 * Making parameter sets: a freshly initialised network, and zeroed or copied sets
 * with the same layout (gradients, optimizer moments, best-epoch snapshots).
 */
import type { DenseLayer, MlpParams } from './params.js';
import type { Rng } from '../math/rng.js';

/**
 * He (Kaiming) normal initialisation for sizes [in, ...hidden, out]:
 * W ~ N(0, 2 / fanIn), b = 0.
 *
 * The 2/fanIn variance keeps the activation scale roughly constant through ReLU
 * layers (ReLU halves the second moment), so a 500-wide first layer neither
 * explodes nor vanishes at step 0. The linear output layer gets the same rule:
 * its input is a ReLU layer too, and it only sets the scale of the first predictions.
 * Weights are drawn layer by layer, row-major, so a seed fixes every value.
 */
export function heInit(sizes: readonly number[], rng: Rng): MlpParams {
  if (sizes.length < 2) {
    throw new Error(`heInit: need at least [in, out] sizes, got [${sizes.join(', ')}]`);
  }
  for (const [index, size] of sizes.entries()) {
    if (!Number.isInteger(size) || size < 1) {
      throw new Error(`heInit: size ${index} must be a positive integer, got ${size} in [${sizes.join(', ')}]`);
    }
  }
  const layers: DenseLayer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inSize = sizes[l]!;
    const outSize = sizes[l + 1]!;
    const std = Math.sqrt(2 / inSize);
    const weights = new Float32Array(inSize * outSize);
    for (let k = 0; k < weights.length; k++) weights[k] = rng.normal() * std;
    layers.push({ inSize, outSize, weights, bias: new Float32Array(outSize) });
  }
  return { layers };
}

/** A zero-filled parameter set with the same layout: the shape of a gradient. */
export function zerosLike(params: MlpParams): MlpParams {
  return {
    layers: params.layers.map(({ inSize, outSize }) => ({
      inSize,
      outSize,
      weights: new Float32Array(inSize * outSize),
      bias: new Float32Array(outSize),
    })),
  };
}

/** A deep copy: a snapshot that later training steps cannot touch. */
export function cloneParams(params: MlpParams): MlpParams {
  return {
    layers: params.layers.map(({ inSize, outSize, weights, bias }) => ({
      inSize,
      outSize,
      weights: weights.slice(),
      bias: bias.slice(),
    })),
  };
}

/** Copies every value of `from` into `to` (same layout), without allocating. */
export function copyParams(from: MlpParams, to: MlpParams): void {
  assertSameLayout(from, to, 'copyParams');
  from.layers.forEach((layer, l) => {
    const target = to.layers[l]!;
    target.weights.set(layer.weights);
    target.bias.set(layer.bias);
  });
}

/**
 * Throws unless `a` and `b` have the same layers with the same sizes; `what` names
 * the caller in the message, e.g. "adam: layer 1: grads are [500, 100], params are [500, 50]".
 */
export function assertSameLayout(a: MlpParams, b: MlpParams, what: string): void {
  if (a.layers.length !== b.layers.length) {
    throw new Error(`${what}: ${a.layers.length} layers vs ${b.layers.length} layers`);
  }
  a.layers.forEach((la, l) => {
    const lb = b.layers[l]!;
    const same =
      la.inSize === lb.inSize &&
      la.outSize === lb.outSize &&
      la.weights.length === lb.weights.length &&
      la.bias.length === lb.bias.length;
    if (!same) {
      throw new Error(
        `${what}: layer ${l}: [${la.inSize}, ${la.outSize}] (${la.weights.length} weights, ${la.bias.length} biases) ` +
          `vs [${lb.inSize}, ${lb.outSize}] (${lb.weights.length} weights, ${lb.bias.length} biases)`,
      );
    }
  });
}

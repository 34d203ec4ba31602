/**
 * The training-time passes of the MLP: a batched forward that keeps every layer's
 * activations, and the backward pass that turns dLoss/dOutput into gradients for
 * every weight and bias (same layout as the params).
 *
 * The loops themselves are kernels (./kernels/): by default the reference ones, the
 * plain typed-array loops every faster kernel is checked against; the SIMD kernels
 * run the same passes in WebAssembly. Buffers are allocated once, from the kernels,
 * for the largest batch and reused on every step.
 */
import { assertSameLayout } from './init.js';
import type { Kernels } from './kernels/kernels.js';
import { referenceKernels } from './kernels/reference.js';
import type { MlpParams } from './params.js';
import type { Rng } from '../math/rng.js';

/** Inverted dropout on hidden activations during training. */
export interface Dropout {
  /** Probability of zeroing a hidden unit, in [0, 1). 0 turns dropout off. */
  rate: number;
  /** Source of the masks; one draw per hidden unit per row, in row-major order. */
  rng: Rng;
}

/**
 * Holds the per-batch buffers: one forward/backward workspace for one network shape
 * and batches of up to `capacity` rows.
 *
 * Hidden activations are stored after ReLU and dropout. That is all the backward
 * pass needs: a stored value > 0 means the unit was active and kept (its derivative
 * is the dropout scale); 0 means inactive or dropped (derivative 0). So no separate
 * mask is kept. Because a mask draw is made for every unit, whatever its value, the
 * same Rng state always gives the same mask, which the gradient check relies on.
 */
export class Backprop {
  readonly capacity: number;
  private readonly sizes: number[];
  /** acts[l]: layer l's output, [capacity, out_l]; the last one is the raw prediction. */
  private readonly acts: Float32Array[];
  /** deltas[l]: dLoss/dz for hidden layer l, [capacity, out_l]. The output delta is the caller's. */
  private readonly deltas: Float32Array[];
  /** Inverted-dropout scale 1 / (1 - rate) used by the last forward, per hidden layer. */
  private readonly scales: Float64Array;
  /** Where an input batch or dOut the kernels cannot reach is copied to. */
  private readonly inputStage: Float32Array;
  private readonly dOutStage: Float32Array;
  private readonly kernels: Kernels;
  private input: Float32Array | undefined;
  private rows = 0;

  /**
   * With SIMD kernels, the params, grads and dOut passed in later must be arrays from
   * the same kernels (see TrainStep); inputs are copied in when they are not.
   */
  constructor(params: MlpParams, capacity: number, kernels: Kernels = referenceKernels) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new Error(`Backprop: capacity must be a positive integer, got ${capacity}`);
    }
    if (params.layers.length === 0) throw new Error('Backprop: the network has no layers');
    this.capacity = capacity;
    this.sizes = [params.layers[0]!.inSize, ...params.layers.map((layer) => layer.outSize)];
    this.checkParams(params);
    this.kernels = kernels;
    this.acts = params.layers.map((layer) => kernels.floats(capacity * layer.outSize));
    this.deltas = params.layers.slice(0, -1).map((layer) => kernels.floats(capacity * layer.outSize));
    this.inputStage = kernels.floats(capacity * this.sizes[0]!);
    this.dOutStage = kernels.floats(capacity * this.sizes[this.sizes.length - 1]!);
    this.scales = new Float64Array(params.layers.length).fill(1);
  }

  /**
   * Runs `rows` rows of `x` (row-major [rows, in]) through the network, keeping the
   * activations for `backward`. Returns a view of the output, [rows, out], valid
   * until the next call. With `dropout` the hidden units are masked and the kept
   * ones scaled by 1 / (1 - rate); without it, on the reference kernels, this is
   * bit-identical to `mlpForward` (the SIMD kernels round differently).
   * `x` must stay unchanged until `backward` has run.
   */
  forward(params: MlpParams, x: Float32Array, rows: number, dropout?: Dropout): Float32Array {
    this.checkParams(params);
    this.checkRows(rows);
    const inSize0 = this.sizes[0]!;
    if (x.length < rows * inSize0) {
      throw new Error(`Backprop.forward: input: expected [${rows}, ${inSize0}] = ${rows * inSize0} values, got ${x.length}`);
    }
    const rate = dropout?.rate ?? 0;
    if (!(rate >= 0 && rate < 1)) throw new Error(`Backprop.forward: dropout rate must be in [0, 1), got ${rate}`);
    const last = params.layers.length - 1;
    const k = this.kernels;
    const x0 = k.owns(x) ? x : this.stage(x, rows * inSize0, this.inputStage);
    let input = x0;
    for (let l = 0; l <= last; l++) {
      const { inSize, outSize, weights, bias } = params.layers[l]!;
      const out = this.acts[l]!;
      const hidden = l < last;
      const layerRate = hidden ? rate : 0;
      const scale = 1 / (1 - layerRate);
      k.denseForward(input, weights, bias, out, rows, inSize, outSize);
      if (hidden && layerRate > 0) {
        // Dropout stays in JS: the masks come from the seeded Rng, in row-major order.
        const rng = dropout!.rng;
        const n = rows * outSize;
        for (let j = 0; j < n; j++) {
          const keep = rng.next() >= layerRate; // always draw, so the mask depends on the Rng only
          const v = out[j]!;
          out[j] = keep ? (v < 0 ? 0 : v * scale) : 0;
        }
      } else if (hidden) {
        k.relu(out, rows * outSize);
      }
      this.scales[l] = scale;
      input = out;
    }
    this.input = x0;
    this.rows = rows;
    return this.acts[last]!.subarray(0, rows * this.sizes[last + 1]!);
  }

  /**
   * Back-propagates `dOut` = dLoss/dOutput ([rows, out], for the rows of the last
   * `forward`) and overwrites `grads` (same layout as `params`) with dLoss/dW and
   * dLoss/db. `params` must be the ones the forward ran with.
   */
  backward(params: MlpParams, dOut: Float32Array, grads: MlpParams): void {
    const x = this.input;
    if (x === undefined) throw new Error('Backprop.backward: call forward first');
    this.checkParams(params);
    assertSameLayout(grads, params, 'Backprop.backward: grads vs params');
    const rows = this.rows;
    const last = params.layers.length - 1;
    const outLast = this.sizes[last + 1]!;
    if (dOut.length < rows * outLast) {
      throw new Error(`Backprop.backward: dOut: expected [${rows}, ${outLast}] = ${rows * outLast} values, got ${dOut.length}`);
    }
    const k = this.kernels;
    let delta = k.owns(dOut) ? dOut : this.stage(dOut, rows * outLast, this.dOutStage);
    for (let l = last; l >= 0; l--) {
      const { inSize, outSize, weights } = params.layers[l]!;
      const { weights: gW, bias: gb } = grads.layers[l]!;
      const input = l === 0 ? x : this.acts[l - 1]!;
      k.weightGrad(input, delta, gW, gb, rows, inSize, outSize);
      if (l === 0) break;
      const prevDelta = this.deltas[l - 1]!;
      k.inputGrad(delta, weights, this.acts[l - 1]!, prevDelta, rows, inSize, outSize, this.scales[l - 1]!);
      delta = prevDelta;
    }
  }

  private stage(values: Float32Array, n: number, stage: Float32Array): Float32Array {
    stage.set(values.subarray(0, n));
    return stage;
  }

  private checkRows(rows: number): void {
    if (!Number.isInteger(rows) || rows < 1 || rows > this.capacity) {
      throw new Error(`Backprop: rows must be an integer in [1, ${this.capacity}], got ${rows}`);
    }
  }

  /** The params must be the shape this workspace was built for, and self-consistent. */
  private checkParams(params: MlpParams): void {
    if (params.layers.length !== this.sizes.length - 1) {
      throw new Error(`Backprop: expected ${this.sizes.length - 1} layers [${this.sizes.join(', ')}], got ${params.layers.length}`);
    }
    params.layers.forEach(({ inSize, outSize, weights, bias }, l) => {
      const wantIn = this.sizes[l]!;
      const wantOut = this.sizes[l + 1]!;
      if (inSize !== wantIn || outSize !== wantOut) {
        throw new Error(`layer ${l}: expected [${wantIn}, ${wantOut}], got [${inSize}, ${outSize}]`);
      }
      if (weights.length !== inSize * outSize || bias.length !== outSize) {
        throw new Error(
          `layer ${l}: weights must hold [${inSize}, ${outSize}] = ${inSize * outSize} values and bias ${outSize}, ` +
            `got ${weights.length} and ${bias.length}`,
        );
      }
    });
  }
}

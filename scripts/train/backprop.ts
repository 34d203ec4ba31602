/**
 * The training-time passes of the MLP: a batched forward that keeps every layer's
 * activations, and the backward pass that turns dLoss/dOutput into gradients for
 * every weight and bias (same layout as the params).
 *
 * This is the reference trainer: plain typed-array loops in i-k-j order (the
 * innermost loop walks contiguous memory), strides hoisted, buffers allocated once
 * for the largest batch and reused on every step. A faster kernel is a later job
 * and is checked against this one.
 */
import { assertSameLayout } from './init.js';
import type { MlpParams } from './params.js';
import type { Rng } from './rng.js';

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
  private input: Float32Array | undefined;
  private rows = 0;

  constructor(params: MlpParams, capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new Error(`Backprop: capacity must be a positive integer, got ${capacity}`);
    }
    if (params.layers.length === 0) throw new Error('Backprop: the network has no layers');
    this.capacity = capacity;
    this.sizes = [params.layers[0]!.inSize, ...params.layers.map((layer) => layer.outSize)];
    this.checkParams(params);
    this.acts = params.layers.map((layer) => new Float32Array(capacity * layer.outSize));
    this.deltas = params.layers.slice(0, -1).map((layer) => new Float32Array(capacity * layer.outSize));
    this.scales = new Float64Array(params.layers.length).fill(1);
  }

  /**
   * Runs `rows` rows of `x` (row-major [rows, in]) through the network, keeping the
   * activations for `backward`. Returns a view of the output, [rows, out], valid
   * until the next call. With `dropout` the hidden units are masked and the kept
   * ones scaled by 1 / (1 - rate); without it this is bit-identical to `mlpForward`.
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
    let input = x;
    for (let l = 0; l <= last; l++) {
      const { inSize, outSize, weights, bias } = params.layers[l]!;
      const out = this.acts[l]!;
      const hidden = l < last;
      const layerRate = hidden ? rate : 0;
      const scale = 1 / (1 - layerRate);
      for (let r = 0; r < rows; r++) {
        const o = r * outSize;
        const a = r * inSize;
        out.set(bias, o);
        for (let i = 0; i < inSize; i++) {
          const xi = input[a + i]!;
          if (xi === 0) continue; // ReLU zeros are common: skip the whole row of W.
          const w = i * outSize;
          for (let j = 0; j < outSize; j++) out[o + j]! += xi * weights[w + j]!;
        }
        if (!hidden) continue;
        if (layerRate > 0) {
          const rng = dropout!.rng;
          for (let j = 0; j < outSize; j++) {
            const keep = rng.next() >= layerRate; // always draw, so the mask depends on the Rng only
            const v = out[o + j]!;
            out[o + j] = keep ? (v < 0 ? 0 : v * scale) : 0;
          }
        } else {
          // `v < 0` rather than `v > 0`: a NaN must reach the loss, where divergence is detected.
          for (let j = 0; j < outSize; j++) if (out[o + j]! < 0) out[o + j] = 0;
        }
      }
      this.scales[l] = scale;
      input = out;
    }
    this.input = x;
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
    let delta = dOut;
    for (let l = last; l >= 0; l--) {
      const { inSize, outSize, weights } = params.layers[l]!;
      const { weights: gW, bias: gb } = grads.layers[l]!;
      const input = l === 0 ? x : this.acts[l - 1]!;
      gW.fill(0);
      gb.fill(0);
      // gW = inputᵀ · delta, gb = Σ_rows delta: one rank-1 update per row, rows of gW contiguous.
      for (let r = 0; r < rows; r++) {
        const d = r * outSize;
        const a = r * inSize;
        for (let j = 0; j < outSize; j++) gb[j]! += delta[d + j]!;
        for (let i = 0; i < inSize; i++) {
          const ai = input[a + i]!;
          if (ai === 0) continue;
          const w = i * outSize;
          for (let j = 0; j < outSize; j++) gW[w + j]! += ai * delta[d + j]!;
        }
      }
      if (l === 0) break;
      // dPrev = (delta · Wᵀ) ⊙ relu' ⊙ mask: each entry is a dot product of a delta row
      // and a W row, both contiguous; units that were off or dropped get 0 without one.
      const prevAct = this.acts[l - 1]!;
      const prevDelta = this.deltas[l - 1]!;
      const scale = this.scales[l - 1]!;
      for (let r = 0; r < rows; r++) {
        const d = r * outSize;
        const a = r * inSize;
        for (let i = 0; i < inSize; i++) {
          if (!(prevAct[a + i]! > 0)) {
            prevDelta[a + i] = 0;
            continue;
          }
          const w = i * outSize;
          let sum = 0;
          for (let j = 0; j < outSize; j++) sum += delta[d + j]! * weights[w + j]!;
          prevDelta[a + i] = sum * scale;
        }
      }
      delta = prevDelta;
    }
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

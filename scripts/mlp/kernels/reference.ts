/**
 * The reference kernels: the trainer's original plain typed-array loops, kept as the
 * definition of what every faster kernel must compute. Loops run in i-k-j order (the
 * innermost loop walks contiguous memory) and skip the work that a zero input makes
 * useless, which is common after ReLU. Products accumulate into float32 arrays through
 * JS numbers (float64), except the input gradient, which sums in float64.
 */
import type { AdamStepScalars, Kernels } from './kernels.js';

export const referenceKernels: Kernels = {
  name: 'reference',
  floats: (length) => new Float32Array(length),
  doubles: (length) => new Float64Array(length),
  owns: () => true,

  denseForward(x, w, bias, out, rows, inSize, outSize) {
    for (let r = 0; r < rows; r++) {
      const o = r * outSize;
      const a = r * inSize;
      out.set(bias, o);
      for (let i = 0; i < inSize; i++) {
        const xi = x[a + i]!;
        if (xi === 0) continue; // ReLU zeros are common: skip the whole row of W.
        const k = i * outSize;
        for (let j = 0; j < outSize; j++) out[o + j]! += xi * w[k + j]!;
      }
    }
  },

  relu(values, n) {
    // `v < 0` rather than `v > 0`: a NaN must reach the loss, where divergence is detected.
    for (let k = 0; k < n; k++) if (values[k]! < 0) values[k] = 0;
  },

  weightGrad(x, delta, gW, gb, rows, inSize, outSize) {
    gW.fill(0);
    gb.fill(0);
    // One rank-1 update per row, rows of gW contiguous.
    for (let r = 0; r < rows; r++) {
      const d = r * outSize;
      const a = r * inSize;
      for (let j = 0; j < outSize; j++) gb[j]! += delta[d + j]!;
      for (let i = 0; i < inSize; i++) {
        const ai = x[a + i]!;
        if (ai === 0) continue;
        const k = i * outSize;
        for (let j = 0; j < outSize; j++) gW[k + j]! += ai * delta[d + j]!;
      }
    }
  },

  inputGrad(delta, w, act, dPrev, rows, inSize, outSize, scale) {
    // Each entry is a dot product of a delta row and a W row, both contiguous; units
    // that were off or dropped get 0 without one.
    for (let r = 0; r < rows; r++) {
      const d = r * outSize;
      const a = r * inSize;
      for (let i = 0; i < inSize; i++) {
        if (!(act[a + i]! > 0)) {
          dPrev[a + i] = 0;
          continue;
        }
        const k = i * outSize;
        let sum = 0;
        for (let j = 0; j < outSize; j++) sum += delta[d + j]! * w[k + j]!;
        dPrev[a + i] = sum * scale;
      }
    }
  },

  adam(theta, grad, m, v, { decay, lr, b1, b2, eps, c1, c2 }: AdamStepScalars) {
    const a1 = 1 - b1;
    const a2 = 1 - b2;
    for (let k = 0; k < theta.length; k++) {
      const g = grad[k]! + decay * theta[k]!;
      const mk = b1 * m[k]! + a1 * g;
      const vk = b2 * v[k]! + a2 * g * g;
      m[k] = mk;
      v[k] = vk;
      theta[k]! -= (lr * (mk / c1)) / (Math.sqrt(vk / c2) + eps);
    }
  },
};

/**
 * The plain TypeScript forward pass of an MLP: the reference that the ONNX export,
 * onnxruntime-node, onnxruntime-web and any faster kernel are compared against.
 */
import type { MlpParams } from './params.js';

/**
 * Runs `rows` rows of `x` (row-major [rows, inSize]) through the network and returns
 * the last layer's output, row-major [rows, outSize]. ReLU after every hidden layer.
 */
export function mlpForward(params: MlpParams, x: Float32Array, rows: number): Float32Array {
  let input = x;
  params.layers.forEach((layer, index) => {
    const { inSize, outSize, weights, bias } = layer;
    if (input.length !== rows * inSize) {
      throw new Error(`layer ${index}: input has ${input.length} values, expected [${rows}, ${inSize}] = ${rows * inSize}`);
    }
    const out = new Float32Array(rows * outSize);
    const last = index === params.layers.length - 1;
    for (let r = 0; r < rows; r++) {
      const o = r * outSize;
      out.set(bias, o);
      // i-k-j order: the innermost loop walks one row of W and one row of out contiguously.
      for (let i = 0; i < inSize; i++) {
        const xi = input[r * inSize + i]!;
        if (xi === 0) continue;
        const w = i * outSize;
        for (let j = 0; j < outSize; j++) out[o + j]! += xi * weights[w + j]!;
      }
      if (!last) for (let j = 0; j < outSize; j++) if (out[o + j]! < 0) out[o + j] = 0;
    }
    input = out;
  });
  return input;
}

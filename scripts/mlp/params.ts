/**
 * The trained network's weights: the hand-off from the trainer to the ONNX exporter
 * and to the plain TypeScript forward pass that tests and benchmarks compare against.
 */

/** One fully connected layer: y = x · W + b, with W row-major of shape [inSize, outSize]. */
export interface DenseLayer {
  inSize: number;
  outSize: number;
  /** Row-major [inSize, outSize]: weights[i * outSize + j] connects input i to output j. */
  weights: Float32Array;
  bias: Float32Array;
}

/**
 * An MLP: ReLU after every layer except the last, which is linear.
 * It maps the *scaled* feature row to the *standardised* target; the exporter puts
 * the feature transforms in front of it and the target de-standardisation behind it.
 */
export interface MlpParams {
  layers: DenseLayer[];
}

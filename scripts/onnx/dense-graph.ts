/**
 * Dense layers as ONNX nodes, and the float32 check every constant of the LTV graph
 * goes through: shared by the graph (./ltv-graph.ts) and its heads.
 */
import type { DenseLayer } from '../mlp/params.js';
import type { Node, Tensor } from './wire.js';

/** y = x · W + b as MatMul + Add, writing `out`. */
export function denseNodes(at: string, input: string, layer: DenseLayer, out: string, initializers: Tensor[], nodes: Node[]): void {
  initializers.push(
    { name: `${at}/weight`, dims: [layer.inSize, layer.outSize], data: float32(layer.weights, (j) => `${at} weight ${j}`) },
    { name: `${at}/bias`, dims: [layer.outSize], data: float32(layer.bias, (j) => `${at} bias ${j}`) },
  );
  nodes.push(
    { name: `${at}/MatMul`, opType: 'MatMul', inputs: [input, `${at}/weight`], outputs: [`${at}/product`] },
    { name: `${at}/Add`, opType: 'Add', inputs: [`${at}/product`, `${at}/bias`], outputs: [out] },
  );
}

/**
 * Column `column` of each member's last layer, as one product: rows of member k's
 * hidden units map to output column k ([ΣH, K], zero elsewhere), plus a bias per
 * member. With one member, that member's column as an [H, 1] layer.
 */
export function blockDenseNodes(at: string, input: string, lasts: readonly DenseLayer[], column: number, out: string, initializers: Tensor[], nodes: Node[]): void {
  const count = lasts.length;
  const rows = lasts.reduce((n, l) => n + l.inSize, 0);
  const weights = new Float32Array(rows * count);
  let offset = 0;
  lasts.forEach((last, k) => {
    for (let i = 0; i < last.inSize; i++) weights[(offset + i) * count + k] = last.weights[i * last.outSize + column]!;
    offset += last.inSize;
  });
  const layer: DenseLayer = { inSize: rows, outSize: count, weights, bias: Float32Array.from(lasts, (l) => l.bias[column]!) };
  denseNodes(at, input, layer, out, initializers, nodes);
}

/** Float32 copies of `values`, refusing any that are not finite in float32 (NaN, ±Infinity, beyond ±3.4e38). */
export function float32(values: ArrayLike<number>, where: (index: number) => string): Float32Array {
  const out = Float32Array.from(values);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) throw new Error(`${where(i)} is ${values[i]}, not a finite float32`);
  }
  return out;
}

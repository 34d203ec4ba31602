/**
 * The input rows of the inference benchmark, the same in Node and in the bench
 * worker (which bundles this file): every runtime scores the same numbers.
 * Values −3…3 in a repeating pattern: some land outside the clip bounds, one in
 * seven is 0 (which the plain TypeScript forward pass skips, as it would a ReLU zero).
 * No imports: it runs in workerd as well as in Node.
 */
export function benchRows(batch: number, width: number): Float32Array {
  return new Float32Array(batch * width).map((_, i) => (i % 7) - 3);
}

/** The batch sizes callers send: one customer (a bidder), up to a full request (1000). */
export const BATCHES = [1, 10, 100, 1000] as const;

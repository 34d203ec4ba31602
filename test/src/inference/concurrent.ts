/**
 * Predictions started together must each get their own answer: the same values as
 * the same rows scored one after the other (an engine that shared an output buffer
 * across overlapping calls would hand one row's result to another).
 */
import { expect } from 'vitest';
import type { LoadedModel } from '../../../src/inference/model.js';

export async function expectConcurrentAsSequential(model: LoadedModel): Promise<void> {
  const rows = Array.from({ length: 8 }, (_, k) => new Float32Array(model.width).fill(k - 3));
  const sequential: number[] = [];
  for (const row of rows) sequential.push((await model.predict(row, 1))[0]!);
  const concurrent = await Promise.all(rows.map(async (row) => (await model.predict(row, 1))[0]!));
  expect(concurrent).toEqual(sequential);
}

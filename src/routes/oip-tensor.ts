/**
 * An OIP input tensor, checked against the model and laid into the Float32Array
 * the session reads: FP32, shape [N, F] with F the spec's encoded width, data flat
 * (row-major) or nested by row. Values are finite numbers within float32 range, or
 * null for a missing value (NaN in the tensor, imputed by the graph). Every
 * problem found is reported, each with its JSON pointer.
 */
import { type FieldProblem, ProblemException, invalidRequest, jsonPointer } from '../http/problem.js';
import type { InferRequest } from '../schemas/oip.js';
import { describe } from '../spec/encode.js';

type InputTensor = InferRequest['inputs'][number];

const FLOAT32_MAX = 3.4028234663852886e38;

export function readInputTensor(tensor: InputTensor, expected: { name: string; width: number; maxBatch: number }): { rows: Float32Array; count: number } {
  const at = (...path: (string | number)[]) => jsonPointer(['inputs', 0, ...path]);
  const errors: FieldProblem[] = [];
  if (tensor.name !== expected.name) {
    errors.push({ pointer: at('name'), detail: `unknown input ${JSON.stringify(tensor.name.slice(0, 100))}; the model reads "${expected.name}"` });
  }
  if (tensor.datatype !== 'FP32') {
    errors.push({ pointer: at('datatype'), detail: `expected "FP32", got ${JSON.stringify(tensor.datatype.slice(0, 20))}` });
  }
  const [count = 0, width] = tensor.shape;
  if (tensor.shape.length !== 2 || width !== expected.width || count < 1) {
    errors.push({ pointer: at('shape'), detail: `expected [N, ${expected.width}] with N ≥ 1, got [${tensor.shape.slice(0, 4).join(', ')}]` });
  }
  if (errors.length > 0) throw invalidRequest(errors, 'Invalid input tensor');
  if (count > expected.maxBatch) {
    throw new ProblemException(413, { title: 'Too many rows', detail: `The tensor has ${count} rows; at most ${expected.maxBatch} are scored per request.` });
  }

  const rows = new Float32Array(count * expected.width);
  const { data } = tensor;
  if (data.length > 0 && data.every((row): row is unknown[] => Array.isArray(row))) {
    if (data.length !== count) errors.push({ pointer: at('data'), detail: `expected ${count} rows for shape [${count}, ${expected.width}], got ${data.length}` });
    data.forEach((row, i) => {
      if (i >= count) return;
      if (row.length !== expected.width) errors.push({ pointer: at('data', i), detail: `expected ${expected.width} values, got ${row.length}` });
      else row.forEach((value, j) => write(rows, i * expected.width + j, value, () => at('data', i, j), errors));
    });
  } else if (data.length !== rows.length) {
    errors.push({ pointer: at('data'), detail: `expected ${rows.length} values for shape [${count}, ${expected.width}], got ${data.length}` });
  } else {
    data.forEach((value, k) => write(rows, k, value, () => at('data', k), errors));
  }
  if (errors.length > 0) throw invalidRequest(errors, 'Invalid input tensor');
  return { rows, count };
}

function write(rows: Float32Array, index: number, value: unknown, pointer: () => string, errors: FieldProblem[]): void {
  if (value === null) {
    rows[index] = Number.NaN;
  } else if (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= FLOAT32_MAX) {
    rows[index] = value;
  } else {
    const what = typeof value === 'number' && Number.isFinite(value) ? `${value} (outside the float32 range)` : describe(value);
    errors.push({ pointer: pointer(), detail: `expected a finite number or null, got ${what}` });
  }
}

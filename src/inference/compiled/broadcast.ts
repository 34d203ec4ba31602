/**
 * Numpy-style (ONNX "multidirectional") broadcasting: the shape of the result, and
 * for each operand the strides that walk it in the result's order, collapsed into
 * as few axes as possible so that a kernel over [rows, cols] does the inner two and
 * a plain loop does the rest (rarely any: the serving graphs are [batch, columns]).
 *
 * Shapes here are concrete; ./plan.ts keeps the batch dimension symbolic until it
 * knows how many rows a chunk has.
 */

/** Incompatible shapes, with both in the message. */
export class BroadcastError extends Error {
  override name = 'BroadcastError';
}

/** The broadcast shape of `shapes`, as numpy computes it: right-aligned, each axis equal or 1. */
export function broadcastShape(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const shape of shapes) {
    for (let i = 0; i < shape.length; i++) {
      const axis = rank - shape.length + i;
      const d = shape[i]!;
      if (d === out[axis] || d === 1) continue;
      if (out[axis] !== 1) throw new BroadcastError(`shapes ${shapes.map((s) => `[${s.join(', ')}]`).join(' and ')} do not broadcast (axis ${axis}: ${out[axis]} vs ${d})`);
      out[axis] = d;
    }
  }
  return out;
}

/** One operand's element strides over `out` (0 along every axis it is broadcast on). */
export function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const strides = new Array<number>(out.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const axis = out.length - shape.length + i;
    if (shape[i] !== 1) strides[axis] = stride;
    stride *= shape[i]!;
  }
  return strides;
}

/**
 * A walk over the result: `outer` axes (each a count and one stride per operand) as
 * nested loops around a `rows` × `cols` kernel call whose operand strides are
 * `rowStrides` and `colStrides`. The result itself is contiguous.
 */
export interface Walk {
  outer: { count: number; strides: number[] }[];
  rows: number;
  cols: number;
  rowStrides: number[];
  colStrides: number[];
}

/** The walk of `out` for operands of `shapes`: size-1 axes dropped, adjacent axes merged where every operand allows. */
export function collapse(out: readonly number[], shapes: readonly (readonly number[])[]): Walk {
  const all = shapes.map((shape) => broadcastStrides(shape, out));
  // The result's own strides come last: it must stay contiguous through every merge.
  const resultStrides = broadcastStrides(out, out);
  let axes = out.map((count, i) => ({ count, strides: [...all.map((s) => s[i]!), resultStrides[i]!] })).filter((a) => a.count !== 1);
  const merged: typeof axes = [];
  for (const axis of axes) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.strides.every((s, k) => s === axis.strides[k]! * axis.count)) {
      last.count *= axis.count;
      last.strides = axis.strides;
    } else merged.push({ ...axis, strides: [...axis.strides] });
  }
  axes = merged;
  const none = { count: 1, strides: new Array<number>(shapes.length + 1).fill(0) };
  while (axes.length < 2) axes.unshift(none);
  const rows = axes[axes.length - 2]!;
  const cols = axes[axes.length - 1]!;
  return {
    outer: axes.slice(0, -2).map((a) => ({ count: a.count, strides: a.strides.slice(0, -1) })),
    rows: rows.count,
    cols: cols.count,
    rowStrides: rows.strides.slice(0, -1),
    colStrides: cols.strides.slice(0, -1),
  };
}

/**
 * Each kernel of the compiled engine (src/inference/compiled/assembly/kernels.ts)
 * against plain TypeScript loops that state its maths, on odd shapes: below, at and
 * one past the 4-row, 8-column and 4-lane boundaries of its tiles, with broadcasts in
 * each direction. Elementwise kernels must match exactly (float32 rounding of the same
 * operation); the dense kernel, whose fused multiply-adds round once per product
 * instead of twice, to 1e-5 of the largest magnitude.
 */
import { describe, expect, it } from 'vitest';
import { type Kernels, instantiateKernels, panelFloats } from '../../../../src/inference/compiled/kernels.js';
import { Rng } from '../../../../scripts/math/rng.js';
import { kernelsModule } from './kernels-module.js';

function kernels(bytes = 1 << 22): Kernels & { f32: () => Float32Array; u8: () => Uint8Array; at: (bytes: number) => number } {
  const k = instantiateKernels(kernelsModule());
  k.reserve(k.base + bytes);
  let next = k.base;
  return {
    ...k,
    f32: () => new Float32Array(k.memory.buffer),
    u8: () => new Uint8Array(k.memory.buffer),
    at: (n: number) => {
      const start = next;
      next = Math.ceil((start + n) / 16) * 16;
      return start;
    },
  };
}

const rng = new Rng(3);
const SPECIAL = [Number.NaN, Infinity, -Infinity, 0, -0, 1e30, -1e30, 1e-40, 1.5, -2.25];
function values(n: number, special = 0.3): Float32Array {
  return Float32Array.from({ length: n }, () => (rng.next() < special ? SPECIAL[Math.floor(rng.next() * SPECIAL.length)]! : rng.normal() * 3));
}

/** Copies `data` into kernel memory; returns its byte offset. */
function put(k: ReturnType<typeof kernels>, data: Float32Array | Uint8Array): number {
  const at = k.at(data.byteLength);
  if (data instanceof Float32Array) k.f32().set(data, at >> 2);
  else k.u8().set(data, at);
  return at;
}

/** W ([inSize, outSize]) packed into panels by the kernels' pack_panels; returns the panels' byte offset. */
function packed(k: ReturnType<typeof kernels>, w: Float32Array, inSize: number, outSize: number): number {
  const src = put(k, w);
  const dst = k.at(panelFloats(inSize, outSize) * 4);
  k.k.pack_panels(src, dst, inSize, outSize);
  return dst;
}

function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i]!, expected[i]!];
    if (!(Object.is(a, e) || (a === e) || (Number.isNaN(a) && Number.isNaN(e)))) expect.fail(`${what}[${i}]: kernel ${a}, loop ${e}`);
  }
}

describe('dense', () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1], [1, 45, 500], [1, 500, 100], [1, 100, 1], [2, 3, 7], [3, 5, 9], [4, 8, 8], [5, 9, 17],
    [7, 13, 3], [8, 16, 33], [9, 6, 12], [33, 45, 500], [130, 100, 3],
  ];
  it.each(shapes)('[%i × %i] · [%i]: bias + Σ x·W, then ReLU, as a float64 loop computes it', (rows, inSize, outSize) => {
    const k = kernels();
    const x = values(rows * inSize, 0);
    const w = values(inSize * outSize, 0);
    const bias = values(outSize, 0);
    const padded = new Float32Array(Math.ceil(outSize / 8) * 8);
    padded.set(bias);
    const [xp, wp, bp] = [put(k, x), packed(k, w, inSize, outSize), put(k, padded)];
    for (const relu of [0, 1]) {
      const out = k.at(rows * outSize * 4 + 64);
      k.f32().fill(123, out >> 2, (out >> 2) + rows * outSize + 16); // a sentinel past the end, which must survive
      k.k.dense(xp, wp, bp, out, rows, inSize, outSize, relu);
      const got = k.f32().subarray(out >> 2, (out >> 2) + rows * outSize);
      let scale = 1e-6;
      let worst = 0;
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < outSize; j++) {
          let sum = bias[j]!;
          for (let i = 0; i < inSize; i++) sum += x[r * inSize + i]! * w[i * outSize + j]!;
          const want = relu && sum < 0 ? 0 : sum;
          scale = Math.max(scale, Math.abs(want));
          worst = Math.max(worst, Math.abs(got[r * outSize + j]! - want));
        }
      }
      expect(worst / scale, `relu ${relu}`).toBeLessThan(1e-5);
      if (relu) expect(got.some((v) => v < 0)).toBe(false);
      expect(k.f32()[(out >> 2) + rows * outSize]).toBe(123);
    }
  });

  it('gives a row the same bits alone, in a 4-row tile, or in the tail of a batch', () => {
    const k = kernels();
    const [inSize, outSize] = [45, 37];
    const x = values(9 * inSize, 0);
    const [xp, wp, bp] = [put(k, x), packed(k, values(inSize * outSize, 0), inSize, outSize), put(k, values(40, 0))];
    const batch = k.at(9 * outSize * 4);
    k.k.dense(xp, wp, bp, batch, 9, inSize, outSize, 0);
    for (const r of [0, 5, 8]) {
      const alone = k.at(outSize * 4);
      k.k.dense(xp + r * inSize * 4, wp, bp, alone, 1, inSize, outSize, 0);
      expectSame(k.f32().subarray(alone >> 2, (alone >> 2) + outSize), k.f32().subarray((batch >> 2) + r * outSize, (batch >> 2) + (r + 1) * outSize), `row ${r}`);
    }
  });

  it('packs W into 8-column panels, denormal weights as 0 (WebAssembly has no flush-to-zero), the last panel padded with zeros', () => {
    const k = kernels();
    // [3, 10]: two panels, the second holding columns 8 and 9.
    const w = Float32Array.from({ length: 30 }, (_, i) => (i === 0 ? 1e-40 : i === 11 ? -1e-39 : i === 12 ? 1.2e-38 : i + 1));
    const at = packed(k, w, 3, 10);
    const panels = k.f32().subarray(at >> 2, (at >> 2) + panelFloats(3, 10));
    expect(panels).toHaveLength(48);
    for (let p = 0; p < 2; p++) {
      for (let row = 0; row < 3; row++) {
        for (let c = 0; c < 8; c++) {
          const j = p * 8 + c;
          const want = j >= 10 ? 0 : Math.abs(w[row * 10 + j]!) < 1.1754943508222875e-38 ? 0 : w[row * 10 + j]!;
          expect(Math.abs(panels[(p * 3 + row) * 8 + c]!), `panel ${p} row ${row} column ${c}`).toBe(Math.abs(want));
        }
      }
    }
    expect(panels[(0 * 3 + 1) * 8 + 2]).toBeCloseTo(1.2e-38, 45);
  });
});

describe('elementwise kernels', () => {
  const ops: [string, (a: number, b: number) => number][] = [
    ['Add', (a, b) => a + b], ['Sub', (a, b) => a - b], ['Mul', (a, b) => a * b], ['Div', (a, b) => a / b], ['Max', Math.max], ['Min', Math.min],
  ];
  // Strides (elements) of a and b over [rows, cols]: contiguous, a row vector, a column, a scalar, and a transposed walk.
  const walks: [string, (r: number, c: number) => [number, number, number, number]][] = [
    ['both contiguous', (_, c) => [c, 1, c, 1]],
    ['b a row vector', (_, c) => [c, 1, 0, 1]],
    ['a a row vector', (_, c) => [0, 1, c, 1]],
    ['b a column', (_, c) => [c, 1, 1, 0]],
    ['a a column', (_, c) => [1, 0, c, 1]],
    ['b a scalar', (_, c) => [c, 1, 0, 0]],
    ['a strided', (r) => [1, r, 0, 1]],
  ];
  for (const [op, f] of ops) {
    it.each(walks)(`${op}, %s, on [1, 1], [3, 5], [4, 8], [7, 13]`, (_, strides) => {
      const k = kernels();
      for (const [rows, cols] of [[1, 1], [3, 5], [4, 8], [7, 13]] as const) {
        const [as0, as1, bs0, bs1] = strides(rows, cols);
        const a = values(rows * cols);
        const b = values(rows * cols);
        const out = k.at(rows * cols * 4);
        k.k.binary(k.codes.binary[op as 'Add'], put(k, a), as0, as1, put(k, b), bs0, bs1, out, rows, cols);
        const want = new Float32Array(rows * cols);
        for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) want[r * cols + c] = f(a[r * as0 + c * as1]!, b[r * bs0 + c * bs1]!);
        expectSame(k.f32().subarray(out >> 2, (out >> 2) + rows * cols), want, `${op} [${rows}, ${cols}]`);
      }
    });
  }

  it('Where over contiguous, broadcast-row and scalar operands', () => {
    const k = kernels();
    for (const [rows, cols] of [[1, 3], [5, 7], [4, 8], [3, 17]] as const) {
      const cond = Uint8Array.from({ length: rows * cols }, () => (rng.next() < 0.5 ? 1 : 0));
      const x = values(rows * cols);
      const y = values(rows * cols);
      for (const [cs, xs, ys] of [[[cols, 1], [cols, 1], [cols, 1]], [[cols, 1], [0, 1], [cols, 1]], [[0, 1], [0, 0], [cols, 1]], [[cols, 1], [cols, 1], [0, 0]]] as const) {
        const out = k.at(rows * cols * 4);
        k.k.where(put(k, cond), cs[0], cs[1], put(k, x), xs[0], xs[1], put(k, y), ys[0], ys[1], out, rows, cols);
        const want = new Float32Array(rows * cols);
        for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) want[r * cols + c] = cond[r * cs[0] + c * cs[1]] ? x[r * xs[0] + c * xs[1]]! : y[r * ys[0] + c * ys[1]]!;
        expectSame(k.f32().subarray(out >> 2, (out >> 2) + rows * cols), want, `where [${rows}, ${cols}] ${JSON.stringify([cs, xs, ys])}`);
      }
    }
  });

  const sigmoid = (x: number) => {
    // onnxruntime's MLAS approximation, each step rounded to float32 as the kernel does.
    const f = Math.fround;
    const v = x < -18 ? -18 : x > 18 ? 18 : x;
    const v2 = f(v * v);
    let p = f(f(v2 * f(4.37031012579801e-11)) + f(1.15627324459942e-7));
    for (const a of [6.08574864600143e-5, 8.51377133304701e-3, 2.48287947061529e-1]) p = f(f(p * v2) + f(a));
    p = f(p * v);
    let q = f(f(v2 * f(6.10247389755681e-13)) + f(5.76102136993427e-9));
    for (const b of [6.2910678501704e-6, 1.70198817374094e-3, 1.16817656904453e-1, 9.9315192102318e-1]) q = f(f(q * v2) + f(b));
    const y = f(f(p / q) + 0.5);
    return y < 0 ? 0 : y > 1 ? 1 : y;
  };
  const unary: [string, (x: number) => number, number][] = [
    ['Neg', (x) => -x, 0],
    ['Relu', (x) => (x < 0 ? 0 : x), 0],
    ['Sigmoid', sigmoid, 0],
    ['Exp', Math.exp, 2e-7],
    ['Log', Math.log, 2e-7],
    ['Softplus', (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))), 2e-7],
  ];
  it.each(unary)('%s on 1, 3, 4, 5 and 37 values, special ones included', (op, f, rtol) => {
    const k = kernels();
    for (const n of [1, 3, 4, 5, 37]) {
      const x = values(n, 0.5).map((v) => (op === 'Exp' || op === 'Softplus' ? v * 40 : v));
      const out = k.at(n * 4);
      k.k.unary(k.codes.unary[op as 'Neg'], put(k, x), out, n);
      const got = k.f32().subarray(out >> 2, (out >> 2) + n);
      for (let i = 0; i < n; i++) {
        const want = Math.fround(f(x[i]!));
        const ok = Object.is(got[i], want) || got[i] === want || (Number.isNaN(got[i]!) && Number.isNaN(want)) || Math.abs(got[i]! - want) <= rtol * Math.abs(want) + 1e-45;
        if (!ok) expect.fail(`${op}(${x[i]}): kernel ${got[i]}, loop ${want}`);
      }
    }
  });

  it('IsNaN writes one byte per value', () => {
    const k = kernels();
    for (const n of [1, 4, 7, 33]) {
      const x = values(n, 0.6);
      const out = k.at(n + 8);
      k.u8().fill(7, out, out + n + 4);
      k.k.is_nan(put(k, x), out, n);
      expectSame(k.u8().subarray(out, out + n), Array.from(x, (v) => (Number.isNaN(v) ? 1 : 0)), `is_nan ${n}`);
      expect(k.u8()[out + n]).toBe(7);
    }
  });

  it('Clip: below lo → lo, above hi → hi; NaN stays NaN; a NaN bound clips nothing', () => {
    const k = kernels();
    for (const [lo, hi] of [[-1, 1], [Number.NaN, 0.5], [0, Number.NaN], [2, -2], [-3.4028234663852886e38, 3.4028234663852886e38]]) {
      const x = values(13, 0.6);
      const out = k.at(13 * 4);
      k.k.clip(put(k, x), out, 13, lo!, hi!);
      const want = Array.from(x, (v) => {
        let y = v;
        if (y < lo!) y = Math.fround(lo!);
        if (y > hi!) y = Math.fround(hi!);
        return y;
      });
      expectSame(k.f32().subarray(out >> 2, (out >> 2) + 13), want, `clip(${lo}, ${hi})`);
    }
  });

  it('copy_rows lays runs into a wider row (Concat)', () => {
    const k = kernels();
    const src = values(3 * 5, 0);
    const dst = k.at(3 * 9 * 4);
    k.f32().fill(0, dst >> 2, (dst >> 2) + 27);
    k.k.copy_rows(put(k, src), 5 * 4, dst + 2 * 4, 9 * 4, 3, 5 * 4);
    const got = k.f32().subarray(dst >> 2, (dst >> 2) + 27);
    for (let r = 0; r < 3; r++) {
      expectSame(got.subarray(r * 9 + 2, r * 9 + 7), src.subarray(r * 5, r * 5 + 5), `row ${r}`);
      expect([got[r * 9], got[r * 9 + 1], got[r * 9 + 7], got[r * 9 + 8]]).toEqual([0, 0, 0, 0]);
    }
  });
});

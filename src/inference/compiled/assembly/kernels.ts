// The compiled engine's kernels (AssemblyScript, compiled to ../kernels.wasm by
// `npm run build:kernels`): one function per kind of step of a planned ONNX graph
// (../plan.ts). ../kernels.ts calls them; test/src/inference/compiled/kernels.test.ts
// checks each against plain TypeScript loops on odd shapes.
//
// Every pointer is a byte offset into the memory the host imports; tensors are
// row-major float32 (bool tensors: one byte per value, 0 or 1). Strides are in
// elements, 0 for a broadcast axis.
//
// Float semantics are ONNX's as onnxruntime computes them: IEEE 754 single
// precision, NaN propagated by every arithmetic operation and by Max and Min
// (f32x4.max/min, like numpy's maximum), Relu(x) = x < 0 ? 0 : x (NaN stays NaN),
// Clip's bounds compared so that NaN passes through, and Sigmoid as onnxruntime's
// MLAS computes it (a rational approximation on [-18, 18], see `sigmoid4`), so that
// the engines agree where a product amplifies Sigmoid's last bits.

// @ts-nocheck: AssemblyScript types (usize, f32, v128) are not TypeScript's.

// ---------------------------------------------------------------------------------
// Dense: out[r, j] = bias[j] + Σ_k x[r, k] · W[k, j], then ReLU if `relu` ≠ 0.
//
// W arrives packed by the host (../kernels.ts, packPanels): panels of 8 columns, panel
// p holding W[k, 8p .. 8p + 7] for k = 0 … K−1 contiguously (K × 8 floats), zero past
// the last column; `bias` is padded with zeros to the panels' width.
//
// Panels are the outer loop and blocks of 4 rows the inner one, so that one panel
// (K × 32 bytes: 16 KB at K = 500) stays in L1 while every row block of the chunk
// streams past it. A 4 × 8 tile keeps 8 accumulators in registers: per k, two loads
// of W, four broadcasts of x (v128.load32_splat, one vbroadcastss each) and eight
// fused multiply-adds (f32x4.relaxed_madd: one FMA where the CPU has it). One row
// alone (the latency case) takes 4 panels at a time instead, for 8 independent
// accumulators. Every path adds the products to the bias in the same order, k = 0 to
// K − 1, one fused multiply-add each: a row scores to the same bits alone or in a
// batch, wherever it falls in a tile.
// ---------------------------------------------------------------------------------

export function dense(x: usize, w: usize, bias: usize, out: usize, rows: i32, inSize: i32, outSize: i32, relu: i32): void {
  const panels = (outSize + 7) >> 3;
  const xs = <usize>inSize << 2;
  const os = <usize>outSize << 2;
  const panelBytes = <usize>inSize << 5;
  const blocked = rows & ~3;
  if (blocked > 0) {
    for (let p = 0; p < panels; p++) {
      const wp0 = w + <usize>p * panelBytes;
      const b0 = v128.load(bias + (<usize>p << 5));
      const b1 = v128.load(bias + (<usize>p << 5), 16);
      const valid = outSize - (p << 3);
      for (let r = 0; r < blocked; r += 4) {
        let a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
        let wp = wp0;
        let xp = x + <usize>r * xs;
        const xEnd = xp + xs;
        while (xp < xEnd) {
          const w0 = v128.load(wp);
          const w1 = v128.load(wp, 16);
          let s = v128.load32_splat(xp);
          a00 = f32x4.relaxed_madd(s, w0, a00);
          a01 = f32x4.relaxed_madd(s, w1, a01);
          s = v128.load32_splat(xp + xs);
          a10 = f32x4.relaxed_madd(s, w0, a10);
          a11 = f32x4.relaxed_madd(s, w1, a11);
          s = v128.load32_splat(xp + 2 * xs);
          a20 = f32x4.relaxed_madd(s, w0, a20);
          a21 = f32x4.relaxed_madd(s, w1, a21);
          s = v128.load32_splat(xp + 3 * xs);
          a30 = f32x4.relaxed_madd(s, w0, a30);
          a31 = f32x4.relaxed_madd(s, w1, a31);
          wp += 32;
          xp += 4;
        }
        const op = out + <usize>r * os + (<usize>p << 5);
        store8(op, a00, a01, valid, relu);
        store8(op + os, a10, a11, valid, relu);
        store8(op + 2 * os, a20, a21, valid, relu);
        store8(op + 3 * os, a30, a31, valid, relu);
      }
    }
  }
  for (let r = blocked; r < rows; r++) denseRow(x + <usize>r * xs, w, bias, out + <usize>r * os, inSize, outSize, relu);
}

/** One row: four panels at a time (8 accumulators), then one at a time. */
function denseRow(xr: usize, w: usize, bias: usize, or: usize, inSize: i32, outSize: i32, relu: i32): void {
  const panels = (outSize + 7) >> 3;
  const panelBytes = <usize>inSize << 5;
  const xEnd = xr + (<usize>inSize << 2);
  let p = 0;
  for (; p + 4 <= panels; p += 4) {
    const bp = bias + (<usize>p << 5);
    let a00 = v128.load(bp), a01 = v128.load(bp, 16), a10 = v128.load(bp, 32), a11 = v128.load(bp, 48);
    let a20 = v128.load(bp, 64), a21 = v128.load(bp, 80), a30 = v128.load(bp, 96), a31 = v128.load(bp, 112);
    let w0 = w + <usize>p * panelBytes;
    let w1 = w0 + panelBytes;
    let w2 = w1 + panelBytes;
    let w3 = w2 + panelBytes;
    for (let xp = xr; xp < xEnd; xp += 4) {
      const s = v128.load32_splat(xp);
      a00 = f32x4.relaxed_madd(s, v128.load(w0), a00);
      a01 = f32x4.relaxed_madd(s, v128.load(w0, 16), a01);
      a10 = f32x4.relaxed_madd(s, v128.load(w1), a10);
      a11 = f32x4.relaxed_madd(s, v128.load(w1, 16), a11);
      a20 = f32x4.relaxed_madd(s, v128.load(w2), a20);
      a21 = f32x4.relaxed_madd(s, v128.load(w2, 16), a21);
      a30 = f32x4.relaxed_madd(s, v128.load(w3), a30);
      a31 = f32x4.relaxed_madd(s, v128.load(w3, 16), a31);
      w0 += 32;
      w1 += 32;
      w2 += 32;
      w3 += 32;
    }
    const op = or + (<usize>p << 5);
    const valid = outSize - (p << 3);
    store8(op, a00, a01, valid, relu);
    store8(op + 32, a10, a11, valid - 8, relu);
    store8(op + 64, a20, a21, valid - 16, relu);
    store8(op + 96, a30, a31, valid - 24, relu);
  }
  for (; p < panels; p++) {
    const bp = bias + (<usize>p << 5);
    let a0 = v128.load(bp), a1 = v128.load(bp, 16);
    let wp = w + <usize>p * panelBytes;
    for (let xp = xr; xp < xEnd; xp += 4) {
      const s = v128.load32_splat(xp);
      a0 = f32x4.relaxed_madd(s, v128.load(wp), a0);
      a1 = f32x4.relaxed_madd(s, v128.load(wp, 16), a1);
      wp += 32;
    }
    store8(or + (<usize>p << 5), a0, a1, outSize - (p << 3), relu);
  }
}

/**
 * Packs W ([inSize, outSize], row-major, at `src`) into the panels `dense` reads, at
 * `dst`: panel p holds W[k, 8p .. 8p + 7] for every k, zero past the last column.
 * Denormal weights become 0: WebAssembly has no flush-to-zero mode, and on x86 every
 * multiply by a denormal takes a microcode assist (a layer of denormal weights ran 185×
 * slower), while the product it would add is below 1e-38.
 */
export function pack_panels(src: usize, dst: usize, inSize: i32, outSize: i32): void {
  const panels = (outSize + 7) >> 3;
  const rowBytes = <usize>outSize << 2;
  let out = dst;
  for (let p = 0; p < panels; p++) {
    for (let k = 0; k < inSize; k++) {
      const row = src + <usize>k * rowBytes;
      for (let c = 0; c < 8; c++) {
        const j = (p << 3) + c;
        let w: f32 = 0;
        if (j < outSize) {
          w = load<f32>(row + (<usize>j << 2));
          if (Mathf.abs(w) < 1.1754943508222875e-38) w = 0;
        }
        store<f32>(out, w);
        out += 4;
      }
    }
  }
}

/** Stores the first `valid` (up to 8) lanes of [a, b] at `p`, through ReLU if asked. */
// @ts-ignore: decorator
@inline function store8(p: usize, a: v128, b: v128, valid: i32, relu: i32): void {
  if (relu != 0) {
    const zero = f32x4.splat(0);
    a = v128.andnot(a, f32x4.lt(a, zero));
    b = v128.andnot(b, f32x4.lt(b, zero));
  }
  if (valid >= 8) {
    v128.store(p, a);
    v128.store(p, b, 16);
  } else if (valid >= 4) {
    v128.store(p, a);
    storeLanes(p + 16, b, valid - 4);
  } else {
    storeLanes(p, a, valid);
  }
}

/** Stores the first `n` (0 to 3) lanes of `v`. */
// @ts-ignore: decorator
@inline function storeLanes(p: usize, v: v128, n: i32): void {
  if (n > 0) v128.store32_lane(p, v, 0);
  if (n > 1) v128.store32_lane(p, v, 1, 4);
  if (n > 2) v128.store32_lane(p, v, 2, 8);
}

// ---------------------------------------------------------------------------------
// Elementwise binary operations over a [rows, cols] view with numpy broadcasting:
// out[r, c] = op(a[r·as0 + c·as1], b[r·bs0 + c·bs1]), out contiguous. The host
// collapses any broadcast into at most two axes (../broadcast.ts).
// ---------------------------------------------------------------------------------

export const ADD = 0;
export const SUB = 1;
export const MUL = 2;
export const DIV = 3;
export const MAX = 4;
export const MIN = 5;

// @ts-ignore: decorator
@inline function op4(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(a, b);
    case SUB: return f32x4.sub(a, b);
    case MUL: return f32x4.mul(a, b);
    case DIV: return f32x4.div(a, b);
    case MAX: return f32x4.max(a, b);
    default: return f32x4.min(a, b);
  }
}

// @ts-ignore: decorator
@inline function op1(op: i32, a: f32, b: f32): f32 {
  // Through the vector operation, so that a scalar tail computes exactly what a lane would.
  return f32x4.extract_lane(op4(op, f32x4.splat(a), f32x4.splat(b)), 0);
}

export function binary(op: i32, a: usize, as0: i32, as1: i32, b: usize, bs0: i32, bs1: i32, out: usize, rows: i32, cols: i32): void {
  let o = out;
  for (let r = 0; r < rows; r++) {
    const ar = a + (<usize>(r * as0) << 2);
    const br = b + (<usize>(r * bs0) << 2);
    let c = 0;
    if (as1 == 1 && bs1 == 1) {
      for (; c + 4 <= cols; c += 4) v128.store(o + (<usize>c << 2), op4(op, v128.load(ar + (<usize>c << 2)), v128.load(br + (<usize>c << 2))));
    } else if (as1 == 1 && bs1 == 0) {
      const bv = v128.load32_splat(br);
      for (; c + 4 <= cols; c += 4) v128.store(o + (<usize>c << 2), op4(op, v128.load(ar + (<usize>c << 2)), bv));
    } else if (as1 == 0 && bs1 == 1) {
      const av = v128.load32_splat(ar);
      for (; c + 4 <= cols; c += 4) v128.store(o + (<usize>c << 2), op4(op, av, v128.load(br + (<usize>c << 2))));
    }
    for (; c < cols; c++) {
      store<f32>(o + (<usize>c << 2), op1(op, load<f32>(ar + (<usize>(c * as1) << 2)), load<f32>(br + (<usize>(c * bs1) << 2))));
    }
    o += <usize>cols << 2;
  }
}

// ---------------------------------------------------------------------------------
// Where: out[r, c] = cond[r, c] ? x[r, c] : y[r, c], each operand with its own
// strides (cond in bytes, one per bool).
// ---------------------------------------------------------------------------------

export function where(cond: usize, cs0: i32, cs1: i32, x: usize, xs0: i32, xs1: i32, y: usize, ys0: i32, ys1: i32, out: usize, rows: i32, cols: i32): void {
  let o = out;
  for (let r = 0; r < rows; r++) {
    const cr = cond + <usize>(r * cs0);
    const xr = x + (<usize>(r * xs0) << 2);
    const yr = y + (<usize>(r * ys0) << 2);
    let c = 0;
    if (cs1 == 1 && xs1 == 1 && ys1 == 1) {
      for (; c + 4 <= cols; c += 4) {
        const mask = i32x4.ne(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(cr + <usize>c))), i32x4.splat(0));
        v128.store(o + (<usize>c << 2), v128.bitselect(v128.load(xr + (<usize>c << 2)), v128.load(yr + (<usize>c << 2)), mask));
      }
    } else if (cs1 == 1 && xs1 == 0 && ys1 == 1) {
      // The imputation step: a NaN mask over a row, a constant per column broadcast over rows.
      const xv = v128.load32_splat(xr);
      for (; c + 4 <= cols; c += 4) {
        const mask = i32x4.ne(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(cr + <usize>c))), i32x4.splat(0));
        v128.store(o + (<usize>c << 2), v128.bitselect(xv, v128.load(yr + (<usize>c << 2)), mask));
      }
    }
    for (; c < cols; c++) {
      const pick = load<u8>(cr + <usize>(c * cs1)) != 0;
      store<f32>(o + (<usize>c << 2), pick ? load<f32>(xr + (<usize>(c * xs1) << 2)) : load<f32>(yr + (<usize>(c * ys1) << 2)));
    }
    o += <usize>cols << 2;
  }
}

// ---------------------------------------------------------------------------------
// Unary operations on n contiguous values (out may be x).
// ---------------------------------------------------------------------------------

export const NEG = 0;
export const RELU = 1;
export const SIGMOID = 2;
export const SOFTPLUS = 3;
export const EXP = 4;
export const LOG = 5;

export function unary(op: i32, x: usize, out: usize, n: i32): void {
  let k = 0;
  if (op == NEG || op == RELU || op == SIGMOID) {
    const zero = f32x4.splat(0);
    for (; k + 4 <= n; k += 4) {
      const at = <usize>k << 2;
      const v = v128.load(x + at);
      let y: v128;
      if (op == NEG) y = f32x4.neg(v);
      else if (op == RELU) y = v128.andnot(v, f32x4.lt(v, zero));
      else y = sigmoid4(v);
      v128.store(out + at, y);
    }
  }
  for (; k < n; k++) {
    const at = <usize>k << 2;
    const v = load<f32>(x + at);
    let y: f32;
    switch (op) {
      case NEG: y = -v; break;
      case RELU: y = v < 0 ? 0 : v; break;
      case SIGMOID: y = f32x4.extract_lane(sigmoid4(f32x4.splat(v)), 0); break;
      // ln(1 + e^x), written as onnxruntime does so that it neither overflows for large x
      // nor loses e^x to rounding for very negative x.
      case SOFTPLUS: y = v > 0 ? v + Mathf.log1p(Mathf.exp(-v)) : Mathf.log1p(Mathf.exp(v)); break;
      case EXP: y = Mathf.exp(v); break;
      default: y = Mathf.log(v); break;
    }
    store<f32>(out + at, y);
  }
}

/**
 * The logistic function as onnxruntime's MLAS computes it (and Eigen before it): x
 * clamped to [−18, 18], then p(x)/q(x) + 1/2 with odd and even polynomials in x²,
 * clamped to [0, 1]. Multiplications and additions are kept apart (no FMA), as in
 * onnxruntime-web's WebAssembly build. Comparisons select, so NaN stays NaN.
 */
// @ts-ignore: decorator
@inline function sigmoid4(x: v128): v128 {
  const lower = f32x4.splat(-18.0);
  const upper = f32x4.splat(18.0);
  let v = v128.bitselect(lower, x, f32x4.lt(x, lower));
  v = v128.bitselect(upper, v, f32x4.gt(v, upper));
  const v2 = f32x4.mul(v, v);
  let p = f32x4.add(f32x4.mul(v2, f32x4.splat(4.37031012579801e-11)), f32x4.splat(1.15627324459942e-07));
  p = f32x4.add(f32x4.mul(p, v2), f32x4.splat(6.08574864600143e-05));
  p = f32x4.add(f32x4.mul(p, v2), f32x4.splat(8.51377133304701e-03));
  p = f32x4.add(f32x4.mul(p, v2), f32x4.splat(2.48287947061529e-01));
  p = f32x4.mul(p, v);
  let q = f32x4.add(f32x4.mul(v2, f32x4.splat(6.10247389755681e-13)), f32x4.splat(5.76102136993427e-09));
  q = f32x4.add(f32x4.mul(q, v2), f32x4.splat(6.29106785017040e-06));
  q = f32x4.add(f32x4.mul(q, v2), f32x4.splat(1.70198817374094e-03));
  q = f32x4.add(f32x4.mul(q, v2), f32x4.splat(1.16817656904453e-01));
  q = f32x4.add(f32x4.mul(q, v2), f32x4.splat(9.93151921023180e-01));
  let y = f32x4.add(f32x4.div(p, q), f32x4.splat(0.5));
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  y = v128.bitselect(zero, y, f32x4.lt(y, zero));
  return v128.bitselect(one, y, f32x4.gt(y, one));
}

/** out[k] = 1 if x[k] is NaN, else 0 (bytes). */
export function is_nan(x: usize, out: usize, n: i32): void {
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const v = v128.load(x + (<usize>k << 2));
    const mask = f32x4.ne(v, v); // all ones where NaN
    const bytes = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(mask, mask), mask);
    v128.store32_lane(out + <usize>k, v128.and(bytes, i8x16.splat(1)), 0);
  }
  for (; k < n; k++) {
    const v = load<f32>(x + (<usize>k << 2));
    store<u8>(out + <usize>k, v != v ? 1 : 0);
  }
}

/** Clip: lo where x < lo, then hi where above hi; NaN stays NaN, and a NaN bound clips nothing. */
export function clip(x: usize, out: usize, n: i32, lo: f32, hi: f32): void {
  const lov = f32x4.splat(lo);
  const hiv = f32x4.splat(hi);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const at = <usize>k << 2;
    let v = v128.load(x + at);
    v = v128.bitselect(lov, v, f32x4.lt(v, lov));
    v = v128.bitselect(hiv, v, f32x4.gt(v, hiv));
    v128.store(out + at, v);
  }
  for (; k < n; k++) {
    const at = <usize>k << 2;
    let v = load<f32>(x + at);
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    store<f32>(out + at, v);
  }
}

/** Copies `rows` runs of `runBytes` bytes, from `src` every `srcStride` bytes to `dst` every `dstStride` (Concat). */
export function copy_rows(src: usize, srcStride: i32, dst: usize, dstStride: i32, rows: i32, runBytes: i32): void {
  for (let r = 0; r < rows; r++) memory.copy(dst + <usize>(r * dstStride), src + <usize>(r * srcStride), <usize>runBytes);
}

/** Where the module's own static data (the tables behind Mathf.exp and Mathf.log) ends: the host lays its tensors out above it. */
export function heap_base(): usize {
  return __heap_base;
}

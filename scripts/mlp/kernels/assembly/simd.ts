// The trainer's hot loops as WebAssembly SIMD kernels (AssemblyScript, compiled to
// scripts/mlp/kernels/simd.wasm by `npm run build:kernels`). Each is the SIMD twin of
// a loop in scripts/mlp/kernels/reference.ts, which states the maths and is what the
// tests compare against.
//
// Every pointer is a byte offset into the memory the host imports (a WebAssembly.Memory
// that holds the params, gradients, moments and activations); matrices are row-major
// float32, moments float64. The matrix products use f32x4.relaxed_madd: a fused
// multiply-add where the CPU has one (x86 with FMA, ARM), a multiply then an add
// elsewhere; either way one instruction per four products.
//
// Broadcasts are v128.load32_splat, which V8 turns into one load (vbroadcastss) instead
// of a load and a shuffle: the shuffle port was the tiles' bottleneck.
//
// Blocking keeps the accumulators in registers (x86-64 has 16 vector registers):
// forward and weight gradient work on 4 × 8 tiles (8 accumulators, 2 loads of W or
// delta and a broadcast per step), the input gradient on 2 × 4 tiles of dot products.
// Edges (rows or columns not a multiple of the tile) take narrower or scalar paths, so
// any shape is correct.

// @ts-nocheck: AssemblyScript types (usize, f32, v128) are not TypeScript's.

// ---------------------------------------------------------------------------------
// Forward: out[r, j] = b[j] + Σ_i x[r, i] · W[i, j]   (no activation)
// ---------------------------------------------------------------------------------

export function dense_forward(x: usize, w: usize, b: usize, out: usize, rows: i32, inSize: i32, outSize: i32): void {
  const xs = <usize>inSize << 2; // bytes per row of x
  const os = <usize>outSize << 2; // bytes per row of out and of W
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const x0 = x + <usize>r * xs;
    const o0 = out + <usize>r * os;
    let j = 0;
    for (; j + 8 <= outSize; j += 8) {
      const jb = <usize>j << 2;
      const b0 = v128.load(b + jb);
      const b1 = v128.load(b + jb, 16);
      let a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
      let wp = w + jb;
      let xp = x0;
      for (let i = 0; i < inSize; i++) {
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
        wp += os;
        xp += 4;
      }
      const op = o0 + jb;
      v128.store(op, a00);
      v128.store(op, a01, 16);
      v128.store(op + os, a10);
      v128.store(op + os, a11, 16);
      v128.store(op + 2 * os, a20);
      v128.store(op + 2 * os, a21, 16);
      v128.store(op + 3 * os, a30);
      v128.store(op + 3 * os, a31, 16);
    }
    for (; j + 4 <= outSize; j += 4) {
      const jb = <usize>j << 2;
      const b0 = v128.load(b + jb);
      let a0 = b0, a1 = b0, a2 = b0, a3 = b0;
      let wp = w + jb;
      let xp = x0;
      for (let i = 0; i < inSize; i++) {
        const w0 = v128.load(wp);
        a0 = f32x4.relaxed_madd(v128.load32_splat(xp), w0, a0);
        a1 = f32x4.relaxed_madd(v128.load32_splat(xp + xs), w0, a1);
        a2 = f32x4.relaxed_madd(v128.load32_splat(xp + 2 * xs), w0, a2);
        a3 = f32x4.relaxed_madd(v128.load32_splat(xp + 3 * xs), w0, a3);
        wp += os;
        xp += 4;
      }
      const op = o0 + jb;
      v128.store(op, a0);
      v128.store(op + os, a1);
      v128.store(op + 2 * os, a2);
      v128.store(op + 3 * os, a3);
    }
    for (let k = 0; k < 4; k++) forward_scalar_columns(x0 + <usize>k * xs, w, b, o0 + <usize>k * os, inSize, outSize, j);
  }
  for (; r < rows; r++) forward_row(x + <usize>r * xs, w, b, out + <usize>r * os, inSize, outSize);
}

/** One row of the forward pass: 8-wide, then 4-wide, then scalar columns. */
function forward_row(xr: usize, w: usize, b: usize, or: usize, inSize: i32, outSize: i32): void {
  const os = <usize>outSize << 2;
  let j = 0;
  for (; j + 8 <= outSize; j += 8) {
    const jb = <usize>j << 2;
    let a0 = v128.load(b + jb);
    let a1 = v128.load(b + jb, 16);
    let wp = w + jb;
    for (let i = 0; i < inSize; i++) {
      const s = v128.load32_splat(xr + (<usize>i << 2));
      a0 = f32x4.relaxed_madd(s, v128.load(wp), a0);
      a1 = f32x4.relaxed_madd(s, v128.load(wp, 16), a1);
      wp += os;
    }
    v128.store(or + jb, a0);
    v128.store(or + jb, a1, 16);
  }
  for (; j + 4 <= outSize; j += 4) {
    const jb = <usize>j << 2;
    let a0 = v128.load(b + jb);
    let wp = w + jb;
    for (let i = 0; i < inSize; i++) {
      a0 = f32x4.relaxed_madd(v128.load32_splat(xr + (<usize>i << 2)), v128.load(wp), a0);
      wp += os;
    }
    v128.store(or + jb, a0);
  }
  forward_scalar_columns(xr, w, b, or, inSize, outSize, j);
}

/** Columns from `from` to the end of one row, one at a time (the last layer has one). */
function forward_scalar_columns(xr: usize, w: usize, b: usize, or: usize, inSize: i32, outSize: i32, from: i32): void {
  const os = <usize>outSize << 2;
  for (let j = from; j < outSize; j++) {
    const jb = <usize>j << 2;
    let a = load<f32>(b + jb);
    let wp = w + jb;
    for (let i = 0; i < inSize; i++) {
      a += load<f32>(xr + (<usize>i << 2)) * load<f32>(wp);
      wp += os;
    }
    store<f32>(or + jb, a);
  }
}

// ---------------------------------------------------------------------------------
// ReLU in place. `v < 0 ? 0 : v` rather than max(v, 0): a NaN must stay NaN so that the
// loss sees it and divergence is detected, as in the reference.
// ---------------------------------------------------------------------------------

export function relu(p: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const a = p + (<usize>k << 2);
    const v = v128.load(a);
    v128.store(a, v128.andnot(v, f32x4.lt(v, zero)));
  }
  for (; k < n; k++) {
    const a = p + (<usize>k << 2);
    if (load<f32>(a) < 0) store<f32>(a, 0);
  }
}

// ---------------------------------------------------------------------------------
// Weight gradient: gW[i, j] = Σ_r x[r, i] · delta[r, j],  gb[j] = Σ_r delta[r, j]
// (both overwritten)
// ---------------------------------------------------------------------------------

export function weight_grad(x: usize, delta: usize, gw: usize, gb: usize, rows: i32, inSize: i32, outSize: i32): void {
  const xs = <usize>inSize << 2;
  const os = <usize>outSize << 2;
  bias_grad(delta, gb, rows, outSize);
  let i = 0;
  for (; i + 4 <= inSize; i += 4) {
    const ib = <usize>i << 2;
    const g0 = gw + <usize>i * os;
    let j = 0;
    for (; j + 8 <= outSize; j += 8) {
      const jb = <usize>j << 2;
      const z = f32x4.splat(0);
      let a00 = z, a01 = z, a10 = z, a11 = z, a20 = z, a21 = z, a30 = z, a31 = z;
      let dp = delta + jb;
      let xp = x + ib;
      for (let r = 0; r < rows; r++) {
        const d0 = v128.load(dp);
        const d1 = v128.load(dp, 16);
        let s = v128.load32_splat(xp);
        a00 = f32x4.relaxed_madd(s, d0, a00);
        a01 = f32x4.relaxed_madd(s, d1, a01);
        s = v128.load32_splat(xp, 4);
        a10 = f32x4.relaxed_madd(s, d0, a10);
        a11 = f32x4.relaxed_madd(s, d1, a11);
        s = v128.load32_splat(xp, 8);
        a20 = f32x4.relaxed_madd(s, d0, a20);
        a21 = f32x4.relaxed_madd(s, d1, a21);
        s = v128.load32_splat(xp, 12);
        a30 = f32x4.relaxed_madd(s, d0, a30);
        a31 = f32x4.relaxed_madd(s, d1, a31);
        dp += os;
        xp += xs;
      }
      const gp = g0 + jb;
      v128.store(gp, a00);
      v128.store(gp, a01, 16);
      v128.store(gp + os, a10);
      v128.store(gp + os, a11, 16);
      v128.store(gp + 2 * os, a20);
      v128.store(gp + 2 * os, a21, 16);
      v128.store(gp + 3 * os, a30);
      v128.store(gp + 3 * os, a31, 16);
    }
    for (let k = 0; k < 4; k++) weight_grad_columns(x + ib + (<usize>k << 2), delta, g0 + <usize>k * os, rows, inSize, outSize, j);
  }
  for (; i < inSize; i++) weight_grad_columns(x + (<usize>i << 2), delta, gw + <usize>i * os, rows, inSize, outSize, 0);
}

/** gW[i, from..] for one input unit i (`xi` points at x[0, i]): 4-wide, then scalar. */
function weight_grad_columns(xi: usize, delta: usize, gr: usize, rows: i32, inSize: i32, outSize: i32, from: i32): void {
  const xs = <usize>inSize << 2;
  const os = <usize>outSize << 2;
  let j = from;
  for (; j + 4 <= outSize; j += 4) {
    const jb = <usize>j << 2;
    let a = f32x4.splat(0);
    let dp = delta + jb;
    let xp = xi;
    for (let r = 0; r < rows; r++) {
      a = f32x4.relaxed_madd(v128.load32_splat(xp), v128.load(dp), a);
      dp += os;
      xp += xs;
    }
    v128.store(gr + jb, a);
  }
  for (; j < outSize; j++) {
    const jb = <usize>j << 2;
    let a: f32 = 0;
    let dp = delta + jb;
    let xp = xi;
    for (let r = 0; r < rows; r++) {
      a += load<f32>(xp) * load<f32>(dp);
      dp += os;
      xp += xs;
    }
    store<f32>(gr + jb, a);
  }
}

function bias_grad(delta: usize, gb: usize, rows: i32, outSize: i32): void {
  const os = <usize>outSize << 2;
  let j = 0;
  for (; j + 4 <= outSize; j += 4) {
    const jb = <usize>j << 2;
    let a = f32x4.splat(0);
    let dp = delta + jb;
    for (let r = 0; r < rows; r++) {
      a = f32x4.add(a, v128.load(dp));
      dp += os;
    }
    v128.store(gb + jb, a);
  }
  for (; j < outSize; j++) {
    const jb = <usize>j << 2;
    let a: f32 = 0;
    let dp = delta + jb;
    for (let r = 0; r < rows; r++) {
      a += load<f32>(dp);
      dp += os;
    }
    store<f32>(gb + jb, a);
  }
}

// ---------------------------------------------------------------------------------
// Input gradient: dPrev[r, i] = act[r, i] > 0 ? scale · Σ_j delta[r, j] · W[i, j] : 0
// (act is the previous layer's stored activation: 0 means off or dropped)
// ---------------------------------------------------------------------------------

export function input_grad(delta: usize, w: usize, act: usize, dprev: usize, rows: i32, inSize: i32, outSize: i32, scale: f32): void {
  const ps = <usize>inSize << 2; // bytes per row of act and dPrev
  const os = <usize>outSize << 2; // bytes per row of delta and of W
  let r = 0;
  for (; r + 2 <= rows; r += 2) {
    const d0 = delta + <usize>r * os;
    const d1 = d0 + os;
    let i = 0;
    for (; i + 4 <= inSize; i += 4) {
      const w0 = w + <usize>i * os;
      const z = f32x4.splat(0);
      let a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z;
      let j = 0;
      for (; j + 4 <= outSize; j += 4) {
        const jb = <usize>j << 2;
        const x0 = v128.load(d0 + jb);
        const x1 = v128.load(d1 + jb);
        const v0 = v128.load(w0 + jb);
        const v1 = v128.load(w0 + os + jb);
        const v2 = v128.load(w0 + 2 * os + jb);
        const v3 = v128.load(w0 + 3 * os + jb);
        a00 = f32x4.relaxed_madd(x0, v0, a00);
        a01 = f32x4.relaxed_madd(x0, v1, a01);
        a02 = f32x4.relaxed_madd(x0, v2, a02);
        a03 = f32x4.relaxed_madd(x0, v3, a03);
        a10 = f32x4.relaxed_madd(x1, v0, a10);
        a11 = f32x4.relaxed_madd(x1, v1, a11);
        a12 = f32x4.relaxed_madd(x1, v2, a12);
        a13 = f32x4.relaxed_madd(x1, v3, a13);
      }
      // Horizontal sums: lane k of s0 is Σ a0k, by two rounds of pairwise adds.
      let s0 = hsum4(a00, a01, a02, a03);
      let s1 = hsum4(a10, a11, a12, a13);
      for (; j < outSize; j++) {
        const jb = <usize>j << 2;
        const wv = f32x4(load<f32>(w0 + jb), load<f32>(w0 + os + jb), load<f32>(w0 + 2 * os + jb), load<f32>(w0 + 3 * os + jb));
        s0 = f32x4.relaxed_madd(v128.load32_splat(d0 + jb), wv, s0);
        s1 = f32x4.relaxed_madd(v128.load32_splat(d1 + jb), wv, s1);
      }
      const ib = <usize>i << 2;
      mask_store(act + <usize>r * ps + ib, dprev + <usize>r * ps + ib, s0, scale);
      mask_store(act + <usize>(r + 1) * ps + ib, dprev + <usize>(r + 1) * ps + ib, s1, scale);
    }
    for (; i < inSize; i++) {
      input_grad_one(d0, w + <usize>i * os, act + <usize>r * ps + (<usize>i << 2), dprev + <usize>r * ps + (<usize>i << 2), outSize, scale);
      input_grad_one(d1, w + <usize>i * os, act + <usize>(r + 1) * ps + (<usize>i << 2), dprev + <usize>(r + 1) * ps + (<usize>i << 2), outSize, scale);
    }
  }
  for (; r < rows; r++) {
    for (let i = 0; i < inSize; i++) {
      input_grad_one(delta + <usize>r * os, w + <usize>i * os, act + <usize>r * ps + (<usize>i << 2), dprev + <usize>r * ps + (<usize>i << 2), outSize, scale);
    }
  }
}

/** [Σ a, Σ b, Σ c, Σ d] over the lanes of each. */
function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 2, 4, 6), v128.shuffle<f32>(a, b, 1, 3, 5, 7)); // a01 a23 b01 b23
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 2, 4, 6), v128.shuffle<f32>(c, d, 1, 3, 5, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 2, 4, 6), v128.shuffle<f32>(ab, cd, 1, 3, 5, 7));
}

/** dPrev[k] = act[k] > 0 ? s[k] · scale : 0 for four consecutive units. */
function mask_store(act: usize, dprev: usize, s: v128, scale: f32): void {
  const on = f32x4.gt(v128.load(act), f32x4.splat(0));
  v128.store(dprev, v128.and(f32x4.mul(s, f32x4.splat(scale)), on));
}

function input_grad_one(dr: usize, wi: usize, act: usize, dprev: usize, outSize: i32, scale: f32): void {
  if (!(load<f32>(act) > 0)) {
    store<f32>(dprev, 0);
    return;
  }
  let a: f32 = 0;
  for (let j = 0; j < outSize; j++) a += load<f32>(dr + (<usize>j << 2)) * load<f32>(wi + (<usize>j << 2));
  store<f32>(dprev, a * scale);
}

// ---------------------------------------------------------------------------------
// Adam on one parameter array: θ float32, g float32, m and v float64 (see adam.ts).
// The moments are updated with the reference's operations in its order, unfused, so
// m and v are bit-identical to it. The step uses the rearrangement of Kingma & Ba
// (end of their section 2), also PyTorch's:
//   lr · (m / c1) / (√(v / c2) + eps)  =  (lr / c1) · m / (√v / √c2 + eps)
// and computes it in float32, four values at a time: the float64 divisions and
// square roots of the literal formula were most of the kernel's time. The step is
// rounded to float32 anyway when θ is; a float32 √v that underflows (v < 1e-38) is
// swamped by eps (1e-8) either way.
// ---------------------------------------------------------------------------------

export function adam(theta: usize, grad: usize, m: usize, v: usize, n: i32, decay: f64, lr: f64, b1: f64, b2: f64, eps: f64, c1: f64, c2: f64): void {
  const a1 = 1 - b1;
  const a2 = 1 - b2;
  const stepSize = lr / c1;
  const rootC2 = 1 / Math.sqrt(c2);
  const vdecay = f64x2.splat(decay);
  const vb1 = f64x2.splat(b1);
  const vb2 = f64x2.splat(b2);
  const va1 = f64x2.splat(a1);
  const va2 = f64x2.splat(a2);
  const fstep = f32x4.splat(<f32>stepSize);
  const froot = f32x4.splat(<f32>rootC2);
  const feps = f32x4.splat(<f32>eps);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const fo = <usize>k << 2;
    const doff = <usize>k << 3;
    const t4 = v128.load(theta + fo);
    const g4 = v128.load(grad + fo);
    // Low pair (values k, k+1) and high pair (k+2, k+3) in float64.
    const tl = f64x2.promote_low_f32x4(t4);
    const th = f64x2.promote_low_f32x4(v128.shuffle<f32>(t4, t4, 2, 3, 2, 3));
    const gl = f64x2.add(f64x2.promote_low_f32x4(g4), f64x2.mul(vdecay, tl));
    const gh = f64x2.add(f64x2.promote_low_f32x4(v128.shuffle<f32>(g4, g4, 2, 3, 2, 3)), f64x2.mul(vdecay, th));
    const ml = f64x2.add(f64x2.mul(vb1, v128.load(m + doff)), f64x2.mul(va1, gl));
    const mh = f64x2.add(f64x2.mul(vb1, v128.load(m + doff, 16)), f64x2.mul(va1, gh));
    const vl = f64x2.add(f64x2.mul(vb2, v128.load(v + doff)), f64x2.mul(f64x2.mul(va2, gl), gl));
    const vh = f64x2.add(f64x2.mul(vb2, v128.load(v + doff, 16)), f64x2.mul(f64x2.mul(va2, gh), gh));
    v128.store(m + doff, ml);
    v128.store(m + doff, mh, 16);
    v128.store(v + doff, vl);
    v128.store(v + doff, vh, 16);
    const m4 = v128.shuffle<f32>(f32x4.demote_f64x2_zero(ml), f32x4.demote_f64x2_zero(mh), 0, 1, 4, 5);
    const v4 = v128.shuffle<f32>(f32x4.demote_f64x2_zero(vl), f32x4.demote_f64x2_zero(vh), 0, 1, 4, 5);
    const den = f32x4.add(f32x4.mul(f32x4.sqrt(v4), froot), feps);
    v128.store(theta + fo, f32x4.sub(t4, f32x4.div(f32x4.mul(fstep, m4), den)));
  }
  for (; k < n; k++) {
    const fo = <usize>k << 2;
    const doff = <usize>k << 3;
    const t = <f64>load<f32>(theta + fo);
    const g = <f64>load<f32>(grad + fo) + decay * t;
    const mk = b1 * load<f64>(m + doff) + a1 * g;
    const vk = b2 * load<f64>(v + doff) + a2 * g * g;
    store<f64>(m + doff, mk);
    store<f64>(v + doff, vk);
    store<f32>(theta + fo, <f32>(t - (stepSize * mk) / (Math.sqrt(vk) * rootC2 + eps)));
  }
}

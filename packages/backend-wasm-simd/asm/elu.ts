// elu kernels in float32 SIMD, no calls back into JS.
//
// Shared core: e^x = 2^k e^r with k = round(x log2(e) + c) by the magic-number trick: the
// bits of t = (x log2(e) + c) + (1.5*2^23 + bias) end in k + bias, so `t << 23` is the
// float 2^(k+bias) with no float->int conversion. r = (x - k*LN2_HI) - k*LN2_LO, where
// LN2_HI has 16 significant bits: k*LN2_HI is exact for |k| < 256 and so is the first
// subtraction. e^r - 1 = r + r^2*q(r) with q a degree-4 minimax polynomial (Estrin form);
// `r +` is the last addition, so expm1 keeps its relative accuracy near 0.
//
// forward: c = 0, r in [-ln2/2, ln2/2], E = 2^k*(e^r - 1) + (2^k - 1) (2^k - 1 is exact for
//   k >= -24), y = fl(alpha*E). Over every float32 x in [-30, 0), E is within 1.650*2^-24
//   relative of expm1(x). That does not depend on alpha, and a relative error below 2^-23
//   plus the product's own rounding keeps y within 2 ulp of alpha*expm1(x) for EVERY
//   float32 alpha. x below -30 is clamped to -30, where E is exactly -1: expm1(x) is
//   -1 + e^x with e^x < 1e-13 there, so alpha*expm1(x) rounds to -alpha.
// backward from x: |alpha| = am*2^ea, am in [0.5, 1) (once per call), c = -0.0844 (r in
//   [-0.288, 0.405], which balances the roundings at both ends), F = fl(am + fl(am*p)) *
//   (+-2^(k+ea)) with p = e^r - 1 and alpha's sign in the power of two (the scaling is
//   exact: F stays normal), dx = fl(dy*F). For every float32 x in [-174, 0) and every am,
//   F is within 1.961*2^-24 relative of |alpha|*e^x; below 2^-23 is what keeps dx within
//   2 ulp for EVERY dy. A block holding an x with k + ea < -123 (|alpha|*e^x near or
//   below the normal range, where F would be subnormal and lose bits; also a NaN with the
//   sign bit set) is recomputed by the float64 kernel at the end, as is every call with
//   |alpha| >= 2^127 (ea would not fit) or 0 < |alpha| < 2^-124 (no x qualifies).
// backward from y: dx = fl(dy*fl(y + alpha)): two roundings, within 1.5 ulp.
// The two bounds above come from `node scripts/elu-accuracy.mjs --proof`, which emulates
// these float32 operations exactly (checked against the built kernel) over every x and,
// where a bound that holds for every am is not enough, over all 2^23 mantissas am; the
// script's default mode checks the kernels themselves on every negative float32 x.
//
// x > 0 lanes return x / dy bit-exactly (dy by a select, x as x + 0: see forwardC); NaN
// propagates. Subnormals follow IEEE gradual underflow, nothing relies on flushing.
//
// Speed: elu is compute-bound: 27 SIMD ops per 4 elements forward (26 for alpha = 1, 28
// for alpha with the sign bit set, which takes its own pass C: forwardCNegative), 29
// backward. One loop doing all of it has a ~50-cycle dependency chain per vector, more than
// the out-of-order window overlaps (measured ~12 cycles per vector on Zen 4), so each
// 1 KiB block runs in three passes through a static scratch area that stays in L1: (A)
// range reduction, (B) polynomial, (C) combine and select. Each pass has a short chain,
// and what it reads was stored a whole block earlier. The price is 7 more vector loads and
// stores per 4 elements, and the x86 SIMD side issues about 4 operations a cycle with
// loads and stores counted: ~9.2 cycles per 4 elements forward, ~10.6 backward, against
// ~5.4 / ~7.6 for a memcpy of the same bytes at 2^24 elements (0.5x / 0.65x of copy).

import { highF64, lowF64, packF32, paddedBytes, STORE_AHEAD, touchNext } from './common';

/** Bytes per block (64 vectors); the three scratch arrays (3 KiB) stay in L1. */
const BLOCK: usize = 1024;
// Per instance (a wasm global): the main thread keeps this static area, each worker of
// the threaded build points it at its own heap block (useScratch in index.ts).
let SCRATCH: usize = memory.data(3 * <i32>BLOCK, 64);
// Offsets into SCRATCH. They are load/store immediates, so one index per iteration
// addresses all three arrays (V8 folds the immediate into the x64 address).
const R: usize = 0; // r
const S: usize = BLOCK; // 2^(k+bias)
const P: usize = 2 * BLOCK; // e^r - 1 (forward), am*e^r (backward)

// Constants are loaded from this table right before each loop: constant splats written in
// the loop would be folded back into it by binaryen and rebuilt by V8 on every iteration.
const KT = memory.data<u32>([
  0x3fb8aa3b, // 0: log2(e)
  0x3f317200, // 4: LN2_HI = 0.693145751953125
  0x35bfbe8e, // 8: LN2_LO = 1.4286068e-6 (ln 2 - LN2_HI)
  0x4b40007f, // 12: 1.5*2^23 + 127, forward: t << 23 = 2^k
  0xc1f00000, // 16: -30, the forward clamp
  0x80000000, // 20: -0
  0x3f800000, // 24: 1
  0x3effffff, // 28: forward q (expm1, minimax on [-ln2/2, ln2/2]): 0.49999997
  0x3e2aaa58, // 32: 0.166665435
  0x3d2aab3a, // 36: 0.0416672006
  0x3c0913b9, // 40: 0.00836651865
  0x3ab5f602, // 44: 0.00138825201
  0x3f000003, // 48: backward q (exp, minimax on [-0.288, 0.405]): 0.500000179
  0x3e2aaa6c, // 52: 0.166665733
  0x3d2aa1d1, // 56: 0.0416582264
  0x3c08f89b, // 60: 0.00836005341
  0x3ac009b7, // 64: 0.00146513327
  0xbdacd9e8, // 68: backward c = -0.0844
  0x00000000, // 72: 0
]);

// Per-call constants (alpha, and backward's am and magic) go through memory too, for the
// same reason: a splat of a runtime scalar gets rebuilt inside the loop by V8.
let PC: usize = memory.data(16, 16);

/** Points this instance's scratch (3 KiB) and per-call constants (16 bytes) at `p`. */
export function setEluScratch(p: usize): void {
  SCRATCH = p;
  PC = p + 3 * BLOCK;
}

// @ts-expect-error: decorator
@inline function kc(offset: usize): v128 {
  return v128.load32_splat(KT + offset);
}

/** r = (x - k*LN2_HI) - k*LN2_LO for t = u + magic (u = x log2(e) + c). */
// @ts-expect-error: decorator
@inline function reduced(xv: v128, t: v128, magic: v128, hi: v128, lo: v128): v128 {
  // k from t itself, not f32x4.nearest(u): at a tie u = k + 1/2 both round to even, but
  // an even t and an even k differ when the magic is odd.
  const kf = f32x4.sub(t, magic);
  return f32x4.sub(f32x4.sub(xv, f32x4.mul(kf, hi)), f32x4.mul(kf, lo));
}

/** e^r - 1 = r + r^2*q(r), q = c2 + c3 r + c4 r^2 + c5 r^3 + c6 r^4 (Estrin: short chain). */
// @ts-expect-error: decorator
@inline function expm1Poly(r: v128, c2: v128, c3: v128, c4: v128, c5: v128, c6: v128): v128 {
  const r2 = f32x4.mul(r, r);
  const a = f32x4.add(f32x4.mul(r, c3), c2);
  const b = f32x4.add(f32x4.mul(r, c5), c4);
  const q = f32x4.add(f32x4.mul(r2, f32x4.add(f32x4.mul(r2, c6), b)), a);
  return f32x4.add(r, f32x4.mul(r2, q));
}

// The passes are unrolled by hand, four vectors per iteration (binaryen does not unroll,
// and the offsets have to be literal immediates). Each vector is loaded, computed and
// stored before the next: V8 schedules loads early, and four vectors' worth of loads at
// once would not fit in the 16 xmm registers.

/**
 * The offset added to a pass's touchNext address: 0 (touch the next block) except in the
 * call's last block, where it cancels STORE_AHEAD and the touch reads the current line:
 * past the range is another pool thread's block, and touching lines it is writing cost
 * the two-thread run about a tenth at 2^20 (DECISIONS #135).
 */
// @ts-expect-error: decorator
@inline function lastBlockStays(off: usize, total: usize): usize {
  return off + BLOCK < total ? 0 : <usize>0 - STORE_AHEAD;
}

// ---- forward ---------------------------------------------------------------------------

/** Pass A's input: x clamped below at -30 (NaN kept), positive lanes (and +NaN) as -0. */
// @ts-expect-error: decorator
@inline function clampForward(xv: v128, lim: v128, negZero: v128): v128 {
  return i32x4.max_u(f32x4.pmax(xv, lim), negZero);
}

/** Pass A: R = r and S = 2^k for the clamped x of the block at xb. */
function forwardA(xb: usize, len: usize, t: usize): void {
  const scratch = SCRATCH;
  const lim = kc(16), negZero = kc(20), l2e = kc(0), magic = kc(12), hi = kc(4), lo = kc(8);
  for (let i: usize = 0; i < len; i += 64) {
    const xp = xb + i;
    touchNext(xp + t);
    const sp = scratch + i;
    const x0 = clampForward(v128.load(xp), lim, negZero);
    const t0 = f32x4.add(f32x4.mul(x0, l2e), magic);
    v128.store(sp, reduced(x0, t0, magic, hi, lo), R);
    v128.store(sp, i32x4.shl(t0, 23), S);
    const x1 = clampForward(v128.load(xp, 16), lim, negZero);
    const t1 = f32x4.add(f32x4.mul(x1, l2e), magic);
    v128.store(sp, reduced(x1, t1, magic, hi, lo), R + 16);
    v128.store(sp, i32x4.shl(t1, 23), S + 16);
    const x2 = clampForward(v128.load(xp, 32), lim, negZero);
    const t2 = f32x4.add(f32x4.mul(x2, l2e), magic);
    v128.store(sp, reduced(x2, t2, magic, hi, lo), R + 32);
    v128.store(sp, i32x4.shl(t2, 23), S + 32);
    const x3 = clampForward(v128.load(xp, 48), lim, negZero);
    const t3 = f32x4.add(f32x4.mul(x3, l2e), magic);
    v128.store(sp, reduced(x3, t3, magic, hi, lo), R + 48);
    v128.store(sp, i32x4.shl(t3, 23), S + 48);
  }
}

/** Pass B: P = e^R - 1. */
function forwardB(len: usize): void {
  const scratch = SCRATCH;
  const c2 = kc(28), c3 = kc(32), c4 = kc(36), c5 = kc(40), c6 = kc(44);
  for (let i: usize = 0; i < len; i += 64) {
    const sp = scratch + i;
    v128.store(sp, expm1Poly(v128.load(sp, R), c2, c3, c4, c5, c6), P);
    v128.store(sp, expm1Poly(v128.load(sp, R + 16), c2, c3, c4, c5, c6), P + 16);
    v128.store(sp, expm1Poly(v128.load(sp, R + 32), c2, c3, c4, c5, c6), P + 32);
    v128.store(sp, expm1Poly(v128.load(sp, R + 48), c2, c3, c4, c5, c6), P + 48);
  }
}

/**
 * Pass C for one vector: fl(alpha*(2^k*p + (2^k - 1))) + max(x, 0) on the bit patterns.
 * Negative x (and NaN with the sign bit) get y + 0; positive x and +NaN were clamped to
 * -0, so there y = (+-0) + x = x bit for bit; -0 and +0 give a zero, as alpha*expm1(0).
 * That is two operations where a compare and bitselect would be four.
 */
// @ts-expect-error: decorator
@inline function forwardC(
  sp: usize,
  xv: v128,
  one: v128,
  av: v128,
  sg: v128,
  scaled: bool,
): v128 {
  const s = v128.load(sp, S);
  let e = f32x4.add(f32x4.mul(s, v128.load(sp, P)), f32x4.sub(s, one));
  if (scaled) e = f32x4.mul(av, e);
  // A lane with x <= 0 must give a zero of sign sign(alpha) ^ sign(x), as alpha*expm1(x)
  // (SPEC: the sign of zero is kept), but s*p + (s - 1) is +0 at x = +-0 and `+ 0` turns
  // a -0 product into +0. Every x <= 0 lane's result already has that sign when it is not
  // zero, so OR-ing the sign in where it is 1 fixes the zeros and changes nothing else.
  // With alpha's sign bit clear (here) that is where x's sign bit is set (sg = sign mask,
  // positive x lanes have it clear); alpha's sign bit set takes forwardCNegative.
  return v128.or(f32x4.add(e, i32x4.max_s(xv, i32x4.splat(0))), v128.and(xv, sg));
}

/**
 * Pass C for alpha with the sign bit set (-0 and negatives, rare): the result's sign bit
 * must be 1 exactly where x = +0 (alpha*expm1(+0) = -0); every x < 0 lane gives a
 * positive number or +0 (alpha*expm1(-0) = +0), positive x lanes give x.
 */
// @ts-expect-error: decorator
@inline function forwardCNeg(sp: usize, xv: v128, one: v128, av: v128, sg: v128): v128 {
  const s = v128.load(sp, S);
  const e = f32x4.mul(av, f32x4.add(f32x4.mul(s, v128.load(sp, P)), f32x4.sub(s, one)));
  const zero = i32x4.splat(0);
  return v128.or(f32x4.add(e, i32x4.max_s(xv, zero)), v128.and(i32x4.eq(xv, zero), sg));
}

// Two copies of pass C (alpha = 1, the default, needs no final multiply). They are
// separate functions: binaryen folds the two arms of an `if` that differ in one operation
// into one loop that tests the flag per vector.

function forwardCScaled(xb: usize, yb: usize, len: usize, t: usize): void {
  const scratch = SCRATCH;
  const one = kc(24);
  const av = v128.load32_splat(PC);
  const sg = v128.load32_splat(PC, 8);
  for (let i: usize = 0; i < len; i += 64) {
    const sp = scratch + i;
    const xp = xb + i;
    const yp = yb + i;
    touchNext(yp + t);
    v128.store(yp, forwardC(sp, v128.load(xp), one, av, sg, true));
    v128.store(yp, forwardC(sp + 16, v128.load(xp, 16), one, av, sg, true), 16);
    v128.store(yp, forwardC(sp + 32, v128.load(xp, 32), one, av, sg, true), 32);
    v128.store(yp, forwardC(sp + 48, v128.load(xp, 48), one, av, sg, true), 48);
  }
}

function forwardCNegative(xb: usize, yb: usize, len: usize, t: usize): void {
  const scratch = SCRATCH;
  const one = kc(24);
  const av = v128.load32_splat(PC);
  const sg = v128.load32_splat(PC, 8);
  for (let i: usize = 0; i < len; i += 64) {
    const sp = scratch + i;
    const xp = xb + i;
    const yp = yb + i;
    touchNext(yp + t);
    v128.store(yp, forwardCNeg(sp, v128.load(xp), one, av, sg));
    v128.store(yp, forwardCNeg(sp + 16, v128.load(xp, 16), one, av, sg), 16);
    v128.store(yp, forwardCNeg(sp + 32, v128.load(xp, 32), one, av, sg), 32);
    v128.store(yp, forwardCNeg(sp + 48, v128.load(xp, 48), one, av, sg), 48);
  }
}

function forwardCUnit(xb: usize, yb: usize, len: usize, t: usize): void {
  const scratch = SCRATCH;
  const one = kc(24);
  const av = one;
  const sg = v128.load32_splat(PC, 8);
  for (let i: usize = 0; i < len; i += 64) {
    const sp = scratch + i;
    const xp = xb + i;
    const yp = yb + i;
    touchNext(yp + t);
    v128.store(yp, forwardC(sp, v128.load(xp), one, av, sg, false));
    v128.store(yp, forwardC(sp + 16, v128.load(xp, 16), one, av, sg, false), 16);
    v128.store(yp, forwardC(sp + 32, v128.load(xp, 32), one, av, sg, false), 32);
    v128.store(yp, forwardC(sp + 48, v128.load(xp, 48), one, av, sg, false), 48);
  }
}

/** y = x > 0 ? x : alpha*expm1(x); y may alias x. */
export function eluForward(x: usize, y: usize, n: i32, alpha: f32): void {
  const total = paddedBytes(n);
  // sg: the sign mask both pass C variants OR in (forwardC masks it with x, forwardCNeg
  // with x == +0)
  const negative = (reinterpret<u32>(alpha) >> 31) != 0;
  store<f32>(PC, alpha);
  store<u32>(PC, 0x80000000, 8);
  for (let off: usize = 0; off < total; off += BLOCK) {
    const len = min(BLOCK, total - off);
    const t = lastBlockStays(off, total);
    forwardA(x + off, len, t);
    forwardB(len);
    if (alpha == 1) forwardCUnit(x + off, y + off, len, t);
    else if (negative) forwardCNegative(x + off, y + off, len, t);
    else forwardCScaled(x + off, y + off, len, t);
  }
}

// ---- backward from x ---------------------------------------------------------------------

/** Pass B: P = am*e^R = am + am*(e^R - 1), rounded once. */
// @ts-expect-error: decorator
@inline function scaledExp(
  r: v128,
  am: v128,
  c2: v128,
  c3: v128,
  c4: v128,
  c5: v128,
  c6: v128,
): v128 {
  return f32x4.add(am, f32x4.mul(am, expm1Poly(r, c2, c3, c4, c5, c6)));
}

function backwardB(len: usize): void {
  const scratch = SCRATCH;
  const am = v128.load32_splat(PC, 4);
  const c2 = kc(48), c3 = kc(52), c4 = kc(56), c5 = kc(60), c6 = kc(64);
  for (let i: usize = 0; i < len; i += 64) {
    const sp = scratch + i;
    v128.store(sp, scaledExp(v128.load(sp, R), am, c2, c3, c4, c5, c6), P);
    v128.store(sp, scaledExp(v128.load(sp, R + 16), am, c2, c3, c4, c5, c6), P + 16);
    v128.store(sp, scaledExp(v128.load(sp, R + 32), am, c2, c3, c4, c5, c6), P + 32);
    v128.store(sp, scaledExp(v128.load(sp, R + 48), am, c2, c3, c4, c5, c6), P + 48);
  }
}

/** Pass C for one vector: dy*(P*(+-2^(k+ea))) where x <= 0 or NaN, dy where x > 0. */
// @ts-expect-error: decorator
@inline function backwardC(sp: usize, d: v128, xv: v128, zero: v128): v128 {
  const f = f32x4.mul(v128.load(sp, P), v128.load(sp, S));
  return v128.bitselect(d, f32x4.mul(d, f), f32x4.gt(xv, zero));
}

/** dx = x > 0 ? dy : dy*(alpha*exp(x)); dx may alias dy or x. */
export function eluBackwardFromX(dy: usize, x: usize, dx: usize, n: i32, alpha: f32): void {
  const scratch = SCRATCH;
  const a = abs(<f64>alpha);
  if (!(a < 1.7014118346046923e38) || (a < 4.701977403289208e-38 && a != 0)) {
    // |alpha| >= 2^127: ea below would be 128. 0 < |alpha| < 2^-124: ea < -123, and
    // then even x = 0 (k = 0) is below the fast path's range.
    backwardFromX64(dy, x, dx, paddedBytes(n), alpha);
    return;
  }
  // |alpha| = am*2^ea, am in [0.5, 1), from the float64 exponent (a float32 subnormal
  // alpha is normal as a float64). alpha = +-0 gives am = 0 and F = +-0: the sign below
  // comes from alpha's sign bit, not alpha < 0, so dy*F keeps the sign of
  // dy*(alpha*e^x) for alpha = -0 too (a zero whose sign is part of the contract).
  let ea: i32 = 0;
  let am: f32 = 0;
  if (a != 0) {
    ea = <i32>((reinterpret<u64>(a) >> 52) & 0x7ff) - 1022;
    am = <f32>(a * reinterpret<f64>(<u64>(1023 - ea) << 52));
  }
  // t = u + 1.5*2^23 + 127 + ea (+ 256 for a negative alpha: bit 8 of the biased exponent
  // lands in the sign bit), an integer below 2^24 and so exact; t << 23 = +-2^(k+ea) while
  // 0 <= k + ea + 127 <= 255. The fast path needs k + ea >= -123 (then F >= 0.35*2^-123
  // is normal and its scaling exact), i.e. x > xlim; a block holding a lower x (or a NaN
  // with the sign bit set: its pattern is above -Inf's) is recomputed in float64.
  store<f32>(PC, <f32>(<i32>12582912 + 127 + ea + (reinterpret<u32>(alpha) >> 31 ? 256 : 0)));
  store<f32>(PC, am, 4);
  const xlim = <u32>reinterpret<i32>(<f32>(<f64>(-123 - ea) * 0.6931471805599453));
  const total = paddedBytes(n);
  for (let off: usize = 0; off < total; off += BLOCK) {
    const len = min(BLOCK, total - off);
    const t = lastBlockStays(off, total);
    const xb = x + off;
    // A, tracking the largest x bit pattern as unsigned: for negative x that is the
    // largest magnitude, and positive x sort below every negative pattern.
    let w0 = i32x4.splat(0);
    let w1 = w0;
    {
      const l2e = kc(0), hi = kc(4), lo = kc(8), shift = kc(68), magic = v128.load32_splat(PC);
      for (let i: usize = 0; i < len; i += 64) {
        const xp = xb + i;
        touchNext(xp + t);
        touchNext(dy + off + i + t);
        const sp = scratch + i;
        const x0 = v128.load(xp);
        w0 = i32x4.max_u(w0, x0);
        const t0 = f32x4.add(f32x4.add(f32x4.mul(x0, l2e), shift), magic);
        v128.store(sp, reduced(x0, t0, magic, hi, lo), R);
        v128.store(sp, i32x4.shl(t0, 23), S);
        const x1 = v128.load(xp, 16);
        w1 = i32x4.max_u(w1, x1);
        const t1 = f32x4.add(f32x4.add(f32x4.mul(x1, l2e), shift), magic);
        v128.store(sp, reduced(x1, t1, magic, hi, lo), R + 16);
        v128.store(sp, i32x4.shl(t1, 23), S + 16);
        const x2 = v128.load(xp, 32);
        w0 = i32x4.max_u(w0, x2);
        const t2 = f32x4.add(f32x4.add(f32x4.mul(x2, l2e), shift), magic);
        v128.store(sp, reduced(x2, t2, magic, hi, lo), R + 32);
        v128.store(sp, i32x4.shl(t2, 23), S + 32);
        const x3 = v128.load(xp, 48);
        w1 = i32x4.max_u(w1, x3);
        const t3 = f32x4.add(f32x4.add(f32x4.mul(x3, l2e), shift), magic);
        v128.store(sp, reduced(x3, t3, magic, hi, lo), R + 48);
        v128.store(sp, i32x4.shl(t3, 23), S + 48);
      }
    }
    let w = i32x4.max_u(w0, w1);
    w = i32x4.max_u(w, i32x4.shuffle(w, w, 2, 3, 0, 1));
    w = i32x4.max_u(w, i32x4.shuffle(w, w, 1, 0, 3, 2));
    if (<u32>i32x4.extract_lane(w, 0) >= xlim) {
      backwardFromX64(dy + off, xb, dx + off, len, alpha);
      continue;
    }
    backwardB(len);
    const gb = dy + off;
    const ob = dx + off;
    const zero = kc(72);
    for (let i: usize = 0; i < len; i += 64) {
      const sp = scratch + i;
      const gp = gb + i;
      const xp = xb + i;
      const op = ob + i;
      touchNext(op + t);
      v128.store(op, backwardC(sp, v128.load(gp), v128.load(xp), zero));
      v128.store(op, backwardC(sp + 16, v128.load(gp, 16), v128.load(xp, 16), zero), 16);
      v128.store(op, backwardC(sp + 32, v128.load(gp, 32), v128.load(xp, 32), zero), 32);
      v128.store(op, backwardC(sp + 48, v128.load(gp, 48), v128.load(xp, 48), zero), 48);
    }
  }
}

// ---- backward from x in float64 (|alpha| >= 2^127, and blocks near underflow) ----------

const LOG2E: f64 = 1.4426950408889634;
const LN2_HI64: f64 = 0.6931471803691238; // upper 32 bits of ln 2
const LN2_LO64: f64 = 1.9082149292705877e-10;

/** 2^k for integral k in [-1022, 1023], built from the exponent bits. */
// @ts-expect-error: decorator
@inline function pow2(k: v128): v128 {
  const ki = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k));
  return i64x2.shl(i64x2.add(ki, i64x2.splat(1023)), 52);
}

/** exp(d) for float64x2 d, relative error < 1e-9; below -800 exactly 0 like Math.exp. */
// @ts-expect-error: decorator
@inline function exp64(x: v128): v128 {
  const d = f64x2.max(x, f64x2.splat(-800.0));
  const k = f64x2.nearest(f64x2.mul(d, f64x2.splat(LOG2E)));
  const r = f64x2.sub(
    f64x2.sub(d, f64x2.mul(k, f64x2.splat(LN2_HI64))),
    f64x2.mul(k, f64x2.splat(LN2_LO64)),
  );
  // degree-8 Taylor polynomial of expm1(r), |r| <= 0.35: relative error < 3e-10
  let q = f64x2.splat(1.0 / 40320.0);
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 5040.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 720.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 120.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 24.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 6.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(0.5));
  const p = f64x2.add(f64x2.add(r, f64x2.mul(f64x2.mul(r, r), q)), f64x2.splat(1.0));
  // 2^k in two factors so k down to -1154 stays representable (the result underflows)
  const kHalf = f64x2.floor(f64x2.mul(k, f64x2.splat(0.5)));
  return f64x2.mul(f64x2.mul(p, pow2(kHalf)), pow2(f64x2.sub(k, kHalf)));
}

// @ts-expect-error: decorator
@inline function gradHalf64(x: v128, g: v128, av: v128): v128 {
  // the reference's order, dy*(alpha*exp(x)), so 0*Inf cases give NaN alike
  return f64x2.mul(g, f64x2.mul(av, exp64(x)));
}

/** The float64 backward over `bytes` bytes (a multiple of 16), rounded once to float32. */
function backwardFromX64(dy: usize, x: usize, dx: usize, bytes: usize, alpha: f32): void {
  const end = x + bytes;
  const g = dy - x;
  const o = dx - x;
  const z = f32x4.splat(0);
  const av = f64x2.splat(<f64>alpha);
  for (let p = x; p < end; p += 16) {
    const v = v128.load(p);
    const d = v128.load(p + g);
    const lo = gradHalf64(lowF64(v), lowF64(d), av);
    const neg = packF32(lo, gradHalf64(highF64(v), highF64(d), av));
    v128.store(p + o, v128.bitselect(d, neg, f32x4.gt(v, z)));
  }
}

// ---- backward from y ---------------------------------------------------------------------

// @ts-expect-error: decorator
@inline function fromY(p: usize, g: usize, o: usize, av: v128, z: v128): void {
  const v = v128.load(p);
  const d = v128.load(p + g);
  v128.store(p + o, v128.bitselect(d, f32x4.mul(d, f32x4.add(v, av)), f32x4.gt(v, z)));
}

/** dx = y > 0 ? dy : dy*(y + alpha) in float32: two roundings, within 1.5 ulp. */
export function eluBackwardFromY(dy: usize, y: usize, dx: usize, n: i32, alpha: f32): void {
  const end = y + paddedBytes(n);
  const g = dy - y;
  const o = dx - y;
  const z = f32x4.splat(0);
  const av = f32x4.splat(alpha);
  for (let p = y; p < end; p += 64) {
    touchNext(p + o);
    fromY(p, g, o, av, z);
    fromY(p + 16, g, o, av, z);
    fromY(p + 32, g, o, av, z);
    fromY(p + 48, g, o, av, z);
  }
}

// elu kernels with a vectorised exp/expm1 and no calls back into JS. Each float32x4
// is widened to two float64x2 halves: k = round(x*log2(e)), r = x - k*ln2 split in
// hi/lo parts (|r| <= 0.35), expm1(r) by its degree-8 Taylor polynomial (relative
// error < 3e-10, and no exp(x)-1 cancellation near 0 because the polynomial starts
// at r), then 2^k*expm1(r) + (2^k - 1). One rounding to float32 at the end keeps
// every result within 1 ulp of the float64 reference (SPEC allows 2).

import { highF64, lowF64, packF32 } from './common';

const LOG2E: f64 = 1.4426950408889634;
const LN2_HI: f64 = 0.6931471803691238; // upper 32 bits of ln 2
const LN2_LO: f64 = 1.9082149292705877e-10;

/** Returns k (float64x2, integral) and writes nothing; r and the polynomial follow. */
// @ts-expect-error: decorator
@inline function reduceK(d: v128): v128 {
  return f64x2.nearest(f64x2.mul(d, f64x2.splat(LOG2E)));
}

// @ts-expect-error: decorator
@inline function expm1Reduced(d: v128, k: v128): v128 {
  const r = f64x2.sub(f64x2.sub(d, f64x2.mul(k, f64x2.splat(LN2_HI))), f64x2.mul(k, f64x2.splat(LN2_LO)));
  let q = f64x2.splat(1.0 / 40320.0);
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 5040.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 720.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 120.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 24.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 6.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(0.5));
  return f64x2.add(r, f64x2.mul(f64x2.mul(r, r), q));
}

/** 2^k for integral k in [-1022, 1023], built from the exponent bits. */
// @ts-expect-error: decorator
@inline function pow2(k: v128): v128 {
  const ki = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k));
  return i64x2.shl(i64x2.add(ki, i64x2.splat(1023)), 52);
}

/** alpha*expm1(d) for float64x2 d <= 0 (or NaN); d is clamped at -104 where expm1f is -1. */
// @ts-expect-error: decorator
@inline function alphaExpm1(x: v128, av: v128): v128 {
  const d = f64x2.max(x, f64x2.splat(-104.0));
  const k = reduceK(d);
  const t = pow2(k);
  const em = f64x2.add(f64x2.mul(t, expm1Reduced(d, k)), f64x2.sub(t, f64x2.splat(1.0)));
  return f64x2.mul(av, em);
}

/** exp(d) for float64x2 d (NaN propagates); below -800 it is exactly 0 like Math.exp. */
// @ts-expect-error: decorator
@inline function exp64(x: v128): v128 {
  const d = f64x2.max(x, f64x2.splat(-800.0));
  const k = reduceK(d);
  // 2^k in two factors so k down to -1154 stays representable (result underflows to 0).
  const kHalf = f64x2.floor(f64x2.mul(k, f64x2.splat(0.5)));
  const p = f64x2.add(expm1Reduced(d, k), f64x2.splat(1.0));
  return f64x2.mul(f64x2.mul(p, pow2(kHalf)), pow2(f64x2.sub(k, kHalf)));
}

// @ts-expect-error: decorator
@inline function eluVec(v: v128, av: v128, z: v128): v128 {
  const neg = packF32(alphaExpm1(lowF64(v), av), alphaExpm1(highF64(v), av));
  return v128.bitselect(v, neg, f32x4.gt(v, z));
}

export function eluForward(x: usize, y: usize, n: i32, alpha: f32): void {
  const end = x + (((<usize>n << 2) + 15) & ~(<usize>15));
  const d = y - x;
  const z = f32x4.splat(0);
  const av = f64x2.splat(<f64>alpha);
  for (let p = x; p < end; p += 32) {
    const a = eluVec(v128.load(p), av, z);
    const b = eluVec(v128.load(p, 16), av, z);
    v128.store(p + d, a);
    v128.store(p + d, b, 16);
  }
}

// @ts-expect-error: decorator
@inline function eluGradHalf(x: v128, g: v128, av: v128): v128 {
  // SPEC/reference order: dy * (alpha * exp(x)), so 0*Inf cases give NaN alike.
  return f64x2.mul(g, f64x2.mul(av, exp64(x)));
}

/** dx = x > 0 ? dy : dy*alpha*exp(x). */
export function eluBackwardFromX(dy: usize, x: usize, dx: usize, n: i32, alpha: f32): void {
  const end = x + (((<usize>n << 2) + 15) & ~(<usize>15));
  const g = dy - x;
  const o = dx - x;
  const z = f32x4.splat(0);
  const av = f64x2.splat(<f64>alpha);
  for (let p = x; p < end; p += 16) {
    const v = v128.load(p);
    const d = v128.load(p + g);
    const neg = packF32(eluGradHalf(lowF64(v), lowF64(d), av), eluGradHalf(highF64(v), highF64(d), av));
    v128.store(p + o, v128.bitselect(d, neg, f32x4.gt(v, z)));
  }
}

// @ts-expect-error: decorator
@inline function eluGradFromY(v: v128, d: v128, av: v128, z: v128): v128 {
  const lo = f64x2.mul(lowF64(d), f64x2.add(lowF64(v), av));
  const hi = f64x2.mul(highF64(d), f64x2.add(highF64(v), av));
  return v128.bitselect(d, packF32(lo, hi), f32x4.gt(v, z));
}

/** dx = y > 0 ? dy : dy*(y + alpha), evaluated in float64 and rounded once. */
export function eluBackwardFromY(dy: usize, y: usize, dx: usize, n: i32, alpha: f32): void {
  const end = y + paddedBytes64(n);
  const g = dy - y;
  const o = dx - y;
  const z = f32x4.splat(0);
  const av = f64x2.splat(<f64>alpha);
  for (let p = y; p < end; p += 32) {
    const a = eluGradFromY(v128.load(p), v128.load(p + g), av, z);
    const b = eluGradFromY(v128.load(p, 16), v128.load(p + g, 16), av, z);
    v128.store(p + o, a);
    v128.store(p + o, b, 16);
  }
}

// @ts-expect-error: decorator
@inline function paddedBytes64(n: i32): usize {
  return ((<usize>n << 2) + 63) & ~(<usize>63);
}

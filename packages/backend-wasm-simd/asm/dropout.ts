// Dense dropout with replacement, and the keep-mask generator sparse dropout uses.
// Each step draws 32 elements with philox.ts (bit-identical to core's
// dropoutKeepMask); host blocks are padded to 64 bytes, so element loops cover n
// rounded up to 16 and the last step may use only the first 16 draws. Sums for
// dreplacement stop exactly at n. Block counters stay below 2^32 because wasm32
// tensors hold < 2^30 floats.

import { accumulate, horizontalSum, touchAhead, touchAheadOn } from './common';
import { d0, d1, d2, d3, d4, d5, d6, d7, draw32, keepBytes, setDrawKey } from './philox';

/** n rounded up to a multiple of 16 elements (the padded length every block has). */
// @ts-expect-error: decorator
@inline function padded16(n: i32): i32 {
  return (n + 15) & ~15;
}

/** Writes the keep mask (1 byte per element, 1 = kept) for elements [0, n), padded to 16. */
export function keepMask(mask: usize, n: i32, t: i32, k0: u32, k1: u32, s0: u32, s1: u32): void {
  setDrawKey(t, k0, k1, s0, s1);
  const pn = padded16(n);
  for (let i = 0; i < pn; i += 32) {
    draw32(i >>> 2);
    v128.store(mask + <usize>i, keepBytes(d0, d1, d2, d3));
    if (i + 16 < pn) v128.store(mask + <usize>i, keepBytes(d4, d5, d6, d7), 16);
  }
}

// @ts-expect-error: decorator
@inline function select(x: v128, drop: v128, rv: v128, sv: v128): v128 {
  return v128.bitselect(rv, f32x4.mul(x, sv), drop);
}

/** 16 elements of y (and of the mask when mask != 0) from four dropped masks. */
// @ts-expect-error: decorator
@inline function forward16(p: usize, q: usize, m: usize, a: v128, b: v128, c: v128, e: v128, rv: v128, sv: v128): void {
  v128.store(q, select(v128.load(p), a, rv, sv));
  v128.store(q, select(v128.load(p, 16), b, rv, sv), 16);
  v128.store(q, select(v128.load(p, 32), c, rv, sv), 32);
  v128.store(q, select(v128.load(p, 48), e, rv, sv), 48);
  if (m != 0) v128.store(m, keepBytes(a, b, c, e));
}

/**
 * y = dropped ? r : x*scale (scale 1 when not scaling); mask (or 0 for none) gets keep bytes.
 * The pointers address element `first` of the tensor (a multiple of 32: a range of the
 * threaded build), whose draws use counter block (first + i) / 4. A device replacement
 * comes as a heap pointer `rp` (0: use r).
 */
export function dropoutForward(x: usize, y: usize, mask: usize, n: i32, t: i32, k0: u32, k1: u32, s0: u32, s1: u32, r: f32, scale: f32, first: i32, rp: usize): void {
  if (rp != 0) r = load<f32>(rp);
  setDrawKey(t, k0, k1, s0, s1);
  const rv = f32x4.splat(r);
  const sv = f32x4.splat(scale);
  const pn = padded16(n);
  for (let i = 0; i < pn; i += 32) {
    draw32((first + i) >>> 2);
    const p = x + (<usize>i << 2);
    const q = y + (<usize>i << 2);
    const m: usize = mask == 0 ? 0 : mask + <usize>i;
    forward16(p, q, m, d0, d1, d2, d3, rv, sv);
    if (i + 16 < pn) forward16(p + 64, q + 64, m == 0 ? 0 : m + 16, d4, d5, d6, d7, rv, sv);
  }
}

/** dx = dropped ? +0 : dy*scale for one vector; returns the dropped dy (others +0). */
// @ts-expect-error: decorator
@inline function backVec(dyp: usize, dxp: usize, drop: v128, sv: v128): v128 {
  const g = v128.load(dyp);
  v128.store(dxp, v128.andnot(f32x4.mul(g, sv), drop));
  return v128.and(g, drop);
}

/** Dropped masks of lanes at or past n are cleared, so padding never reaches the sum. */
// @ts-expect-error: decorator
@inline function below(drop: v128, first: i32, n: i32): v128 {
  return v128.and(drop, i32x4.lt_s(i32x4.add(i32x4.splat(first), i32x4(0, 1, 2, 3)), i32x4.splat(n)));
}

/** Backward regenerating the mask from the seed; returns dreplacement (float64 sum). `first` as in dropoutForward. */
export function dropoutBackwardRegenerate(dy: usize, dx: usize, n: i32, t: i32, k0: u32, k1: u32, s0: u32, s1: u32, scale: f32, first: i32): f64 {
  setDrawKey(t, k0, k1, s0, s1);
  const sv = f32x4.splat(scale);
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let i = 0;
  // whole steps inside n: no lane needs the bound
  for (; i + 32 <= n; i += 32) {
    draw32((first + i) >>> 2);
    const p = dy + (<usize>i << 2);
    const q = dx + (<usize>i << 2);
    acc0 = accumulate(acc0, backVec(p, q, d0, sv));
    acc1 = accumulate(acc1, backVec(p + 16, q + 16, d1, sv));
    acc0 = accumulate(acc0, backVec(p + 32, q + 32, d2, sv));
    acc1 = accumulate(acc1, backVec(p + 48, q + 48, d3, sv));
    acc0 = accumulate(acc0, backVec(p + 64, q + 64, d4, sv));
    acc1 = accumulate(acc1, backVec(p + 80, q + 80, d5, sv));
    acc0 = accumulate(acc0, backVec(p + 96, q + 96, d6, sv));
    acc1 = accumulate(acc1, backVec(p + 112, q + 112, d7, sv));
  }
  // the last partial step, in the padded block
  const pn = padded16(n);
  if (i < pn) {
    draw32((first + i) >>> 2);
    const p = dy + (<usize>i << 2);
    const q = dx + (<usize>i << 2);
    acc0 = accumulate(acc0, backVec(p, q, below(d0, i, n), sv));
    acc1 = accumulate(acc1, backVec(p + 16, q + 16, below(d1, i + 4, n), sv));
    acc0 = accumulate(acc0, backVec(p + 32, q + 32, below(d2, i + 8, n), sv));
    acc1 = accumulate(acc1, backVec(p + 48, q + 48, below(d3, i + 12, n), sv));
    if (i + 16 < pn) {
      acc0 = accumulate(acc0, backVec(p + 64, q + 64, below(d4, i + 16, n), sv));
      acc1 = accumulate(acc1, backVec(p + 80, q + 80, below(d5, i + 20, n), sv));
      acc0 = accumulate(acc0, backVec(p + 96, q + 96, below(d6, i + 24, n), sv));
      acc1 = accumulate(acc1, backVec(p + 112, q + 112, below(d7, i + 28, n), sv));
    }
  }
  return horizontalSum(f64x2.add(acc0, acc1));
}

/** Backward with a stored mask (bytes, 1 = kept); returns dreplacement (float64 sum). */
export function dropoutBackwardMask(dy: usize, mask: usize, dx: usize, n: i32, scale: f32): f64 {
  const touch = touchAheadOn();
  const sv = f32x4.splat(scale);
  const zero = i32x4.splat(0);
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  const vecN = n & ~15;
  let i = 0;
  // 16 mask bytes per iteration, widened to four dropped-lane masks (byte 0 = dropped)
  for (; i < vecN; i += 16) {
    const bytes = v128.load(mask + <usize>i);
    const lo = i16x8.extend_low_i8x16_u(bytes);
    const hi = i16x8.extend_high_i8x16_u(bytes);
    const p = dy + (<usize>i << 2);
    const q = dx + (<usize>i << 2);
    touchAhead(q, touch);
    acc0 = accumulate(acc0, backVec(p, q, i32x4.eq(i32x4.extend_low_i16x8_u(lo), zero), sv));
    acc1 = accumulate(acc1, backVec(p + 16, q + 16, i32x4.eq(i32x4.extend_high_i16x8_u(lo), zero), sv));
    acc0 = accumulate(acc0, backVec(p + 32, q + 32, i32x4.eq(i32x4.extend_low_i16x8_u(hi), zero), sv));
    acc1 = accumulate(acc1, backVec(p + 48, q + 48, i32x4.eq(i32x4.extend_high_i16x8_u(hi), zero), sv));
  }
  let sum = horizontalSum(f64x2.add(acc0, acc1));
  for (; i < n; i++) {
    const g = load<f32>(dy + (<usize>i << 2));
    if (load<u8>(mask + <usize>i) != 0) {
      store<f32>(dx + (<usize>i << 2), g * scale);
    } else {
      store<f32>(dx + (<usize>i << 2), 0);
      sum += <f64>g;
    }
  }
  return sum;
}

/**
 * dx only (`paramGrad: false`), the mask regenerated: the same draws and the same dx as
 * dropoutBackwardRegenerate, no dreplacement sum. Whole padded steps: the lanes past n
 * write the block's padding only.
 */
export function dropoutBackwardRegenerateDx(dy: usize, dx: usize, n: i32, t: i32, k0: u32, k1: u32, s0: u32, s1: u32, scale: f32, first: i32): void {
  setDrawKey(t, k0, k1, s0, s1);
  const sv = f32x4.splat(scale);
  const pn = padded16(n);
  for (let i = 0; i < pn; i += 32) {
    draw32((first + i) >>> 2);
    const p = dy + (<usize>i << 2);
    const q = dx + (<usize>i << 2);
    backVec(p, q, d0, sv);
    backVec(p + 16, q + 16, d1, sv);
    backVec(p + 32, q + 32, d2, sv);
    backVec(p + 48, q + 48, d3, sv);
    if (i + 16 < pn) {
      backVec(p + 64, q + 64, d4, sv);
      backVec(p + 80, q + 80, d5, sv);
      backVec(p + 96, q + 96, d6, sv);
      backVec(p + 112, q + 112, d7, sv);
    }
  }
}

/**
 * dx only (`paramGrad: false`) from a stored mask: dx = mask ? dy*scale : +0, 16 mask
 * bytes per iteration over the block padded to 16 elements (masks are padded too).
 */
export function dropoutBackwardMaskDx(dy: usize, mask: usize, dx: usize, n: i32, scale: f32): void {
  const touch = touchAheadOn();
  const sv = f32x4.splat(scale);
  const zero = i32x4.splat(0);
  const pn = padded16(n);
  for (let i = 0; i < pn; i += 16) {
    const bytes = v128.load(mask + <usize>i);
    const lo = i16x8.extend_low_i8x16_u(bytes);
    const hi = i16x8.extend_high_i8x16_u(bytes);
    const p = dy + (<usize>i << 2);
    const q = dx + (<usize>i << 2);
    touchAhead(q, touch);
    backVec(p, q, i32x4.eq(i32x4.extend_low_i16x8_u(lo), zero), sv);
    backVec(p + 16, q + 16, i32x4.eq(i32x4.extend_high_i16x8_u(lo), zero), sv);
    backVec(p + 32, q + 32, i32x4.eq(i32x4.extend_low_i16x8_u(hi), zero), sv);
    backVec(p + 48, q + 48, i32x4.eq(i32x4.extend_high_i16x8_u(hi), zero), sv);
  }
}

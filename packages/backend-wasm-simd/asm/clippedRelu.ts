// clippedRelu (PACT) kernels: y = x <= 0 ? +0 : min(x, c); dx = 0 outside (0, c);
// dceiling = sum of (x >= c ? dy : 0) in float64. Zeros are selected (andnot /
// bitselect), never multiplied, so they are +0 for any dy. A device ceiling comes as
// a heap pointer `cp` (0: use the number).

import { accumulate, horizontalSum, paddedBytes, touchAhead, touchAheadOn } from './common';

/**
 * x <= 0 ? +0 : (c < x ? c : x). wasm's pmin(a, b) is `b < a ? b : a`, so pmin(x, c)
 * is `c < x ? c : x`: one minps on x64 where a bitselect is three. NaN x and x == c
 * keep x, the same bits as selecting c where x >= c did.
 */
// @ts-expect-error: decorator
@inline function clip(v: v128, cv: v128, z: v128): v128 {
  return v128.andnot(f32x4.pmin(v, cv), f32x4.le(v, z));
}

export function clippedReluForward(x: usize, y: usize, n: i32, ceiling: f32, cp: usize): void {
  const touch = touchAheadOn();
  // a device ceiling (one float32 on the heap) when cp != 0, else the number
  if (cp != 0) ceiling = load<f32>(cp);
  const end = x + paddedBytes(n);
  const d = y - x;
  const z = f32x4.splat(0);
  const cv = f32x4.splat(ceiling);
  for (let p = x; p < end; p += 64) {
    touchAhead(p + d, touch);
    const a = clip(v128.load(p), cv, z);
    const b = clip(v128.load(p, 16), cv, z);
    const c = clip(v128.load(p, 32), cv, z);
    const e = clip(v128.load(p, 48), cv, z);
    v128.store(p + d, a);
    v128.store(p + d, b, 16);
    v128.store(p + d, c, 32);
    v128.store(p + d, e, 48);
  }
}

// @ts-expect-error: decorator
@inline function clipGrad(s: v128, g: v128, cv: v128, z: v128): v128 {
  return v128.andnot(g, v128.or(f32x4.le(s, z), f32x4.ge(s, cv)));
}

/** dx = (src <= 0 || src >= c) ? +0 : dy. */
export function clippedReluBackward(dy: usize, src: usize, dx: usize, n: i32, ceiling: f32, cp: usize): void {
  const touch = touchAheadOn();
  // a device ceiling (one float32 on the heap) when cp != 0, else the number
  if (cp != 0) ceiling = load<f32>(cp);
  const end = src + paddedBytes(n);
  const g = dy - src;
  const o = dx - src;
  const z = f32x4.splat(0);
  const cv = f32x4.splat(ceiling);
  for (let p = src; p < end; p += 64) {
    touchAhead(p + o, touch);
    const a = clipGrad(v128.load(p), v128.load(p + g), cv, z);
    const b = clipGrad(v128.load(p, 16), v128.load(p + g, 16), cv, z);
    const c = clipGrad(v128.load(p, 32), v128.load(p + g, 32), cv, z);
    const e = clipGrad(v128.load(p, 48), v128.load(p + g, 48), cv, z);
    v128.store(p + o, a);
    v128.store(p + o, b, 16);
    v128.store(p + o, c, 32);
    v128.store(p + o, e, 48);
  }
}

/** One vector of dx, returning the dceiling terms (dy where x >= c, else +0). */
// @ts-expect-error: decorator
@inline function clipGradCeiling(p: usize, g: usize, o: usize, cv: v128, z: v128): v128 {
  const s = v128.load(p);
  const d = v128.load(p + g);
  v128.store(p + o, clipGrad(s, d, cv, z));
  return v128.and(d, f32x4.ge(s, cv));
}

/**
 * clippedRelu backward from x that also returns dceiling = sum of (x >= c ? dy : 0),
 * accumulated in float64 (two accumulators, four vectors per iteration). Whole
 * vectors up to n & ~15, then a scalar tail, so the padding past n never reaches
 * the sum.
 */
export function clippedReluBackwardCeiling(dy: usize, x: usize, dx: usize, n: i32, ceiling: f32, cp: usize): f64 {
  const touch = touchAheadOn();
  // a device ceiling (one float32 on the heap) when cp != 0, else the number
  if (cp != 0) ceiling = load<f32>(cp);
  const g = dy - x;
  const o = dx - x;
  const z = f32x4.splat(0);
  const cv = f32x4.splat(ceiling);
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  const vecEnd = x + ((<usize>n << 2) & ~(<usize>63));
  let p = x;
  for (; p < vecEnd; p += 64) {
    touchAhead(p + o, touch);
    acc0 = accumulate(acc0, clipGradCeiling(p, g, o, cv, z));
    acc1 = accumulate(acc1, clipGradCeiling(p + 16, g, o, cv, z));
    acc0 = accumulate(acc0, clipGradCeiling(p + 32, g, o, cv, z));
    acc1 = accumulate(acc1, clipGradCeiling(p + 48, g, o, cv, z));
  }
  let sum = horizontalSum(f64x2.add(acc0, acc1));
  const end = x + (<usize>n << 2);
  for (; p < end; p += 4) {
    const s = load<f32>(p);
    const d = load<f32>(p + g);
    store<f32>(p + o, s <= 0 || s >= ceiling ? 0 : d);
    if (s >= ceiling) sum += <f64>d;
  }
  return sum;
}

// Element-wise activation kernels (relu, leakyRelu, thresholdedRelu, clippedRelu):
// branch-free v128 code, four vectors per iteration. Results the SPEC writes as 0
// are selected (andnot/bitselect), never multiplied, so they are +0 for any dy.
// Backward kernels take x or y as `src`: each op's mask is the same on both.

import { accumulate, horizontalSum, paddedBytes } from './common';

export function reluForward(x: usize, y: usize, n: i32): void {
  const end = x + paddedBytes(n);
  const d = y - x;
  const z = f32x4.splat(0);
  for (let p = x; p < end; p += 64) {
    // f32x4.max propagates NaN and maps -0 to +0, exactly SPEC's relu.
    const a = f32x4.max(v128.load(p), z);
    const b = f32x4.max(v128.load(p, 16), z);
    const c = f32x4.max(v128.load(p, 32), z);
    const e = f32x4.max(v128.load(p, 48), z);
    v128.store(p + d, a);
    v128.store(p + d, b, 16);
    v128.store(p + d, c, 32);
    v128.store(p + d, e, 48);
  }
}

/** dx = src <= 0 ? +0 : dy (NaN src keeps dy). Also thresholdedRelu with t = alpha. */
export function thresholdBackward(dy: usize, src: usize, dx: usize, n: i32, t: f32): void {
  const end = src + paddedBytes(n);
  const g = dy - src;
  const o = dx - src;
  const tv = f32x4.splat(t);
  for (let p = src; p < end; p += 64) {
    const a = v128.andnot(v128.load(p + g), f32x4.le(v128.load(p), tv));
    const b = v128.andnot(v128.load(p + g, 16), f32x4.le(v128.load(p, 16), tv));
    const c = v128.andnot(v128.load(p + g, 32), f32x4.le(v128.load(p, 32), tv));
    const e = v128.andnot(v128.load(p + g, 48), f32x4.le(v128.load(p, 48), tv));
    v128.store(p + o, a);
    v128.store(p + o, b, 16);
    v128.store(p + o, c, 32);
    v128.store(p + o, e, 48);
  }
}

// @ts-expect-error: decorator
@inline function leaky(v: v128, av: v128, z: v128): v128 {
  return v128.bitselect(f32x4.mul(v, av), v, f32x4.lt(v, z));
}

export function leakyReluForward(x: usize, y: usize, n: i32, alpha: f32): void {
  const end = x + paddedBytes(n);
  const d = y - x;
  const z = f32x4.splat(0);
  const av = f32x4.splat(alpha);
  for (let p = x; p < end; p += 64) {
    const a = leaky(v128.load(p), av, z);
    const b = leaky(v128.load(p, 16), av, z);
    const c = leaky(v128.load(p, 32), av, z);
    const e = leaky(v128.load(p, 48), av, z);
    v128.store(p + d, a);
    v128.store(p + d, b, 16);
    v128.store(p + d, c, 32);
    v128.store(p + d, e, 48);
  }
}

// @ts-expect-error: decorator
@inline function leakyGrad(s: v128, g: v128, av: v128, z: v128): v128 {
  return v128.bitselect(g, f32x4.mul(g, av), f32x4.gt(s, z));
}

/** dx = src > 0 ? dy : alpha*dy (leakyRelu from x or y with alpha > 0). */
export function leakyReluBackward(dy: usize, src: usize, dx: usize, n: i32, alpha: f32): void {
  const end = src + paddedBytes(n);
  const g = dy - src;
  const o = dx - src;
  const z = f32x4.splat(0);
  const av = f32x4.splat(alpha);
  for (let p = src; p < end; p += 64) {
    const a = leakyGrad(v128.load(p), v128.load(p + g), av, z);
    const b = leakyGrad(v128.load(p, 16), v128.load(p + g, 16), av, z);
    const c = leakyGrad(v128.load(p, 32), v128.load(p + g, 32), av, z);
    const e = leakyGrad(v128.load(p, 48), v128.load(p + g, 48), av, z);
    v128.store(p + o, a);
    v128.store(p + o, b, 16);
    v128.store(p + o, c, 32);
    v128.store(p + o, e, 48);
  }
}

/** y = x <= alpha ? +0 : x (NaN falls through). */
export function thresholdedReluForward(x: usize, y: usize, n: i32, alpha: f32): void {
  const end = x + paddedBytes(n);
  const d = y - x;
  const av = f32x4.splat(alpha);
  for (let p = x; p < end; p += 64) {
    const v0 = v128.load(p);
    const v1 = v128.load(p, 16);
    const v2 = v128.load(p, 32);
    const v3 = v128.load(p, 48);
    v128.store(p + d, v128.andnot(v0, f32x4.le(v0, av)));
    v128.store(p + d, v128.andnot(v1, f32x4.le(v1, av)), 16);
    v128.store(p + d, v128.andnot(v2, f32x4.le(v2, av)), 32);
    v128.store(p + d, v128.andnot(v3, f32x4.le(v3, av)), 48);
  }
}

// @ts-expect-error: decorator
@inline function clip(v: v128, cv: v128, z: v128): v128 {
  return v128.andnot(v128.bitselect(cv, v, f32x4.ge(v, cv)), f32x4.le(v, z));
}

export function clippedReluForward(x: usize, y: usize, n: i32, ceiling: f32): void {
  const end = x + paddedBytes(n);
  const d = y - x;
  const z = f32x4.splat(0);
  const cv = f32x4.splat(ceiling);
  for (let p = x; p < end; p += 64) {
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
export function clippedReluBackward(dy: usize, src: usize, dx: usize, n: i32, ceiling: f32): void {
  const end = src + paddedBytes(n);
  const g = dy - src;
  const o = dx - src;
  const z = f32x4.splat(0);
  const cv = f32x4.splat(ceiling);
  for (let p = src; p < end; p += 64) {
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

/**
 * clippedRelu backward from x that also returns dceiling = sum of (x >= c ? dy : 0),
 * accumulated in float64. Whole vectors up to n & ~3, then a scalar tail, so the
 * padding past n never reaches the sum.
 */
export function clippedReluBackwardCeiling(dy: usize, x: usize, dx: usize, n: i32, ceiling: f32): f64 {
  const g = dy - x;
  const o = dx - x;
  const z = f32x4.splat(0);
  const cv = f32x4.splat(ceiling);
  let acc = f64x2.splat(0);
  const vecEnd = x + ((<usize>n << 2) & ~(<usize>15));
  let p = x;
  for (; p < vecEnd; p += 16) {
    const s = v128.load(p);
    const d = v128.load(p + g);
    v128.store(p + o, clipGrad(s, d, cv, z));
    acc = accumulate(acc, v128.and(d, f32x4.ge(s, cv)));
  }
  let sum = horizontalSum(acc);
  const end = x + (<usize>n << 2);
  for (; p < end; p += 4) {
    const s = load<f32>(p);
    const d = load<f32>(p + g);
    store<f32>(p + o, s <= 0 || s >= ceiling ? 0 : d);
    if (s >= ceiling) sum += <f64>d;
  }
  return sum;
}

// shiftedRelu kernels: y = x <= t ? +0 : x - t (float32 subtraction, exact for a
// subnormal difference: wasm never flushes), and one backward for x and y alike:
// dx = src <= t ? +0 : dy (t = 0 from y) with dthreshold's sum of the passing dy in
// float64. Zeros are selected (andnot), never multiplied; NaN compares false and
// falls through (NaN - t is NaN; NaN src keeps dy and adds it to the sum).

import { horizontalSum, paddedBytes, pairF64, touchAhead, touchAheadOn } from './common';

// @ts-expect-error: decorator
@inline function shift(v: v128, tv: v128): v128 {
  return v128.andnot(f32x4.sub(v, tv), f32x4.le(v, tv));
}

export function shiftedReluForward(x: usize, y: usize, n: i32, t: f32, tp: usize): void {
  const touch = touchAheadOn();
  // a device threshold (one float32 on the heap) when tp != 0, else the number
  if (tp != 0) t = load<f32>(tp);
  const end = x + paddedBytes(n);
  const d = y - x;
  const tv = f32x4.splat(t);
  for (let p = x; p < end; p += 64) {
    touchAhead(p + d, touch);
    const a = shift(v128.load(p), tv);
    const b = shift(v128.load(p, 16), tv);
    const c = shift(v128.load(p, 32), tv);
    const e = shift(v128.load(p, 48), tv);
    v128.store(p + d, a);
    v128.store(p + d, b, 16);
    v128.store(p + d, c, 32);
    v128.store(p + d, e, 48);
  }
}

/** One vector of dx; returns it, which is also the vector of summed terms (+0 where cut). */
// @ts-expect-error: decorator
@inline function passGrad(p: usize, g: usize, o: usize, tv: v128): v128 {
  const kept = v128.andnot(v128.load(p + g), f32x4.le(v128.load(p), tv));
  v128.store(p + o, kept);
  return kept;
}

/**
 * dx = src <= t ? +0 : dy, returning the float64 sum of the dy it kept (the host
 * negates it into dthreshold). From x t is the threshold; from y it is 0. Four
 * accumulators, one vector each per iteration, each vector's lanes added pairwise
 * first, so every accumulator's chain is one f64 add per 16 elements (two chained
 * adds per vector ran at half of thresholdedRelu's speed in cache). The order is
 * fixed by n alone; whole vectors up to n & ~15, then a scalar tail, so the padding
 * past n never reaches the sum.
 */
export function shiftedReluBackward(dy: usize, src: usize, dx: usize, n: i32, t: f32, tp: usize): f64 {
  const touch = touchAheadOn();
  // a device threshold (one float32 on the heap) when tp != 0, else the number
  if (tp != 0) t = load<f32>(tp);
  const g = dy - src;
  const o = dx - src;
  const tv = f32x4.splat(t);
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let acc2 = f64x2.splat(0);
  let acc3 = f64x2.splat(0);
  const vecEnd = src + ((<usize>n << 2) & ~(<usize>63));
  let p = src;
  for (; p < vecEnd; p += 64) {
    touchAhead(p + o, touch);
    acc0 = f64x2.add(acc0, pairF64(passGrad(p, g, o, tv)));
    acc1 = f64x2.add(acc1, pairF64(passGrad(p + 16, g, o, tv)));
    acc2 = f64x2.add(acc2, pairF64(passGrad(p + 32, g, o, tv)));
    acc3 = f64x2.add(acc3, pairF64(passGrad(p + 48, g, o, tv)));
  }
  let sum = horizontalSum(f64x2.add(f64x2.add(acc0, acc1), f64x2.add(acc2, acc3)));
  const end = src + (<usize>n << 2);
  for (; p < end; p += 4) {
    const d = load<f32>(p + g);
    if (load<f32>(p) <= t) store<f32>(p + o, 0);
    else {
      store<f32>(p + o, d);
      sum += <f64>d;
    }
  }
  return sum;
}

// thresholdedRelu kernels: y = x <= alpha ? +0 : x, and the shared threshold
// backward dx = src <= t ? +0 : dy (relu uses it with t = 0). Zeros are selected
// (andnot), never multiplied, so they are +0 for any dy; NaN compares false and
// falls through as the formulas say.

import { paddedBytes, touchAhead, touchAheadOn } from './common';

/** y = x <= alpha ? +0 : x (NaN falls through). */
export function thresholdedReluForward(x: usize, y: usize, n: i32, alpha: f32): void {
  const touch = touchAheadOn();
  const end = x + paddedBytes(n);
  const d = y - x;
  const av = f32x4.splat(alpha);
  for (let p = x; p < end; p += 64) {
    touchAhead(p + d, touch);
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

/** dx = src <= 0 ? +0 : dy (NaN src keeps dy). Also thresholdedRelu with t = alpha. */
export function thresholdBackward(dy: usize, src: usize, dx: usize, n: i32, t: f32): void {
  const touch = touchAheadOn();
  const end = src + paddedBytes(n);
  const g = dy - src;
  const o = dx - src;
  const tv = f32x4.splat(t);
  for (let p = src; p < end; p += 64) {
    touchAhead(p + o, touch);
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

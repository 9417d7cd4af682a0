// leakyRelu kernels: y = x < 0 ? alpha*x : x and dx = src > 0 ? dy : alpha*dy,
// branch-free (bitselect; forward with 0 < alpha <= 1 as pmax, common.ts leakyUnit),
// four v128 per iteration. Backward takes x or y as `src`
// (same mask on both when alpha > 0, which core checks).

import { leakyUnit, paddedBytes, touchAhead, touchAheadOn, unitSlope } from './common';

// @ts-expect-error: decorator
@inline function leaky(v: v128, av: v128, z: v128): v128 {
  return v128.bitselect(f32x4.mul(v, av), v, f32x4.lt(v, z));
}

export function leakyReluForward(x: usize, y: usize, n: i32, alpha: f32): void {
  const touch = touchAheadOn();
  const end = x + paddedBytes(n);
  const d = y - x;
  const z = f32x4.splat(0);
  const av = f32x4.splat(alpha);
  if (unitSlope(alpha)) {
    for (let p = x; p < end; p += 64) {
      touchAhead(p + d, touch);
      const a = leakyUnit(v128.load(p), av);
      const b = leakyUnit(v128.load(p, 16), av);
      const c = leakyUnit(v128.load(p, 32), av);
      const e = leakyUnit(v128.load(p, 48), av);
      v128.store(p + d, a);
      v128.store(p + d, b, 16);
      v128.store(p + d, c, 32);
      v128.store(p + d, e, 48);
    }
    return;
  }
  for (let p = x; p < end; p += 64) {
    touchAhead(p + d, touch);
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
  const touch = touchAheadOn();
  const end = src + paddedBytes(n);
  const g = dy - src;
  const o = dx - src;
  const z = f32x4.splat(0);
  const av = f32x4.splat(alpha);
  for (let p = src; p < end; p += 64) {
    touchAhead(p + o, touch);
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

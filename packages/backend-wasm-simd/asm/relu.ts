// relu kernels: y = max(x, 0) on whole 64-byte chunks (four v128 per iteration).
// The backward kernel is thresholdedRelu's with threshold 0 (thresholdedRelu.ts):
// relu'(x) is exactly thresholdedRelu'(x) at alpha = 0, from x or from y.

import { paddedBytes, touchAhead, touchAheadOn } from './common';

/**
 * x <= 0 (-0 included) selects +0, anything else (NaN included) keeps x's bits: SPEC's
 * relu. A compare and an andnot: V8 lowers f32x4.max, which has to merge two maxps for
 * NaN and signed zeros, to about eight x64 instructions.
 */
// @ts-expect-error: decorator
@inline function relu(v: v128, z: v128): v128 {
  return v128.andnot(v, f32x4.le(v, z));
}

export function reluForward(x: usize, y: usize, n: i32): void {
  const touch = touchAheadOn();
  const end = x + paddedBytes(n);
  const d = y - x;
  const z = f32x4.splat(0);
  for (let p = x; p < end; p += 64) {
    touchAhead(p + d, touch);
    const a = relu(v128.load(p), z);
    const b = relu(v128.load(p, 16), z);
    const c = relu(v128.load(p, 32), z);
    const e = relu(v128.load(p, 48), z);
    v128.store(p + d, a);
    v128.store(p + d, b, 16);
    v128.store(p + d, c, 32);
    v128.store(p + d, e, 48);
  }
}

// relu kernels: y = max(x, 0) on whole 64-byte chunks (four v128 per iteration).
// The backward kernel is thresholdedRelu's with threshold 0 (thresholdedRelu.ts):
// relu'(x) is exactly thresholdedRelu'(x) at alpha = 0, from x or from y.

import { paddedBytes } from './common';

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

// leakyRelu on the js backend: y = x < 0 ? alpha*x : x. The product of two
// float32 values is exact in float64, so storing it rounds once, as SPEC asks.

import type { ActivationKernel, AlphaParams } from '@pointwise/core';

export const leakyRelu: ActivationKernel<AlphaParams> = {
  forward({ x, y, size, params }) {
    const a = params.alpha;
    const xs = x as Float32Array;
    const ys = y as Float32Array;
    for (let i = 0; i < size; i++) {
      const v = xs[i]!;
      ys[i] = v < 0 ? a * v : v;
    }
  },
  backward({ dy, source, dx, size, params }) {
    const a = params.alpha;
    const s = source as Float32Array;
    const g = dy as Float32Array;
    const out = dx as Float32Array;
    // from x and from y (alpha > 0) share the rule: positive side passes dy
    for (let i = 0; i < size; i++) {
      const d = g[i]!;
      out[i] = s[i]! > 0 ? d : a * d;
    }
  },
};

// thresholdedRelu on the js backend: y = x <= alpha ? +0 : x; dx selects dy or +0.

import type { ActivationKernel, AlphaParams } from '@pointwise/core';

export const thresholdedRelu: ActivationKernel<AlphaParams> = {
  forward({ x, y, size, params }) {
    const a = params.alpha;
    const xs = x as Float32Array;
    const ys = y as Float32Array;
    for (let i = 0; i < size; i++) {
      const v = xs[i]!;
      ys[i] = v <= a ? 0 : v;
    }
  },
  backward({ dy, source, dx, size, params }) {
    const a = params.alpha;
    const s = source as Float32Array;
    const g = dy as Float32Array;
    const out = dx as Float32Array;
    for (let i = 0; i < size; i++) {
      out[i] = s[i]! <= a ? 0 : g[i]!;
    }
  },
};

// elu on the js backend, evaluated in float64 (Math.expm1 / Math.exp) and rounded
// once to float32: well inside SPEC's 2-ulp bound, never flushes early.

import type { ActivationKernel, AlphaParams } from '@pointwise/core';

export const elu: ActivationKernel<AlphaParams> = {
  forward({ x, y, size, params }) {
    const a = params.alpha;
    const xs = x as Float32Array;
    const ys = y as Float32Array;
    for (let i = 0; i < size; i++) {
      const v = xs[i]!;
      ys[i] = v > 0 ? v : a * Math.expm1(v);
    }
  },
  backward({ dy, source, from, dx, size, params }) {
    const a = params.alpha;
    const s = source as Float32Array;
    const g = dy as Float32Array;
    const out = dx as Float32Array;
    if (from === 'x') {
      for (let i = 0; i < size; i++) {
        const v = s[i]!;
        out[i] = v > 0 ? g[i]! : g[i]! * (a * Math.exp(v));
      }
    } else {
      for (let i = 0; i < size; i++) {
        const v = s[i]!;
        out[i] = v > 0 ? g[i]! : g[i]! * (v + a);
      }
    }
  },
};

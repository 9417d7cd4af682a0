// clippedRelu on the js backend: y = x <= 0 ? +0 : min(x, c). Backward selects
// dy inside (0, c) and sums dceiling = sum of (x >= c ? dy : 0) in float64.

import type { ClippedReluKernel } from '@pointwise/core';
import { scalarParam } from './views.js';

export const clippedRelu: ClippedReluKernel = {
  forward({ x, y, size, params }) {
    const c = scalarParam(params.ceiling, params.ceilingBuffer);
    const xs = x as Float32Array;
    const ys = y as Float32Array;
    for (let i = 0; i < size; i++) {
      const v = xs[i]!;
      ys[i] = v <= 0 ? 0 : v >= c ? c : v;
    }
  },
  backward({ dy, source, dx, size, params, dceiling }) {
    const c = scalarParam(params.ceiling, params.ceilingBuffer);
    const s = source as Float32Array;
    const g = dy as Float32Array;
    const out = dx as Float32Array;
    let sum = 0;
    for (let i = 0; i < size; i++) {
      const v = s[i]!;
      const d = g[i]!;
      out[i] = v <= 0 || v >= c ? 0 : d;
      if (v >= c) sum += d;
    }
    if (dceiling !== null) (dceiling as Float32Array)[0] = sum;
  },
};

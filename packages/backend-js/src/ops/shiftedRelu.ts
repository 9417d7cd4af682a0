// shiftedRelu on the js backend: y = x <= t ? +0 : f32(x - t). Backward selects dy
// where the element passes (x > t, or y > 0: the same elements) and sums
// dthreshold = -(sum of those dy) in float64, from x or from y alike.

import type { ShiftedReluKernel } from '@pointwise/core';
import { scalarParam } from './views.js';

export const shiftedRelu: ShiftedReluKernel = {
  forward({ x, y, size, params }) {
    const t = scalarParam(params.threshold, params.thresholdBuffer);
    const xs = x as Float32Array;
    const ys = y as Float32Array;
    // the float64 difference of two float32 values rounds to f32(x - t) on the store
    for (let i = 0; i < size; i++) {
      const v = xs[i]!;
      ys[i] = v <= t ? 0 : v - t;
    }
  },
  backward({ dy, source, from, dx, size, params, dthreshold }) {
    // from y the kink is y <= 0 (y = +0 exactly where x <= t)
    const t = from === 'x' ? scalarParam(params.threshold, params.thresholdBuffer) : 0;
    const s = source as Float32Array;
    const g = dy as Float32Array;
    const out = dx as Float32Array;
    let sum = 0;
    for (let i = 0; i < size; i++) {
      const d = g[i]!;
      if (s[i]! <= t) out[i] = 0;
      else {
        out[i] = d;
        sum += d;
      }
    }
    if (dthreshold !== null) (dthreshold as Float32Array)[0] = -sum;
  },
};

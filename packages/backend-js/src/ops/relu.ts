// relu on the js backend. Branch-free on the float32 bit pattern: an element is
// zeroed iff it is negative and not NaN (int32 view <= 0xFF800000 as signed), so
// -0 becomes +0, NaN payloads pass untouched and no float compare mispredicts.

import type { ActivationKernel, NoParams } from '@pointwise/core';
import { asInt32 } from './views.js';

export const relu: ActivationKernel<NoParams> = {
  forward({ x, y, size }) {
    const xi = asInt32(x);
    const yi = asInt32(y);
    for (let i = 0; i < size; i++) {
      const b = xi[i]!;
      // keep iff b >= 0, or b is a negative NaN (b > -8388608, i.e. above -Inf's pattern)
      yi[i] = b & ~((b >> 31) & ((b + 8388607) >> 31));
    }
  },
  backward({ dy, source, dx, size }) {
    const si = asInt32(source);
    const gi = asInt32(dy);
    const out = asInt32(dx);
    for (let i = 0; i < size; i++) {
      const b = si[i]!;
      // dx = +0 iff source <= 0: b == 0 or negative non-NaN (all negatives minus negative NaNs)
      const nonPositive = ((b - 1) | b) >> 31;
      const negativeNaN = (b >> 31) & ~((b + 8388607) >> 31);
      out[i] = gi[i]! & ~(nonPositive & ~negativeNaN);
    }
  },
};

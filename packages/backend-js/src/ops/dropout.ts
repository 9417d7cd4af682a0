// Dense dropout with replacement on the js backend: the keep mask comes from
// philoxBlocks (or the caller's mask), then one select pass writes y or dx.
// dreplacement sums dy over dropped elements in float64.

import type { DropoutKernel } from '@pointwise/core';
import { fillKeepMask } from './philoxBlocks.js';
import { scalarParam } from './views.js';

export const dropout: DropoutKernel = {
  forward({ x, y, mask, size, params }) {
    const keep = (mask as Uint8Array | null) ?? new Uint8Array(size);
    fillKeepMask(params, keep, size);
    const xs = x as Float32Array;
    const ys = y as Float32Array;
    const r = scalarParam(params.replacement, params.replacementBuffer);
    if (params.scale === null) {
      for (let i = 0; i < size; i++) ys[i] = keep[i] ? xs[i]! : r;
    } else {
      const s = params.scale;
      for (let i = 0; i < size; i++) ys[i] = keep[i] ? xs[i]! * s : r;
    }
  },
  backward({ dy, mask, dx, dreplacement, size, params }) {
    let keep = mask as Uint8Array | null;
    if (keep === null) {
      keep = new Uint8Array(size);
      fillKeepMask(params, keep, size);
    }
    const g = dy as Float32Array;
    const out = dx as Float32Array;
    const s = params.scale ?? 1;
    let sum = 0;
    for (let i = 0; i < size; i++) {
      const d = g[i]!;
      if (keep[i]) out[i] = d * s;
      else {
        out[i] = 0;
        sum += d;
      }
    }
    if (dreplacement !== null) (dreplacement as Float32Array)[0] = sum;
  },
};

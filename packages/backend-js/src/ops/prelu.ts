// prelu on the js backend. Loops run channel block by channel block (outer,
// channel, inner) so no element pays a division; dslope accumulates in float64.

import type { PreluKernel } from '@pointwise/core';

export const prelu: PreluKernel = {
  forward({ x, y, size, params }) {
    const xs = x as Float32Array;
    const ys = y as Float32Array;
    const slope = params.slope as Float32Array;
    forEachChannelRun(size, params.channels, params.inner, (c, start, end) => {
      const s = slope[c]!;
      for (let i = start; i < end; i++) {
        const v = xs[i]!;
        ys[i] = v < 0 ? s * v : v;
      }
    });
  },
  backward({ dy, source, dx, size, params, dslope }) {
    const xs = source as Float32Array;
    const g = dy as Float32Array;
    const out = dx as Float32Array;
    const slope = params.slope as Float32Array;
    const sums = new Float64Array(params.channels);
    forEachChannelRun(size, params.channels, params.inner, (c, start, end) => {
      const s = slope[c]!;
      let sum = 0;
      for (let i = start; i < end; i++) {
        const v = xs[i]!;
        const d = g[i]!;
        out[i] = v > 0 ? d : s * d;
        // written as SPEC's term so NaN x and 0*Inf reach the sum
        sum += v > 0 ? 0 : v * d;
      }
      sums[c] = sums[c]! + sum;
    });
    if (dslope !== null) (dslope as Float32Array).set(sums);
  },
};

/** Calls `run(channel, start, end)` for each contiguous run of one channel. */
function forEachChannelRun(
  size: number,
  channels: number,
  inner: number,
  run: (c: number, start: number, end: number) => void,
): void {
  if (channels === 1) {
    run(0, 0, size);
    return;
  }
  for (let start = 0, c = 0; start < size; start += inner, c = c + 1 === channels ? 0 : c + 1) {
    run(c, start, start + inner);
  }
}

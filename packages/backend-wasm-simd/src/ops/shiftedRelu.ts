// shiftedRelu on the wasm backend: one export call per op call. Backward from x
// compares with the threshold, from y with 0 (y = +0 exactly where x <= t); either
// way the kernel returns the float64 sum of the kept dy and dthreshold is its negation
// (summed per fixed chunk above CHUNK elements: pool.ts). With paramGrad: false
// (dthreshold null) thresholdBackward writes dx alone.

import type { ShiftedReluKernel, ThresholdParams } from '@pointwise/core';
import { ptr, type WasmHeap } from '../heap.js';
import { CHUNK, type Dispatch, N, STREAM_MIN } from '../pool.js';
import type { WasmKernelExports } from '../wasm.js';

// dy, source, dx, n, threshold, threshold pointer (one float32, the same for every range)
const XY = [4, 4, N, 0, 0];
const BACK = [4, 4, 4, N, 0, 0];
// dy, source, dx, n, threshold (thresholdBackward, for paramGrad: false)
const DX_ONLY = [4, 4, 4, N, 0];

/** A device threshold's heap pointer, or 0 (use the number). */
function tp(p: ThresholdParams): number {
  return p.thresholdBuffer === null ? 0 : ptr(p.thresholdBuffer);
}

export function shiftedReluKernel(
  k: WasmKernelExports,
  heap: WasmHeap,
  d: Dispatch,
): ShiftedReluKernel {
  return {
    forward: (c) => {
      const args = [ptr(c.x), ptr(c.y), c.size, c.params.threshold, tp(c.params)] as const;
      if (d.parallel(c.size, STREAM_MIN)) d.each('shiftedReluForward', c.size, args, XY);
      else k.shiftedReluForward(...args);
    },
    backward(c) {
      // from y the kink is 0 whatever the threshold (no device read either)
      const fromX = c.from === 'x';
      const t = fromX ? c.params.threshold : 0;
      const p = fromX ? tp(c.params) : 0;
      const parallel = d.parallel(c.size, STREAM_MIN);
      if (c.dthreshold === null) {
        // paramGrad: false: thresholdBackward's select is the same (dx = src <= t ? +0 : dy);
        // a device threshold is read from the heap here (host-visible, no read-back)
        const cut = p === 0 ? t : (heap.f32[p >>> 2] as number);
        const dxOnly = [ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, cut] as const;
        if (parallel) d.each('thresholdBackward', c.size, dxOnly, DX_ONLY);
        else k.thresholdBackward(...dxOnly);
        return;
      }
      const args = [ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, t, p] as const;
      const sum =
        c.size <= CHUNK
          ? k.shiftedReluBackward(...args)
          : d.sum('shiftedReluBackward', c.size, args, BACK, parallel);
      heap.f32[ptr(c.dthreshold) >>> 2] = -sum;
    },
  };
}

// shiftedRelu on the wasm backend: one export call per op call. Backward from x
// compares with the threshold, from y with 0 (y = +0 exactly where x <= t); either
// way the kernel returns the float64 sum of the kept dy and dthreshold is its negation
// (summed per fixed chunk above CHUNK elements: pool.ts).

import type { ShiftedReluKernel } from '@pointwise/core';
import { ptr, type WasmHeap } from '../heap.js';
import { CHUNK, type Dispatch, N, STREAM_MIN } from '../pool.js';
import type { WasmKernelExports } from '../wasm.js';

const XY = [4, 4, N, 0];
const BACK = [4, 4, 4, N, 0];

export function shiftedReluKernel(
  k: WasmKernelExports,
  heap: WasmHeap,
  d: Dispatch,
): ShiftedReluKernel {
  return {
    forward: (c) =>
      d.parallel(c.size, STREAM_MIN)
        ? d.each('shiftedReluForward', c.size, [ptr(c.x), ptr(c.y), c.size, c.params.threshold], XY)
        : k.shiftedReluForward(ptr(c.x), ptr(c.y), c.size, c.params.threshold),
    backward(c) {
      const t = c.from === 'x' ? c.params.threshold : 0;
      const parallel = d.parallel(c.size, STREAM_MIN);
      const sum =
        c.size <= CHUNK
          ? k.shiftedReluBackward(ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, t)
          : d.sum(
              'shiftedReluBackward',
              c.size,
              [ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, t],
              BACK,
              parallel,
            );
      heap.f32[ptr(c.dthreshold) >>> 2] = -sum;
    },
  };
}

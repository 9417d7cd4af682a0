// relu on the wasm backend: one export call per op call, pointers as numbers (no
// allocation, no closure per call). Backward from x and from y share the threshold
// kernel at t = 0: relu's mask reads the same on both. Large calls split over the
// worker pool (`d`).

import type { ActivationKernel, NoParams } from '@pointwise/core';
import { ptr } from '../heap.js';
import { type Dispatch, N, STREAM_MIN } from '../pool.js';
import type { WasmKernelExports } from '../wasm.js';

const XY = [4, 4, N];
const BACK = [4, 4, 4, N, 0];

export function reluKernel(k: WasmKernelExports, d: Dispatch): ActivationKernel<NoParams> {
  return {
    forward: (c) =>
      d.parallel(c.size, STREAM_MIN)
        ? d.each('reluForward', c.size, [ptr(c.x), ptr(c.y), c.size], XY)
        : k.reluForward(ptr(c.x), ptr(c.y), c.size),
    backward: (c) =>
      d.parallel(c.size, STREAM_MIN)
        ? d.each(
            'thresholdBackward',
            c.size,
            [ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, 0],
            BACK,
          )
        : k.thresholdBackward(ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, 0),
  };
}

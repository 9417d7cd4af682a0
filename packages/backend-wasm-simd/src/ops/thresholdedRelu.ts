// thresholdedRelu on the wasm backend: one export call per op call. Backward from
// x and from y share the threshold kernel (core allows y only when alpha >= 0).

import type { ActivationKernel, AlphaParams } from '@pointwise/core';
import { ptr } from '../heap.js';
import { type Dispatch, N, STREAM_MIN } from '../pool.js';
import type { WasmKernelExports } from '../wasm.js';

const XY = [4, 4, N, 0];
const BACK = [4, 4, 4, N, 0];

export function thresholdedReluKernel(
  k: WasmKernelExports,
  d: Dispatch,
): ActivationKernel<AlphaParams> {
  return {
    forward: (c) =>
      d.parallel(c.size, STREAM_MIN)
        ? d.each('thresholdedReluForward', c.size, [ptr(c.x), ptr(c.y), c.size, c.params.alpha], XY)
        : k.thresholdedReluForward(ptr(c.x), ptr(c.y), c.size, c.params.alpha),
    backward: (c) =>
      d.parallel(c.size, STREAM_MIN)
        ? d.each(
            'thresholdBackward',
            c.size,
            [ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, c.params.alpha],
            BACK,
          )
        : k.thresholdBackward(ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, c.params.alpha),
  };
}

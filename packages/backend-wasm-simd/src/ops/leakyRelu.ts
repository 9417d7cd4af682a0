// leakyRelu on the wasm backend: one export call per op call. Backward from x and
// from y share a kernel (core allows y only when alpha > 0, where the masks agree).

import type { ActivationKernel, AlphaParams } from '@pointwise/core';
import { ptr } from '../heap.js';
import { type Dispatch, N, STREAM_MIN } from '../pool.js';
import type { WasmKernelExports } from '../wasm.js';

const XY = [4, 4, N, 0];
const BACK = [4, 4, 4, N, 0];

export function leakyReluKernel(k: WasmKernelExports, d: Dispatch): ActivationKernel<AlphaParams> {
  return {
    forward: (c) =>
      d.parallel(c.size, STREAM_MIN)
        ? d.each('leakyReluForward', c.size, [ptr(c.x), ptr(c.y), c.size, c.params.alpha], XY)
        : k.leakyReluForward(ptr(c.x), ptr(c.y), c.size, c.params.alpha),
    backward: (c) =>
      d.parallel(c.size, STREAM_MIN)
        ? d.each(
            'leakyReluBackward',
            c.size,
            [ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, c.params.alpha],
            BACK,
          )
        : k.leakyReluBackward(ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, c.params.alpha),
  };
}

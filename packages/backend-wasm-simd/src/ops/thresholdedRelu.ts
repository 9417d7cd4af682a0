// thresholdedRelu on the wasm backend: one export call per op call. Backward from
// x and from y share the threshold kernel (core allows y only when alpha >= 0).

import type { ActivationKernel, AlphaParams } from '@pointwise/core';
import { ptr } from '../heap.js';
import type { WasmKernelExports } from '../wasm.js';

export function thresholdedReluKernel(k: WasmKernelExports): ActivationKernel<AlphaParams> {
  return {
    forward: (c) => k.thresholdedReluForward(ptr(c.x), ptr(c.y), c.size, c.params.alpha),
    backward: (c) =>
      k.thresholdBackward(ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, c.params.alpha),
  };
}

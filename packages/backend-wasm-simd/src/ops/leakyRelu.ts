// leakyRelu on the wasm backend: one export call per op call. Backward from x and
// from y share a kernel (core allows y only when alpha > 0, where the masks agree).

import type { ActivationKernel, AlphaParams } from '@pointwise/core';
import { ptr } from '../heap.js';
import type { WasmKernelExports } from '../wasm.js';

export function leakyReluKernel(k: WasmKernelExports): ActivationKernel<AlphaParams> {
  return {
    forward: (c) => k.leakyReluForward(ptr(c.x), ptr(c.y), c.size, c.params.alpha),
    backward: (c) =>
      k.leakyReluBackward(ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, c.params.alpha),
  };
}

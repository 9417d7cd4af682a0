// relu on the wasm backend: one export call per op call, pointers as numbers (no
// allocation, no closure per call). Backward from x and from y share the threshold
// kernel at t = 0: relu's mask reads the same on both.

import type { ActivationKernel, NoParams } from '@pointwise/core';
import { ptr } from '../heap.js';
import type { WasmKernelExports } from '../wasm.js';

export function reluKernel(k: WasmKernelExports): ActivationKernel<NoParams> {
  return {
    forward: (c) => k.reluForward(ptr(c.x), ptr(c.y), c.size),
    backward: (c) => k.thresholdBackward(ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, 0),
  };
}

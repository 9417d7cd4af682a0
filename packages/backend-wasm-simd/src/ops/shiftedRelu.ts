// shiftedRelu on the wasm backend: one export call per op call. Backward from x
// compares with the threshold, from y with 0 (y = +0 exactly where x <= t); either
// way the kernel returns the float64 sum of the kept dy and dthreshold is its negation.

import type { ShiftedReluKernel } from '@pointwise/core';
import { ptr, type WasmHeap } from '../heap.js';
import type { WasmKernelExports } from '../wasm.js';

export function shiftedReluKernel(k: WasmKernelExports, heap: WasmHeap): ShiftedReluKernel {
  return {
    forward: (c) => k.shiftedReluForward(ptr(c.x), ptr(c.y), c.size, c.params.threshold),
    backward(c) {
      const t = c.from === 'x' ? c.params.threshold : 0;
      const sum = k.shiftedReluBackward(ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, t);
      heap.f32[ptr(c.dthreshold) >>> 2] = -sum;
    },
  };
}

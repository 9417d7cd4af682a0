// shiftedRelu on the wasm backend: one export call per op call. Backward from x
// compares with the threshold, from y with 0 (y = +0 exactly where x <= t); either
// way the kernel returns the float64 sum of the kept dy and dthreshold is its negation.

import type { ShiftedReluKernel, ThresholdParams } from '@pointwise/core';
import { ptr, type WasmHeap } from '../heap.js';
import type { WasmKernelExports } from '../wasm.js';

/** A device threshold's heap pointer, or 0 (use the number). */
function tp(p: ThresholdParams): number {
  return p.thresholdBuffer === null ? 0 : ptr(p.thresholdBuffer);
}

export function shiftedReluKernel(k: WasmKernelExports, heap: WasmHeap): ShiftedReluKernel {
  return {
    forward: (c) =>
      k.shiftedReluForward(ptr(c.x), ptr(c.y), c.size, c.params.threshold, tp(c.params)),
    backward(c) {
      // from y the kink is 0 whatever the threshold (no device read either)
      const fromX = c.from === 'x';
      const t = fromX ? c.params.threshold : 0;
      const p = fromX ? tp(c.params) : 0;
      const sum = k.shiftedReluBackward(ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, t, p);
      heap.f32[ptr(c.dthreshold) >>> 2] = -sum;
    },
  };
}

// clippedRelu (PACT) on the wasm backend: dx alone, or dx plus dceiling (a float64
// sum the kernel returns, written into the one-element dceiling tensor).

import type { ClippedReluKernel } from '@pointwise/core';
import { ptr, type WasmHeap } from '../heap.js';
import type { WasmKernelExports } from '../wasm.js';

export function clippedReluKernel(k: WasmKernelExports, heap: WasmHeap): ClippedReluKernel {
  return {
    forward: (c) => k.clippedReluForward(ptr(c.x), ptr(c.y), c.size, c.params.ceiling),
    backward(c) {
      if (c.dceiling === null) {
        k.clippedReluBackward(ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, c.params.ceiling);
        return;
      }
      const sum = k.clippedReluBackwardCeiling(
        ptr(c.dy),
        ptr(c.source),
        ptr(c.dx),
        c.size,
        c.params.ceiling,
      );
      heap.f32[ptr(c.dceiling) >>> 2] = sum;
    },
  };
}

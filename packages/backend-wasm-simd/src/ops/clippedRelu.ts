// clippedRelu (PACT) on the wasm backend: dx alone, or dx plus dceiling (a float64
// sum the kernel returns, written into the one-element dceiling tensor).

import type { CeilingParams, ClippedReluKernel } from '@pointwise/core';
import { ptr, type WasmHeap } from '../heap.js';
import type { WasmKernelExports } from '../wasm.js';

/** A device ceiling's heap pointer, or 0 (use the number). */
function cp(p: CeilingParams): number {
  return p.ceilingBuffer === null ? 0 : ptr(p.ceilingBuffer);
}

export function clippedReluKernel(k: WasmKernelExports, heap: WasmHeap): ClippedReluKernel {
  return {
    forward: (c) =>
      k.clippedReluForward(ptr(c.x), ptr(c.y), c.size, c.params.ceiling, cp(c.params)),
    backward(c) {
      if (c.dceiling === null) {
        k.clippedReluBackward(
          ptr(c.dy),
          ptr(c.source),
          ptr(c.dx),
          c.size,
          c.params.ceiling,
          cp(c.params),
        );
        return;
      }
      const sum = k.clippedReluBackwardCeiling(
        ptr(c.dy),
        ptr(c.source),
        ptr(c.dx),
        c.size,
        c.params.ceiling,
        cp(c.params),
      );
      heap.f32[ptr(c.dceiling) >>> 2] = sum;
    },
  };
}

// clippedRelu (PACT) on the wasm backend: dx alone, or dx plus dceiling (a float64
// sum the kernel returns, per fixed chunk above CHUNK elements, written into the
// one-element dceiling tensor).

import type { CeilingParams, ClippedReluKernel } from '@pointwise/core';
import { ptr, type WasmHeap } from '../heap.js';
import { CHUNK, type Dispatch, N, STREAM_MIN } from '../pool.js';
import type { WasmKernelExports } from '../wasm.js';

// dy, source, dx, n, ceiling, ceiling pointer (one float32, the same for every range)
const XY = [4, 4, N, 0, 0];
const BACK = [4, 4, 4, N, 0, 0];

/** A device ceiling's heap pointer, or 0 (use the number). */
function cp(p: CeilingParams): number {
  return p.ceilingBuffer === null ? 0 : ptr(p.ceilingBuffer);
}

export function clippedReluKernel(
  k: WasmKernelExports,
  heap: WasmHeap,
  d: Dispatch,
): ClippedReluKernel {
  return {
    forward: (c) => {
      const args = [ptr(c.x), ptr(c.y), c.size, c.params.ceiling, cp(c.params)] as const;
      if (d.parallel(c.size, STREAM_MIN)) d.each('clippedReluForward', c.size, args, XY);
      else k.clippedReluForward(...args);
    },
    backward(c) {
      const args = [
        ptr(c.dy),
        ptr(c.source),
        ptr(c.dx),
        c.size,
        c.params.ceiling,
        cp(c.params),
      ] as const;
      const parallel = d.parallel(c.size, STREAM_MIN);
      if (c.dceiling === null) {
        if (parallel) d.each('clippedReluBackward', c.size, args, BACK);
        else k.clippedReluBackward(...args);
        return;
      }
      const sum =
        c.size <= CHUNK
          ? k.clippedReluBackwardCeiling(...args)
          : d.sum('clippedReluBackwardCeiling', c.size, args, BACK, parallel);
      heap.f32[ptr(c.dceiling) >>> 2] = sum;
    },
  };
}

// prelu on the wasm backend: the kernel walks channel runs itself; dslope needs a
// float64 scratch of `channels` values, borrowed from the heap for the call.

import type { PreluKernel } from '@pointwise/core';
import { ptr, type WasmHeap } from '../heap.js';
import type { WasmKernelExports } from '../wasm.js';

export function preluKernel(k: WasmKernelExports, heap: WasmHeap): PreluKernel {
  return {
    forward: (c) =>
      k.preluForward(
        ptr(c.x),
        ptr(c.y),
        c.size,
        ptr(c.params.slope),
        c.params.channels,
        c.params.inner,
      ),
    backward(c) {
      const { channels, inner } = c.params;
      const scratch = channels > 1 ? heap.alloc('float32', channels * 2, 'preluBackward') : null;
      try {
        k.preluBackward(
          ptr(c.dy),
          ptr(c.source),
          ptr(c.dx),
          c.size,
          ptr(c.params.slope),
          channels,
          inner,
          ptr(c.dslope),
          scratch === null ? 0 : scratch.ptr,
        );
      } finally {
        if (scratch !== null) heap.free(scratch);
      }
    },
  };
}

// Dense dropout with replacement on the wasm backend: Philox runs inside the kernel
// (16 elements per step); the backward pass either reads the mask or regenerates it
// from (seed, stream, threshold) without storing it. dreplacement comes back as float64.

import type { DropoutKernel } from '@pointwise/core';
import { ptr, type WasmHeap } from '../heap.js';
import type { WasmKernelExports } from '../wasm.js';

export function dropoutKernel(k: WasmKernelExports, heap: WasmHeap): DropoutKernel {
  return {
    forward({ x, y, mask, size, params: p }) {
      k.dropoutForward(
        ptr(x),
        ptr(y),
        mask === null ? 0 : ptr(mask),
        size,
        p.threshold,
        p.seedLo,
        p.seedHi,
        p.streamLo,
        p.streamHi,
        p.replacement,
        p.scale ?? 1,
        p.replacementBuffer === null ? 0 : ptr(p.replacementBuffer),
      );
    },
    backward({ dy, mask, dx, dreplacement, size, params: p }) {
      const sum =
        mask === null
          ? k.dropoutBackwardRegenerate(
              ptr(dy),
              ptr(dx),
              size,
              p.threshold,
              p.seedLo,
              p.seedHi,
              p.streamLo,
              p.streamHi,
              p.scale ?? 1,
            )
          : k.dropoutBackwardMask(ptr(dy), ptr(mask), ptr(dx), size, p.scale ?? 1);
      heap.f32[ptr(dreplacement) >>> 2] = sum;
    },
  };
}

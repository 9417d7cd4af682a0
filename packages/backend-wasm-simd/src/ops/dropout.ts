// Dense dropout with replacement on the wasm backend: Philox runs inside the kernel
// (16 elements per step); the backward pass either reads the mask or regenerates it
// from (seed, stream, threshold) without storing it. dreplacement comes back as float64
// (summed per fixed chunk above CHUNK elements); with paramGrad: false (dreplacement
// null) the Dx kernels write dx alone. Large calls split over the pool: the
// `first` argument tells a range which Philox counters its elements draw.

import type { DropoutKernel } from '@pointwise/core';
import { ptr, type WasmHeap } from '../heap.js';
import { CHUNK, COMPUTE_MIN, type Dispatch, N, STREAM_MIN } from '../pool.js';
import type { WasmKernelExports } from '../wasm.js';

// x, y, mask (1 byte per element, or 0 for none), n, t, k0, k1, s0, s1, r, scale, first,
// replacement pointer (one float32, the same for every range)
const FORWARD_MASK = [4, 4, 1, N, 0, 0, 0, 0, 0, 0, 0, 1, 0];
const FORWARD = [4, 4, 0, N, 0, 0, 0, 0, 0, 0, 0, 1, 0];
// dy, dx, n, t, k0, k1, s0, s1, scale, first
const REGENERATE = [4, 4, N, 0, 0, 0, 0, 0, 0, 1];
// dy, mask, dx, n, scale
const MASKED = [4, 1, 4, N, 0];

export function dropoutKernel(k: WasmKernelExports, heap: WasmHeap, d: Dispatch): DropoutKernel {
  return {
    forward({ x, y, mask, size, params: p }) {
      const m = mask === null ? 0 : ptr(mask);
      const s = p.scale ?? 1;
      const rp = p.replacementBuffer === null ? 0 : ptr(p.replacementBuffer);
      const { threshold: t, seedLo: k0, seedHi: k1, streamLo: s0, streamHi: s1 } = p;
      if (d.parallel(size, COMPUTE_MIN)) {
        const args = [ptr(x), ptr(y), m, size, t, k0, k1, s0, s1, p.replacement, s, 0, rp];
        d.each('dropoutForward', size, args, m === 0 ? FORWARD : FORWARD_MASK);
        return;
      }
      k.dropoutForward(ptr(x), ptr(y), m, size, t, k0, k1, s0, s1, p.replacement, s, 0, rp);
    },
    backward({ dy, mask, dx, dreplacement, size, params: p }) {
      const s = p.scale ?? 1;
      const { threshold: t, seedLo: k0, seedHi: k1, streamLo: s0, streamHi: s1 } = p;
      // regenerating runs Philox (compute-bound); reading a mask only streams
      const parallel = d.parallel(size, mask === null ? COMPUTE_MIN : STREAM_MIN);
      if (dreplacement === null) {
        // paramGrad: false: dx only, element-wise (no chunks, no sum)
        if (mask === null) {
          const args = [ptr(dy), ptr(dx), size, t, k0, k1, s0, s1, s, 0];
          if (parallel) d.each('dropoutBackwardRegenerateDx', size, args, REGENERATE);
          else k.dropoutBackwardRegenerateDx(ptr(dy), ptr(dx), size, t, k0, k1, s0, s1, s, 0);
        } else if (parallel) {
          d.each('dropoutBackwardMaskDx', size, [ptr(dy), ptr(mask), ptr(dx), size, s], MASKED);
        } else {
          k.dropoutBackwardMaskDx(ptr(dy), ptr(mask), ptr(dx), size, s);
        }
        return;
      }
      let sum: number;
      if (mask === null) {
        sum =
          size <= CHUNK
            ? k.dropoutBackwardRegenerate(ptr(dy), ptr(dx), size, t, k0, k1, s0, s1, s, 0)
            : d.sum(
                'dropoutBackwardRegenerate',
                size,
                [ptr(dy), ptr(dx), size, t, k0, k1, s0, s1, s, 0],
                REGENERATE,
                parallel,
              );
      } else {
        sum =
          size <= CHUNK
            ? k.dropoutBackwardMask(ptr(dy), ptr(mask), ptr(dx), size, s)
            : d.sum(
                'dropoutBackwardMask',
                size,
                [ptr(dy), ptr(mask), ptr(dx), size, s],
                MASKED,
                parallel,
              );
      }
      heap.f32[ptr(dreplacement) >>> 2] = sum;
    },
  };
}

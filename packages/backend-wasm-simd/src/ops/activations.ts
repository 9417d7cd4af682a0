// relu, leakyRelu, thresholdedRelu and clippedRelu on the wasm backend: each call
// is one export call with pointers as numbers (no allocation, no closure per call).
// Backward from x and from y share a kernel: each op's mask reads the same on both.

import type { ActivationKernel, AlphaParams, ClippedReluKernel, NoParams } from '@pointwise/core';
import type { WasmBuffer, WasmHeap } from '../heap.js';
import type { WasmKernelExports } from '../wasm.js';

const ptr = (b: unknown): number => (b as WasmBuffer).ptr;

export function reluKernel(k: WasmKernelExports): ActivationKernel<NoParams> {
  return {
    forward: (c) => k.reluForward(ptr(c.x), ptr(c.y), c.size),
    backward: (c) => k.thresholdBackward(ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, 0),
  };
}

export function leakyReluKernel(k: WasmKernelExports): ActivationKernel<AlphaParams> {
  return {
    forward: (c) => k.leakyReluForward(ptr(c.x), ptr(c.y), c.size, c.params.alpha),
    backward: (c) =>
      k.leakyReluBackward(ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, c.params.alpha),
  };
}

export function thresholdedReluKernel(k: WasmKernelExports): ActivationKernel<AlphaParams> {
  return {
    forward: (c) => k.thresholdedReluForward(ptr(c.x), ptr(c.y), c.size, c.params.alpha),
    backward: (c) =>
      k.thresholdBackward(ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, c.params.alpha),
  };
}

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

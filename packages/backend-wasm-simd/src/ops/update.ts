// Tensor writes, device copies and the SGD step on the wasm backend: writes and copies
// are typed-array copies within linear memory (views made per call: a grow detaches
// the old buffer); the SGD step is one export call (asm/update.ts), on the calling thread.

import type { DType, HostArray, UpdateKernel } from '@pointwise/core';
import { ptr, type WasmHeap } from '../heap.js';
import type { WasmKernelExports } from '../wasm.js';

const VIEW = {
  float32: Float32Array,
  uint8: Uint8Array,
  int32: Int32Array,
  int64: BigInt64Array,
} as const;

function view(heap: WasmHeap, buffer: unknown, dtype: DType, size: number): HostArray {
  return new VIEW[dtype](heap.buffer, ptr(buffer), size);
}

export function updateKernel(k: WasmKernelExports, heap: WasmHeap): UpdateKernel {
  return {
    write(buffer, dtype, data) {
      view(heap, buffer, dtype, data.length).set(data as never);
    },
    copy(src, dst, dtype, size) {
      view(heap, dst, dtype, size).set(view(heap, src, dtype, size) as never);
    },
    sgdStep({ param, grad, size, lr }) {
      k.sgdStep(ptr(param), ptr(grad), size, lr);
    },
  };
}

// The wasm-simd Backend: one module instance, its heap, and host reads that copy
// out of linear memory (sync and async; the memory is host-visible).

import type { Backend, DType, HostArrayOf, KernelSet } from '@pointwise/core';
import { type WasmBuffer, WasmHeap } from './heap.js';
import { createWasmKernels } from './kernels.js';
import { instantiateKernels, type WasmKernelExports } from './wasm.js';

type ArrayCtor = new (
  buffer: ArrayBuffer,
  byteOffset: number,
  length: number,
) => HostArrayOf[DType];

const VIEW: Record<DType, ArrayCtor> = {
  float32: Float32Array as unknown as ArrayCtor,
  int32: Int32Array as unknown as ArrayCtor,
  int64: BigInt64Array as unknown as ArrayCtor,
  uint8: Uint8Array as unknown as ArrayCtor,
};

/** A typed view (no copy) of a tensor in linear memory; invalid after the next grow. */
export function viewOf<D extends DType>(
  heap: WasmHeap,
  buffer: unknown,
  dtype: D,
  size: number,
): HostArrayOf[D] {
  return new VIEW[dtype](heap.buffer, (buffer as WasmBuffer).ptr, size) as HostArrayOf[D];
}

export interface WasmSimdBackend extends Backend {
  /** The raw kernel exports and heap, for benchmarks and tests of this package. */
  readonly wasm: { exports: WasmKernelExports; heap: WasmHeap };
}

export async function createWasmSimdBackend(): Promise<WasmSimdBackend> {
  let exports: WasmKernelExports | null = await instantiateKernels();
  const heap = new WasmHeap(exports.memory, exports.heapBase());
  const readSync = <D extends DType>(buffer: unknown, dtype: D, size: number): HostArrayOf[D] =>
    viewOf(heap, buffer, dtype, size).slice() as HostArrayOf[D];
  const backend = {
    name: 'wasm-simd',
    kernels: createWasmKernels(exports, heap) as Partial<KernelSet>,
    get wasm() {
      if (exports === null) throw new Error('wasm-simd: the backend was destroyed');
      return { exports, heap };
    },
    alloc: (dtype: DType, size: number) => heap.alloc(dtype, size),
    upload<D extends DType>(dtype: D, data: HostArrayOf[D]) {
      const buffer = heap.alloc(dtype, data.length, 'tensor');
      (viewOf(heap, buffer, dtype, data.length) as { set(a: unknown): void }).set(data);
      return buffer;
    },
    read: async <D extends DType>(buffer: unknown, dtype: D, size: number) =>
      readSync(buffer, dtype, size),
    readSync,
    free: (buffer: unknown) => heap.free(buffer as WasmBuffer),
    memory: () => heap.memory(),
    /** Drops the module instance and its linear memory (the kernels close over them). */
    destroy() {
      heap.destroy();
      backend.kernels = {};
      exports = null;
    },
  };
  return backend;
}

// The wasm-simd Backend: one module instance, its heap, the dispatch that runs kernel
// calls (calling thread or worker pool), and host reads that copy out of linear memory
// (sync and async; the memory is host-visible, and no op is pending when a call returns).

import type { Backend, DType, HostArrayOf, KernelSet } from '@pointwise/core';
import { Adaptive } from './adapt.js';
import { type WasmBuffer, WasmHeap } from './heap.js';
import { createWasmKernels } from './kernels.js';
import { Dispatch, SCRATCH_BYTES, SPIN_MS } from './pool.js';
import { isNode, logicalCores, type ResolvedThreads } from './threads.js';
import { TouchAhead, type TouchAheadOption } from './touch.js';
import { instantiateKernels, instantiateSharedKernels, type WasmKernelExports } from './wasm.js';

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
  /** The raw kernel exports, heap and dispatch, for benchmarks and tests of this package. */
  readonly wasm: { exports: WasmKernelExports; heap: WasmHeap; dispatch: Dispatch };
  /** Threads the kernels run on (the calling thread included); 1 means no workers. */
  readonly threads: number;
  /** Why fewer threads run than asked (e.g. 'auto' on a page that is not crossOriginIsolated), else null. */
  readonly threadsNote: string | null;
  /** The touch-ahead option and, under 'auto', each size class's choice so far (src/touch.ts). */
  readonly touchAhead: Pick<TouchAhead, 'option' | 'choices' | 'choiceFor'>;
}

/** How the pool splits calls: the `crossover` test option, and whether 'auto''s guard runs. */
export interface SplitOptions {
  /** Split every call of at least this many elements (testing), or null: the per-op crossovers. */
  crossover: number | null;
  /** Adapt to a busy machine (adapt.ts): the default for threads: 'auto'. */
  adaptive: boolean;
}

/** The instance, its heap and dispatch: the single-thread build, or the threaded one with a pool. */
async function start(
  threads: number,
  split: SplitOptions,
): Promise<{ exports: WasmKernelExports; heap: WasmHeap; dispatch: Dispatch }> {
  if (threads === 1) {
    const exports = await instantiateKernels();
    const heap = new WasmHeap(exports.memory, exports.heapBase(), exports.storeAheadBytes());
    return { exports, heap, dispatch: Dispatch.single(exports) };
  }
  const { module, memory, exports } = await instantiateSharedKernels();
  // each worker's scratch sits between the static data and the heap, outside its accounting
  const base = Math.ceil(exports.heapBase() / 64) * 64;
  const scratch = Array.from({ length: threads - 1 }, (_, i) => base + i * SCRATCH_BYTES);
  const heap = new WasmHeap(
    memory,
    base + (threads - 1) * SCRATCH_BYTES,
    exports.storeAheadBytes(),
  );
  // spinning only helps while every thread has a core of its own (decision 129)
  const spinMs = threads <= (await logicalCores()) ? SPIN_MS : 0;
  const dispatch = await Dispatch.pool(exports, module, memory, threads, scratch, isNode(), {
    spinMs,
    crossover: split.crossover,
    adaptive: split.adaptive ? new Adaptive() : null,
  });
  return { exports, heap, dispatch };
}

export async function createWasmSimdBackend(
  resolved: ResolvedThreads = { threads: 1, note: null },
  split: SplitOptions = { crossover: null, adaptive: false },
  touchOption: TouchAheadOption = 'auto',
): Promise<WasmSimdBackend> {
  const started = await start(resolved.threads, split);
  let exports: WasmKernelExports | null = started.exports;
  const { heap, dispatch } = started;
  const touchAhead = new TouchAhead(touchOption, (on) => dispatch.setTouchAhead(on));
  const readSync = <D extends DType>(buffer: unknown, dtype: D, size: number): HostArrayOf[D] =>
    viewOf(heap, buffer, dtype, size).slice() as HostArrayOf[D];
  const backend = {
    name: 'wasm-simd',
    kernels: touchAhead.wrap(createWasmKernels(exports, heap, dispatch)) as Partial<KernelSet>,
    threads: dispatch.threads,
    threadsNote: resolved.note,
    touchAhead,
    get wasm() {
      if (exports === null) throw new Error('wasm-simd: the backend was destroyed');
      return { exports, heap, dispatch };
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
    /** Terminates the workers and drops the module instance and its linear memory (the kernels close over them). */
    destroy() {
      dispatch.destroy();
      heap.destroy();
      backend.kernels = {};
      exports = null;
    },
  };
  return backend;
}

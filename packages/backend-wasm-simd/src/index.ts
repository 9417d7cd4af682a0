// @pointwise/backend-wasm-simd: every Pointwise op as WebAssembly 128-bit SIMD
// kernels on tensors in the module's linear memory. Needs wasm SIMD (no fallback:
// isAvailable says why not). `threads` (default 'auto') runs the kernels on a pool of
// workers sharing the module's memory. Usage:
//   const pw = await pointwise(wasmSimdBackend({ threads: 'auto' }));

import { type BackendFactory, PointwiseError } from '@pointwise/core';
import {
  checkCrossover,
  checkThreads,
  resolveThreads,
  sharedMemoryUnsupportedReason,
  type ThreadsOption,
} from './threads.js';
import { checkTouchAhead, type TouchAheadOption } from './touch.js';
import { simdUnsupportedReason } from './wasm.js';

export interface WasmSimdOptions {
  /**
   * Threads the kernels run on, the calling thread included: an integer >= 1, or 'auto'
   * (default): every core where shared memory is allowed (Node; a crossOriginIsolated
   * page), else 1, with the reason in `pw.backend.threadsNote`.
   */
  threads?: ThreadsOption;
  /**
   * For testing: split every call of at least this many elements over the pool, in
   * place of the per-op crossovers (2^18 elements for elu and Philox dropout, 2^20 for
   * the rest), in blocks as small as 256 elements; 0 splits every element-wise call, so
   * a test suite of small tensors runs the threaded paths. Reductions (parameter
   * gradients) still split only above one 32768-element chunk (their sums' order is
   * fixed by the size alone). Also turns off 'auto''s busy-machine fallback. Ignored
   * with one thread. An integer >= 0; default: the per-op crossovers.
   */
  crossover?: number;
  /**
   * Whether the memory-bound kernels (the relu family, clippedRelu, prelu, dropout
   * backward from a mask) load each output line 1 KiB ahead of their stores, so a store
   * that misses finds its line on the way: 'on', 'off', or 'auto' (default): per op,
   * direction and power-of-two size from 2^16 elements, the first calls run
   * alternately on and off, timed, and the faster is kept (`pw.backend.touchAhead.choices()`).
   * Which is faster depends on the CPU. Never changes a bit of any result.
   */
  touchAhead?: TouchAheadOption;
}

export function wasmSimdBackend(options: WasmSimdOptions = {}): BackendFactory {
  if (typeof options !== 'object' || options === null) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op: 'wasmSimdBackend', arg: 'options', value: options },
      'must be an object like { threads: 2 }',
    );
  }
  const threads = checkThreads(options.threads);
  const crossover = checkCrossover(options.crossover);
  const touchAhead = checkTouchAhead(options.touchAhead);
  return {
    name: 'wasm-simd',
    async isAvailable() {
      const reason =
        simdUnsupportedReason() ??
        (threads !== 'auto' && threads > 1 ? sharedMemoryUnsupportedReason() : null);
      return reason === null ? { available: true } : { available: false, reason };
    },
    async create() {
      const resolved = await resolveThreads(threads);
      const { createWasmSimdBackend } = await import('./backend.js');
      return createWasmSimdBackend(
        resolved,
        { crossover, adaptive: threads === 'auto' && crossover === null },
        touchAhead,
      );
    },
  };
}

/** The factory under the name every backend package exports (used by the conformance CLI). */
export const pointwiseBackend = wasmSimdBackend;
export type { WasmBuffer } from './heap.js';
export type { ThreadsOption } from './threads.js';
export type { TouchAheadOption } from './touch.js';

// @pointwise/backend-wasm-simd: every Pointwise op as WebAssembly 128-bit SIMD
// kernels on tensors in the module's linear memory. Needs wasm SIMD (no fallback:
// isAvailable says why not). `threads` (default 'auto') runs the kernels on a pool of
// workers sharing the module's memory. Usage:
//   const pw = await pointwise(wasmSimdBackend({ threads: 'auto' }));

import { type BackendFactory, PointwiseError } from '@pointwise/core';
import {
  checkThreads,
  resolveThreads,
  sharedMemoryUnsupportedReason,
  type ThreadsOption,
} from './threads.js';
import { simdUnsupportedReason } from './wasm.js';

export interface WasmSimdOptions {
  /**
   * Threads the kernels run on, the calling thread included: an integer >= 1, or 'auto'
   * (default): every core where shared memory is allowed (Node; a crossOriginIsolated
   * page), else 1, with the reason in `pw.backend.threadsNote`.
   */
  threads?: ThreadsOption;
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
      return createWasmSimdBackend(resolved);
    },
  };
}

/** The factory under the name every backend package exports (used by the conformance CLI). */
export const pointwiseBackend = wasmSimdBackend;
export type { WasmBuffer } from './heap.js';
export type { ThreadsOption } from './threads.js';

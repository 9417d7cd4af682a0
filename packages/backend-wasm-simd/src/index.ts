// @pointwise/backend-wasm-simd: every Pointwise op as WebAssembly 128-bit SIMD
// kernels on tensors in the module's linear memory. Needs wasm SIMD (no fallback:
// isAvailable says why not). Usage:
//   const pw = await pointwise(wasmSimdBackend());

import type { BackendFactory } from '@pointwise/core';
import { simdUnsupportedReason } from './wasm.js';

export function wasmSimdBackend(): BackendFactory {
  return {
    name: 'wasm-simd',
    async isAvailable() {
      const reason = simdUnsupportedReason();
      return reason === null ? { available: true } : { available: false, reason };
    },
    async create() {
      const { createWasmSimdBackend } = await import('./backend.js');
      return createWasmSimdBackend();
    },
  };
}

/** The factory under the name every backend package exports (used by the conformance CLI). */
export const pointwiseBackend = wasmSimdBackend;
export type { WasmBuffer } from './heap.js';

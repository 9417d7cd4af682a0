// Entry point of the wasm module: re-exports every kernel, one file per op family
// (the same names as backend-js/src/ops). Pointers are byte offsets into this
// module's own memory, which the host allocator manages from heapBase() upward
// (the kernels allocate nothing).

export * from './clippedRelu';
export * from './dropout';
export * from './elu';
export * from './leakyRelu';
export * from './prelu';
export * from './relu';
export * from './shiftedRelu';
export * from './thresholdedRelu';
export * from './update';

export { setTouchAhead } from './common';
import { STORE_AHEAD } from './common';
import { setEluScratch } from './elu';
import { setPhiloxScratch } from './philox';

/** Bytes of per-instance scratch a worker of the threaded build passes to useScratch. */
export const SCRATCH_BYTES: usize = 4096;

/**
 * Points this instance's scratch (elu's passes and per-call constants, Philox's round
 * keys) at a 64-byte aligned block of SCRATCH_BYTES. The main thread keeps the static
 * areas; every worker sharing the memory calls this once with its own heap block.
 */
export function useScratch(p: usize): void {
  setEluScratch(p);
  setPhiloxScratch(p + 3136);
}

/** Bytes the heap keeps past every block for the kernels' touchAhead (common.ts). */
export function storeAheadBytes(): usize {
  return STORE_AHEAD;
}

export function heapBase(): usize {
  return __heap_base;
}

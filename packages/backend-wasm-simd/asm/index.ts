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

export function heapBase(): usize {
  return __heap_base;
}

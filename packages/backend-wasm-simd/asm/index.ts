// Entry point of the wasm module: re-exports every kernel. Pointers are byte
// offsets into this module's own memory, which the host allocator manages from
// heapBase() upward (the kernels allocate nothing).

export * from './activations';
export * from './dropout';
export * from './elu';
export * from './prelu';

export function heapBase(): usize {
  return __heap_base;
}

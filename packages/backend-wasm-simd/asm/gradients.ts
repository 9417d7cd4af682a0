// Entry point of the in-place gradient module: the backward kernels of relu
// (thresholdBackward), relu6 (clippedReluBackward), leakyRelu and prelu, the same
// functions as asm/index.ts exports, compiled into a module that imports its memory
// and has no data segment, no static scratch and no stack: instantiating it on another
// program's WebAssembly.Memory (tfjs-wasm's heap) writes nothing there, and each call
// touches only the pointers it is given (outputs padded as src/heap.ts pads blocks).

export { clippedReluBackward } from './clippedRelu';
export { leakyReluBackward } from './leakyRelu';
export {
  preluBackward,
  preluBackwardDx,
  preluBackwardDxPeriodic,
  preluBackwardPeriodic,
  preluBackwardSum,
} from './prelu';
export { thresholdBackward } from './thresholdedRelu';

import { STORE_AHEAD } from './common';

/** Bytes past every output the kernels load ahead of their stores (asm/common.ts). */
export function storeAheadBytes(): usize {
  return STORE_AHEAD;
}

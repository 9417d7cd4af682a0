// Entry point of the in-place module: the backward kernels of relu (thresholdBackward,
// asm/thresholdedRelu.ts), relu6 (clippedReluBackward), leakyRelu and prelu (with
// dslope: the dx-only prelu kernels are left out), and leakyRelu's forward (tfjs-wasm's
// own is a scalar C loop): the same functions as asm/index.ts exports, compiled into a
// module that imports its memory and has no data segment, no static scratch and no
// stack: instantiating it on another program's WebAssembly.Memory (tfjs-wasm's heap)
// writes nothing there, and each call touches only the pointers it is given (outputs
// padded as src/heap.ts pads blocks). Kept under 4 KiB, so that it compiles
// synchronously on a browser's main thread (test/gradients.test.ts).

export { clippedReluBackward } from './clippedRelu';
export { leakyReluBackward, leakyReluForward } from './leakyRelu';
export {
  preluBackward,
  preluBackwardPeriodic,
  preluBackwardSum,
} from './prelu';
export { thresholdBackward } from './thresholdedRelu';

import { STORE_AHEAD } from './common';

/** Bytes past every output the kernels load ahead of their stores (asm/common.ts). */
export function storeAheadBytes(): usize {
  return STORE_AHEAD;
}

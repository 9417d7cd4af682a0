// The wasm backend's kernel registry: one entry per op, each from ops/<op>.ts (the same files as backend-js),
// bound to one instance's exports, heap and dispatch (calling thread or worker pool).

import type { KernelSet } from '@pointwise/core';
import type { WasmHeap } from './heap.js';
import { clippedReluKernel } from './ops/clippedRelu.js';
import { dropoutKernel } from './ops/dropout.js';
import { eluKernel } from './ops/elu.js';
import { leakyReluKernel } from './ops/leakyRelu.js';
import { preluKernel } from './ops/prelu.js';
import { reluKernel } from './ops/relu.js';
import { shiftedReluKernel } from './ops/shiftedRelu.js';
import { sparseDropoutKernel } from './ops/sparseDropout.js';
import { thresholdedReluKernel } from './ops/thresholdedRelu.js';
import { updateKernel } from './ops/update.js';
import type { Dispatch } from './pool.js';
import type { WasmKernelExports } from './wasm.js';

export function createWasmKernels(k: WasmKernelExports, heap: WasmHeap, d: Dispatch): KernelSet {
  return {
    relu: reluKernel(k, d),
    leakyRelu: leakyReluKernel(k, d),
    prelu: preluKernel(k, heap, d),
    thresholdedRelu: thresholdedReluKernel(k, d),
    shiftedRelu: shiftedReluKernel(k, heap, d),
    clippedRelu: clippedReluKernel(k, heap, d),
    elu: eluKernel(k, d),
    dropout: dropoutKernel(k, heap, d),
    sparseDropout: sparseDropoutKernel(k, heap, d),
    update: updateKernel(k, heap),
  };
}

// The wasm backend's kernel registry: one entry per op, each from ops/<op>.ts (the same files as backend-js),
// bound to one instance's exports and heap.

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
import type { WasmKernelExports } from './wasm.js';

export function createWasmKernels(k: WasmKernelExports, heap: WasmHeap): KernelSet {
  return {
    relu: reluKernel(k),
    leakyRelu: leakyReluKernel(k),
    prelu: preluKernel(k, heap),
    thresholdedRelu: thresholdedReluKernel(k),
    shiftedRelu: shiftedReluKernel(k, heap),
    clippedRelu: clippedReluKernel(k, heap),
    elu: eluKernel(k),
    dropout: dropoutKernel(k, heap),
    sparseDropout: sparseDropoutKernel(k, heap),
  };
}

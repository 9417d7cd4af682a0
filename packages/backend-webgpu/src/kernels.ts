// The webgpu kernel registry: one entry per op, each built on the device it runs on.

import type { KernelSet } from '@pointwise/core';
import type { WebGpuDevice } from './backend.js';
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

export function webgpuKernels(dev: WebGpuDevice): KernelSet {
  return {
    relu: reluKernel(dev),
    leakyRelu: leakyReluKernel(dev),
    prelu: preluKernel(dev),
    thresholdedRelu: thresholdedReluKernel(dev),
    shiftedRelu: shiftedReluKernel(dev),
    clippedRelu: clippedReluKernel(dev),
    elu: eluKernel(dev),
    dropout: dropoutKernel(dev),
    sparseDropout: sparseDropoutKernel(dev),
    update: updateKernel(dev),
  };
}

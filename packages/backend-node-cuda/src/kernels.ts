// The node-cuda kernel registry: one entry per op, each from ops/<op>.ts.
import type { KernelSet } from '@pointwise/core';
import type { CudaContext } from './context.js';
import { clippedRelu } from './ops/clippedRelu.js';
import { dropout } from './ops/dropout.js';
import { elu } from './ops/elu.js';
import { leakyRelu } from './ops/leakyRelu.js';
import { prelu } from './ops/prelu.js';
import { relu } from './ops/relu.js';
import { shiftedRelu } from './ops/shiftedRelu.js';
import { sparseDropout } from './ops/sparseDropout.js';
import { thresholdedRelu } from './ops/thresholdedRelu.js';
import { update } from './ops/update.js';

export function createCudaKernels(ctx: CudaContext): KernelSet {
  return {
    relu: relu(ctx),
    leakyRelu: leakyRelu(ctx),
    prelu: prelu(ctx),
    thresholdedRelu: thresholdedRelu(ctx),
    shiftedRelu: shiftedRelu(ctx),
    clippedRelu: clippedRelu(ctx),
    elu: elu(ctx),
    dropout: dropout(ctx),
    sparseDropout: sparseDropout(ctx),
    update: update(ctx),
  };
}

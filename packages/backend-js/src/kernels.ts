// The js backend's kernel registry: one entry per op, each from ops/<op>.ts.

import type { KernelSet } from '@pointwise/core';
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

export const jsKernels: KernelSet = {
  relu,
  leakyRelu,
  prelu,
  thresholdedRelu,
  shiftedRelu,
  clippedRelu,
  elu,
  dropout,
  sparseDropout,
  update,
};

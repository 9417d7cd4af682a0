// The kernel tables: tfjs built-ins Pointwise replaces, and Pointwise's own new ones.

import { clipByValueOverride, clippedReluGrad, relu6Override } from './clip.js';
import type { NewKernel, Override } from './common.js';
import { dropout, dropoutGrad } from './dropout.js';
import { eluAlpha, eluAlphaGrad, eluGradOverride, eluOverride } from './elu.js';
import { fusedConv2DOverride, fusedMatMulOverride } from './fused.js';
import { leakyReluGrad, leakyReluOverride } from './leakyRelu.js';
import { pact, pactGrad } from './pact.js';
import { preluGrad, preluOverride } from './prelu.js';
import { reluGrad, reluOverride, stepOverride } from './relu.js';
import { shiftedRelu, shiftedReluGrad } from './shiftedRelu.js';
import { sparseDropout } from './sparseDropout.js';
import { thresholdedRelu, thresholdedReluGrad } from './thresholdedRelu.js';

export const OVERRIDES: readonly Override[] = [
  reluOverride,
  relu6Override,
  leakyReluOverride,
  preluOverride,
  eluOverride,
  eluGradOverride,
  stepOverride,
  clipByValueOverride,
  fusedMatMulOverride,
  fusedConv2DOverride,
];

export const NEW_KERNELS: NewKernel[] = [
  reluGrad,
  clippedReluGrad,
  leakyReluGrad,
  preluGrad,
  eluAlpha,
  eluAlphaGrad,
  shiftedRelu,
  shiftedReluGrad,
  pact,
  pactGrad,
  thresholdedRelu,
  thresholdedReluGrad,
  dropout,
  dropoutGrad,
  sparseDropout,
];

// The kernel tables: tfjs built-ins Pointwise replaces, and Pointwise's own new ones.

import { clipByValueOverride, clippedReluGrad, relu6Override } from './clip.js';
import type { NewKernel, Override } from './common.js';
import { eluAlpha, eluAlphaGrad, eluGradOverride, eluOverride } from './elu.js';
import { leakyReluGrad, leakyReluOverride } from './leakyRelu.js';
import { preluGrad, preluOverride } from './prelu.js';
import { reluGrad, reluOverride, stepOverride } from './relu.js';

export const OVERRIDES: readonly Override[] = [
  reluOverride,
  relu6Override,
  leakyReluOverride,
  preluOverride,
  eluOverride,
  eluGradOverride,
  stepOverride,
  clipByValueOverride,
];

export const NEW_KERNELS: NewKernel[] = [
  reluGrad,
  clippedReluGrad,
  leakyReluGrad,
  preluGrad,
  eluAlpha,
  eluAlphaGrad,
];

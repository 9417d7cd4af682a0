// LeakyRelu: Pointwise's leakyRelu with tfjs's alpha attr (rounded to float32 once);
// int32 input (which tfjs turns into float32 output) goes to tfjs's kernel.
// PointwiseLeakyReluGrad: x > 0 ? dy : alpha * dy, one pass.

import { alphaForward, alphaGrad } from './alpha.js';
import { type NewKernel, type Override, unaryFloat } from './common.js';

export const leakyReluOverride: Override = {
  kernelName: 'LeakyRelu',
  make: (original) => unaryFloat('LeakyRelu', original, alphaForward('leakyRelu')),
};

export const leakyReluGrad: NewKernel = alphaGrad('PointwiseLeakyReluGrad', 'leakyRelu');

// LeakyRelu: Pointwise's leakyRelu with tfjs's alpha attr (rounded to float32 once);
// int32 input (which tfjs turns into float32 output) goes to tfjs's kernel.
// PointwiseLeakyReluGrad: x > 0 ? dy : alpha * dy, one pass.

import { jsKernels } from '@pointwise/backend-js';
import { f32, gradFloat, type NewKernel, type Override, unaryFloat } from './common.js';

export const leakyReluOverride: Override = {
  kernelName: 'LeakyRelu',
  make: (original) =>
    unaryFloat('LeakyRelu', original, (x, y, size, attrs) =>
      jsKernels.leakyRelu.forward({ x, y, size, params: { alpha: f32(Number(attrs.alpha)) } }),
    ),
};

export const leakyReluGrad: NewKernel = gradFloat(
  'PointwiseLeakyReluGrad',
  'x',
  (dy, x, dx, size, attrs) =>
    jsKernels.leakyRelu.backward({
      dy,
      source: x,
      from: 'x',
      dx,
      size,
      params: { alpha: f32(Number(attrs.alpha)) },
    }),
);

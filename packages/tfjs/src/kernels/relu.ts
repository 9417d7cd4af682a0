// Relu and Step: tfjs's Relu kernel runs Pointwise's relu (relu(-0) = +0, NaN
// payloads pass), the new PointwiseReluGrad is relu's one-pass backward
// (`x <= 0 ? +0 : dy`, selected, never dy * step(x)), and Step (tfjs's kernel behind
// its own relu gradient) keeps tfjs's meaning: x > 0 ? 1 : alpha, NaN for NaN.

import { jsKernels } from '@pointwise/backend-js';
import { f32, gradFloat, type NewKernel, type Override, unaryFloat } from './common.js';

const NO_PARAMS = {} as Record<string, never>;

export const reluOverride: Override = {
  kernelName: 'Relu',
  make: (original) =>
    unaryFloat('Relu', original, (x, y, size) =>
      jsKernels.relu.forward({ x, y, size, params: NO_PARAMS }),
    ),
};

export const stepOverride: Override = {
  kernelName: 'Step',
  make: (original) =>
    unaryFloat('Step', original, (x, y, size, attrs) => {
      const a = f32(Number(attrs.alpha ?? 0));
      for (let i = 0; i < size; i++) {
        const v = x[i]!;
        y[i] = v > 0 ? 1 : v <= 0 ? a : v;
      }
    }),
};

export const reluGrad: NewKernel = gradFloat('PointwiseReluGrad', 'x', (dy, x, dx, size) =>
  jsKernels.relu.backward({ dy, source: x, from: 'x', dx, size, params: NO_PARAMS }),
);

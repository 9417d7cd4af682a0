// Relu6 and ClipByValue: Relu6 is Pointwise's clippedRelu with ceiling 6; ClipByValue
// with a lower bound of 0 is clippedRelu at the upper bound (relu's +0 for -0), any
// other range a select that lets NaN through (the contract's Clip(NaN) = NaN).
// PointwiseClippedReluGrad is relu6's backward: (x <= 0 or x >= c) ? +0 : dy.

import { jsKernels } from '@pointwise/backend-js';
import { f32, gradFloat, type NewKernel, type Override, unaryFloat } from './common.js';

export const relu6Override: Override = {
  kernelName: 'Relu6',
  make: (original) =>
    unaryFloat('Relu6', original, (x, y, size) =>
      jsKernels.clippedRelu.forward({ x, y, size, params: { ceiling: 6, ceilingBuffer: null } }),
    ),
};

export const clipByValueOverride: Override = {
  kernelName: 'ClipByValue',
  make: (original) =>
    unaryFloat('ClipByValue', original, (x, y, size, attrs) => {
      const lo = f32(Number(attrs.clipValueMin));
      const hi = f32(Number(attrs.clipValueMax));
      if (lo === 0 && hi > 0) {
        jsKernels.clippedRelu.forward({ x, y, size, params: { ceiling: hi, ceilingBuffer: null } });
        return;
      }
      for (let i = 0; i < size; i++) {
        const v = x[i]!;
        y[i] = v < lo ? lo : v > hi ? hi : v;
      }
    }),
};

export const clippedReluGrad: NewKernel = gradFloat(
  'PointwiseClippedReluGrad',
  'x',
  (dy, x, dx, size, attrs) =>
    jsKernels.clippedRelu.backward({
      dy,
      source: x,
      from: 'x',
      dx,
      size,
      params: { ceiling: f32(Number(attrs.ceiling)), ceilingBuffer: null },
      dceiling: null,
    }),
);

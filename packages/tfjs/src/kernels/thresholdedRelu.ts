// thresholdedRelu (ONNX / Caffe2: x <= alpha ? +0 : x) as one tfjs kernel, where
// tfjs-layers composes Greater + Cast + Mul; PointwiseThresholdedReluGrad is its
// backward from x (x <= alpha ? +0 : dy).

import { jsKernels } from '@pointwise/backend-js';
import { f32, gradFloat, type NewKernel, unaryFloat } from './common.js';
import { refuseNonFloat } from './refuse.js';

export const thresholdedRelu: NewKernel = {
  kernelName: 'PointwiseThresholdedRelu',
  kernelFunc: unaryFloat(
    'PointwiseThresholdedRelu',
    refuseNonFloat('thresholdedRelu'),
    (x, y, size, attrs) =>
      jsKernels.thresholdedRelu.forward({
        x,
        y,
        size,
        params: { alpha: f32(Number(attrs.alpha)) },
      }),
  ),
};

export const thresholdedReluGrad: NewKernel = gradFloat(
  'PointwiseThresholdedReluGrad',
  'x',
  (dy, x, dx, size, attrs) =>
    jsKernels.thresholdedRelu.backward({
      dy,
      source: x,
      from: 'x',
      dx,
      size,
      params: { alpha: f32(Number(attrs.alpha)) },
    }),
);

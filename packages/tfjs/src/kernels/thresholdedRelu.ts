// thresholdedRelu (ONNX / Caffe2: x <= alpha ? +0 : x) as one tfjs kernel, where
// tfjs-layers composes Greater + Cast + Mul; PointwiseThresholdedReluGrad is its
// backward from x (x <= alpha ? +0 : dy).

import { alphaForward, alphaGrad } from './alpha.js';
import { type NewKernel, unaryFloat } from './common.js';
import { refuseNonFloat } from './refuse.js';

export const thresholdedRelu: NewKernel = {
  kernelName: 'PointwiseThresholdedRelu',
  kernelFunc: unaryFloat(
    'PointwiseThresholdedRelu',
    refuseNonFloat('thresholdedRelu'),
    alphaForward('thresholdedRelu'),
  ),
};

export const thresholdedReluGrad: NewKernel = alphaGrad(
  'PointwiseThresholdedReluGrad',
  'thresholdedRelu',
);

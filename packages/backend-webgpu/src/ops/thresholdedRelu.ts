// thresholdedRelu (Caffe2 / ONNX): y = x <= alpha ? +0 : x, dx = x <= alpha ? +0 : dy
// (from x, or from y when alpha >= 0). Pure bit-pattern comparisons: exact everywhere.

import type { ActivationKernel, AlphaParams } from '@pointwise/core';
import type { WebGpuBuffer, WebGpuDevice } from '../backend.js';
import { runElementwise } from './elementwise.js';
import { bitsOf } from './wgsl.js';

const FORWARD = `fn f(x: u32, gi: u32) -> u32 { if (f_le(x, P0())) { return 0u; } return x; }`;
const BACKWARD = `fn f(dy: u32, s: u32, gi: u32) -> u32 { if (f_le(s, P0())) { return 0u; } return dy; }`;

export function thresholdedReluKernel(dev: WebGpuDevice): ActivationKernel<AlphaParams> {
  return {
    forward({ x, y, size, params }) {
      runElementwise(
        dev,
        'thresholdedRelu',
        'thresholdedRelu/f',
        FORWARD,
        size,
        [x as WebGpuBuffer],
        y as WebGpuBuffer,
        [bitsOf(params.alpha)],
      );
    },
    backward({ dy, source, dx, size, params }) {
      runElementwise(
        dev,
        'thresholdedReluBackward',
        'thresholdedRelu/b',
        BACKWARD,
        size,
        [dy as WebGpuBuffer, source as WebGpuBuffer],
        dx as WebGpuBuffer,
        [bitsOf(params.alpha)],
      );
    },
  };
}

// leakyRelu: y = x < 0 ? alpha*x : x, dx = x > 0 ? dy : alpha*dy (from x, or from y
// when alpha > 0: the sign of y is the sign of x). Selects on bit patterns; the
// products through mul_exact, so subnormal operands and results are exact too.

import type { ActivationKernel, AlphaParams } from '@pointwise/core';
import type { WebGpuBuffer, WebGpuDevice } from '../backend.js';
import { runElementwise } from './elementwise.js';
import { bitsOf } from './wgsl.js';

const FORWARD = `fn f(x: u32, gi: u32) -> u32 { if (f_lt(x, 0u)) { return mul_exact(P0(), x); } return x; }`;
const BACKWARD = `fn f(dy: u32, s: u32, gi: u32) -> u32 { if (f_gt(s, 0u)) { return dy; } return mul_exact(P0(), dy); }`;

export function leakyReluKernel(dev: WebGpuDevice): ActivationKernel<AlphaParams> {
  return {
    forward({ x, y, size, params }) {
      runElementwise(
        dev,
        'leakyRelu',
        'leakyRelu/f',
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
        'leakyReluBackward',
        'leakyRelu/b',
        BACKWARD,
        size,
        [dy as WebGpuBuffer, source as WebGpuBuffer],
        dx as WebGpuBuffer,
        [bitsOf(params.alpha)],
      );
    },
  };
}

// relu on bit patterns: y = x <= 0 ? +0 : x (NaN passes), dx = x <= 0 ? +0 : dy,
// from x or y alike. No float operation touches the data, so it is exact on any
// device (flushing, NaN-dropping or sign-of-zero-ignoring).

import type { ActivationKernel, NoParams } from '@pointwise/core';
import type { WebGpuBuffer, WebGpuDevice } from '../backend.js';
import { runElementwise } from './elementwise.js';

const FORWARD = `fn f(x: u32, gi: u32) -> u32 { if (f_le(x, 0u)) { return 0u; } return x; }`;
const BACKWARD = `fn f(dy: u32, s: u32, gi: u32) -> u32 { if (f_le(s, 0u)) { return 0u; } return dy; }`;

export function reluKernel(dev: WebGpuDevice): ActivationKernel<NoParams> {
  return {
    forward({ x, y, size }) {
      runElementwise(
        dev,
        'relu',
        'relu/f',
        FORWARD,
        size,
        [x as WebGpuBuffer],
        y as WebGpuBuffer,
        [],
      );
    },
    backward({ dy, source, dx, size }) {
      runElementwise(
        dev,
        'reluBackward',
        'relu/b',
        BACKWARD,
        size,
        [dy as WebGpuBuffer, source as WebGpuBuffer],
        dx as WebGpuBuffer,
        [],
      );
    },
  };
}

// shiftedRelu dispatch (cuda/shiftedRelu.cu): forward; backward from x or y, with the
// dthreshold sum (-(sum of passed dy)) by the fixed tree when asked. Core's kernel
// interface for shiftedRelu has not landed yet: the call shape below is SPEC's (params
// { threshold }, an optional dthreshold buffer), registered once core defines it.
import type { ActivationBackwardCall, ActivationForwardCall } from '@pointwise/core';
import { type CudaContext, launch, launchWithSum, ptr, tiles } from '../context.js';

export interface ThresholdParams {
  /** float32-rounded threshold t. */
  threshold: number;
}

export interface ShiftedReluKernel {
  forward(call: ActivationForwardCall<ThresholdParams>): void;
  backward(call: ActivationBackwardCall<ThresholdParams> & { dthreshold: unknown | null }): void;
}

export function shiftedRelu(ctx: CudaContext): ShiftedReluKernel {
  return {
    forward({ x, y, size, params }) {
      launch(ctx, 'pw_shifted_relu_forward', tiles(size), [ptr(x), ptr(y), size, params.threshold]);
    },
    backward({ dy, source, from, dx, size, params, dthreshold }) {
      const limit = from === 'y' ? 0 : params.threshold;
      const args = [ptr(dy), ptr(source), ptr(dx), size, limit];
      if (dthreshold === null || dthreshold === undefined) {
        launch(ctx, 'pw_shifted_relu_backward', tiles(size), args);
      } else {
        launchWithSum(ctx, 'pw_shifted_relu_backward_sum', tiles(size), args, ptr(dthreshold));
      }
    },
  };
}

// thresholdedRelu dispatch (cuda/thresholdedRelu.cu); backward from y uses the same rule.
import type { ActivationKernel, AlphaParams } from '@pointwise/core';
import { type CudaContext, launch, ptr, tiles } from '../context.js';

export function thresholdedRelu(ctx: CudaContext): ActivationKernel<AlphaParams> {
  return {
    forward({ x, y, size, params }) {
      launch(ctx, 'pw_thresholded_relu_forward', tiles(size), [ptr(x), ptr(y), size, params.alpha]);
    },
    backward({ dy, source, dx, size, params }) {
      launch(ctx, 'pw_thresholded_relu_backward', tiles(size), [
        ptr(dy),
        ptr(source),
        ptr(dx),
        size,
        params.alpha,
      ]);
    },
  };
}

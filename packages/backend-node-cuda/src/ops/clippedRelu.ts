// clippedRelu dispatch (cuda/clippedRelu.cu): backward with dceiling runs the summing
// variant (one double partial per tile) and the final pass; without it, the plain kernel.
import type { ClippedReluKernel } from '@pointwise/core';
import { type CudaContext, launch, launchWithSum, ptr, tiles } from '../context.js';

export function clippedRelu(ctx: CudaContext): ClippedReluKernel {
  return {
    forward({ x, y, size, params }) {
      launch(ctx, 'pw_clipped_relu_forward', tiles(size), [ptr(x), ptr(y), size, params.ceiling]);
    },
    backward({ dy, source, dx, size, params, dceiling }) {
      const args = [ptr(dy), ptr(source), ptr(dx), size, params.ceiling];
      if (dceiling === null) launch(ctx, 'pw_clipped_relu_backward', tiles(size), args);
      else launchWithSum(ctx, 'pw_clipped_relu_backward_sum', tiles(size), args, ptr(dceiling));
    },
  };
}

// clippedRelu dispatch (cuda/clippedRelu.cu): backward with dceiling runs the summing
// variant (one double partial per tile) and the final pass; without it, the plain kernel.
// A device ceiling goes in as a pointer the kernel reads (null: the f32 argument).
import type { CeilingParams, ClippedReluKernel } from '@pointwise/core';
import { type CudaContext, launch, launchWithSum, ptr, tiles } from '../context.js';

function cp(p: CeilingParams): bigint {
  return p.ceilingBuffer === null ? 0n : ptr(p.ceilingBuffer);
}

export function clippedRelu(ctx: CudaContext): ClippedReluKernel {
  return {
    forward({ x, y, size, params }) {
      launch(ctx, 'pw_clipped_relu_forward', tiles(size), [
        ptr(x),
        ptr(y),
        size,
        params.ceiling,
        cp(params),
      ]);
    },
    backward({ dy, source, dx, size, params, dceiling }) {
      const args = [ptr(dy), ptr(source), ptr(dx), size, params.ceiling, cp(params)];
      if (dceiling === null) launch(ctx, 'pw_clipped_relu_backward', tiles(size), args);
      else launchWithSum(ctx, 'pw_clipped_relu_backward_sum', tiles(size), args, ptr(dceiling));
    },
  };
}

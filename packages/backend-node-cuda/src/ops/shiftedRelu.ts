// shiftedRelu dispatch (cuda/shiftedRelu.cu): forward; backward from x or y, with the
// dthreshold sum (-(sum of passed dy)) by the fixed tree, or dx only with dthreshold
// null (`paramGrad: false`). From y the pass test is y > 0, which holds exactly where
// x > t. A device threshold goes in as a pointer the kernel reads (null: the f32
// argument); from y it is not needed.
import type { ShiftedReluKernel, ThresholdParams } from '@pointwise/core';
import { type CudaContext, launch, launchWithSum, ptr, tiles } from '../context.js';

function tp(p: ThresholdParams): bigint {
  return p.thresholdBuffer === null ? 0n : ptr(p.thresholdBuffer);
}

export function shiftedRelu(ctx: CudaContext): ShiftedReluKernel {
  return {
    forward({ x, y, size, params }) {
      launch(ctx, 'pw_shifted_relu_forward', tiles(size), [
        ptr(x),
        ptr(y),
        size,
        params.threshold,
        tp(params),
      ]);
    },
    backward({ dy, source, from, dx, size, params, dthreshold }) {
      const limit = from === 'y' ? 0 : params.threshold;
      const args = [ptr(dy), ptr(source), ptr(dx), size, limit, from === 'y' ? 0n : tp(params)];
      if (dthreshold === null) launch(ctx, 'pw_shifted_relu_backward', tiles(size), args);
      else launchWithSum(ctx, 'pw_shifted_relu_backward_sum', tiles(size), args, ptr(dthreshold));
    },
  };
}

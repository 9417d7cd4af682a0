// elu dispatch (cuda/elu.cu): forward, and backward from x or from y (a kernel flag).
import type { ActivationKernel, AlphaParams } from '@pointwise/core';
import { type CudaContext, launch, ptr, tiles } from '../context.js';

export function elu(ctx: CudaContext): ActivationKernel<AlphaParams> {
  return {
    forward({ x, y, size, params }) {
      launch(ctx, 'pw_elu_forward', tiles(size), [ptr(x), ptr(y), size, params.alpha]);
    },
    backward({ dy, source, from, dx, size, params }) {
      launch(ctx, 'pw_elu_backward', tiles(size), [
        ptr(dy),
        ptr(source),
        ptr(dx),
        size,
        params.alpha,
        from === 'y' ? 1 : 0,
      ]);
    },
  };
}

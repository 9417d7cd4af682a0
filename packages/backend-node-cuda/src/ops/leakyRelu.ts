// leakyRelu dispatch (cuda/leakyRelu.cu); backward from y uses the same rule (alpha > 0).
import type { ActivationKernel, AlphaParams } from '@pointwise/core';
import { type CudaContext, launch, ptr, tiles } from '../context.js';

export function leakyRelu(ctx: CudaContext): ActivationKernel<AlphaParams> {
  return {
    forward({ x, y, size, params }) {
      launch(ctx, 'pw_leaky_relu_forward', tiles(size), [ptr(x), ptr(y), size, params.alpha]);
    },
    backward({ dy, source, dx, size, params }) {
      launch(ctx, 'pw_leaky_relu_backward', tiles(size), [
        ptr(dy),
        ptr(source),
        ptr(dx),
        size,
        params.alpha,
      ]);
    },
  };
}

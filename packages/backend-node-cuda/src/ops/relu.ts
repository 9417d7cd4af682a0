// relu dispatch: one element-wise kernel each way (cuda/relu.cu); backward is the same
// kernel from x or y.
import type { ActivationKernel, NoParams } from '@pointwise/core';
import { type CudaContext, launch, ptr, tiles } from '../context.js';

export function relu(ctx: CudaContext): ActivationKernel<NoParams> {
  return {
    forward({ x, y, size }) {
      launch(ctx, 'pw_relu_forward', tiles(size), [ptr(x), ptr(y), size]);
    },
    backward({ dy, source, dx, size }) {
      launch(ctx, 'pw_relu_backward', tiles(size), [ptr(dy), ptr(source), ptr(dx), size]);
    },
  };
}

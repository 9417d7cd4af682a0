// prelu dispatch (cuda/prelu.cu): a (channel, chunk) grid, chunks of 4096 of a channel's
// elements, so each block has one slope and backward's dslope partials are per channel;
// the final pass reduces each channel's chunks in a fixed order. With dslope null
// (`paramGrad: false`) the dx-only kernel runs alone: no partials, no final pass.
import type { PreluKernel } from '@pointwise/core';
import { type CudaContext, launch, launchWithSum, ptr, tiles } from '../context.js';

function grid(size: number, channels: number): { chunks: number; blocks: number } {
  const chunks = tiles(size / channels);
  return { chunks, blocks: chunks * channels };
}

export function prelu(ctx: CudaContext): PreluKernel {
  return {
    forward({ x, y, size, params }) {
      const { chunks, blocks } = grid(size, params.channels);
      launch(ctx, 'pw_prelu_forward', blocks, [
        ptr(x),
        ptr(y),
        ptr(params.slope),
        size,
        params.channels,
        params.inner,
        chunks,
      ]);
    },
    backward({ dy, source, dx, size, params, dslope }) {
      const { chunks, blocks } = grid(size, params.channels);
      const args = [
        ptr(dy),
        ptr(source),
        ptr(dx),
        ptr(params.slope),
        size,
        params.channels,
        params.inner,
        chunks,
      ];
      if (dslope === null) launch(ctx, 'pw_prelu_backward', blocks, args);
      else launchWithSum(ctx, 'pw_prelu_backward_sum', blocks, args, ptr(dslope), params.channels);
    },
  };
}

// Dense dropout dispatch (cuda/dropout.cu): forward writes y and the mask when asked;
// backward reads the mask or regenerates it, and sums dreplacement with the fixed tree;
// with dreplacement null (`paramGrad: false`) the dx-only kernel runs alone.
import type { DropoutKernel, DropoutParams } from '@pointwise/core';
import { type CudaContext, launch, launchWithSum, ptr, tiles } from '../context.js';

function drawArgs(p: DropoutParams): number[] {
  return [p.threshold, p.seedLo, p.seedHi, p.streamLo, p.streamHi];
}

export function dropout(ctx: CudaContext): DropoutKernel {
  return {
    forward({ x, y, mask, size, params }) {
      launch(ctx, 'pw_dropout_forward', tiles(size), [
        ptr(x),
        ptr(y),
        mask === null ? 0n : ptr(mask),
        size,
        ...drawArgs(params),
        params.scale === null ? 0 : 1,
        params.scale ?? 1,
        params.replacement,
        params.replacementBuffer === null ? 0n : ptr(params.replacementBuffer),
      ]);
    },
    backward({ dy, mask, dx, dreplacement, size, params }) {
      const args = [
        ptr(dy),
        mask === null ? 0n : ptr(mask),
        ptr(dx),
        size,
        ...drawArgs(params),
        params.scale === null ? 0 : 1,
        params.scale ?? 1,
      ];
      if (dreplacement === null) launch(ctx, 'pw_dropout_backward', tiles(size), args);
      else launchWithSum(ctx, 'pw_dropout_backward_sum', tiles(size), args, ptr(dreplacement));
    },
  };
}

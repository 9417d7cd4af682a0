// Sparse dropout dispatch (cuda/sparseDropout.cu): decide + block totals, a one-block scan
// of the totals, per-segment offsets, a 16-byte read of the output total (the output size
// depends on the draw), then the scatter. Ids travel as opaque 32- or 64-bit words.
import type { SparseDropoutKernel } from '@pointwise/core';
import { type CudaContext, launch, ptr, temp } from '../context.js';
import { SEGMENTS_PER_BLOCK, tiles } from '../kernels-table.js';
import type { CudaBuffer } from '../pool.js';

export function sparseDropout(ctx: CudaContext): SparseDropoutKernel {
  return {
    async forward(call) {
      const op = 'sparseDropoutWithReplacement';
      const segments = call.segments;
      const lengths = call.alloc('int32', segments);
      if (segments === 0) {
        return { values: call.alloc(call.valuesDtype, 0), valuesSize: 0, lengths };
      }
      const p = call.params;
      const blocks = Math.ceil(segments / SEGMENTS_PER_BLOCK);
      const temps: CudaBuffer[] = [];
      const scratch = (bytes: number) => {
        const b = temp(ctx, bytes, op);
        temps.push(b);
        return b.ptr;
      };
      try {
        const keep = scratch(segments);
        const blockSums = scratch(blocks * 16);
        const totals = scratch(16);
        const inOff = scratch(segments * 8);
        const outOff = scratch(segments * 8);
        const draw = [p.threshold, p.seedLo, p.seedHi, p.streamLo, p.streamHi];
        launch(ctx, 'pw_sparse_decide', blocks, [
          ptr(call.lengths),
          segments,
          ...draw,
          keep,
          ptr(lengths),
          blockSums,
        ]);
        launch(ctx, 'pw_sparse_scan_blocks', 1, [blockSums, blocks, totals]);
        launch(ctx, 'pw_sparse_offsets', blocks, [
          ptr(call.lengths),
          ptr(lengths),
          blockSums,
          segments,
          inOff,
          outOff,
        ]);
        const sums = new BigUint64Array(2);
        await ctx.device.download(totals, new Uint8Array(sums.buffer));
        const total = Number(sums[1]);
        const values = call.alloc(call.valuesDtype, total);
        const wide = call.valuesDtype === 'int64';
        launch(ctx, wide ? 'pw_sparse_scatter64' : 'pw_sparse_scatter32', tiles(total), [
          ptr(call.values),
          inOff,
          outOff,
          keep,
          segments,
          total,
          wide ? BigInt.asUintN(64, p.replacement) : Number(BigInt.asUintN(32, p.replacement)),
          ptr(values),
        ]);
        return { values, valuesSize: total, lengths };
      } finally {
        for (const b of temps) ctx.pool.free(b);
      }
    },
  };
}

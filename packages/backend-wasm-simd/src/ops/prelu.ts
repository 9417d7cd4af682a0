// prelu on the wasm backend. The host picks the kernel layout: for short channel
// runs (inner < 16, e.g. channels last) the periodic kernels, which load four slopes
// per vector from a one-period table (or, for a period dividing 16, hold the four slope
// vectors in registers: preluForward16); otherwise the run kernels, which splat one
// slope per run. Scratch (the table, float64 dslope sums) is borrowed from the heap
// for the call. One channel (a single slope) splits over the worker pool like the
// other ops, dslope summed per fixed chunk; several channels run on the calling thread.
// paramGrad: false (dslope null) runs dx-only kernels: no sums, no float64 scratch.

import type { PreluKernel } from '@pointwise/core';
import { ptr, type WasmBuffer, type WasmHeap } from '../heap.js';
import { CHUNK, type Dispatch, N, STREAM_MIN } from '../pool.js';
import type { WasmKernelExports } from '../wasm.js';

const XY = [4, 4, N, 0, 0, 0];
const BACK = [4, 4, 4, N, 0];

/** Runs shorter than this many elements use the periodic kernels. */
const SHORT_RUN = 16;

/**
 * The periodic layout's table length (channels*inner widened to a multiple of 4),
 * or 0 when the run layout is the better one (one channel, long runs, or a period
 * longer than the tensor, where building the table would cost more than it saves).
 */
function slopePeriod(
  { channels, inner }: { channels: number; inner: number },
  size: number,
): number {
  if (channels === 1 || inner >= SHORT_RUN) return 0;
  const period = channels * inner;
  const q = period * (4 / gcd(period, 4));
  return q <= size ? q : 0;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

export function preluKernel(k: WasmKernelExports, heap: WasmHeap, d: Dispatch): PreluKernel {
  /** paramGrad: false: dx with the same selects and products, no dslope sums. */
  function dxOnly(
    dy: unknown,
    x: unknown,
    dx: unknown,
    size: number,
    params: { slope: unknown; channels: number; inner: number },
    q: number,
  ): void {
    const { channels, inner } = params;
    if (channels === 1) {
      // leakyReluBackward's dx = x > 0 ? dy : alpha*dy is prelu's with the one slope
      const args = [ptr(dy), ptr(x), ptr(dx), size, heap.f32[ptr(params.slope) >>> 2]!] as const;
      if (d.parallel(size, STREAM_MIN)) d.each('leakyReluBackward', size, args, BACK);
      else k.leakyReluBackward(...args);
      return;
    }
    if (q === 0) {
      k.preluBackwardDx(ptr(dy), ptr(x), ptr(dx), size, ptr(params.slope), channels, inner);
      return;
    }
    const table = heap.alloc('float32', q, 'preluBackward');
    try {
      k.preluBackwardDxPeriodic(
        ptr(dy),
        ptr(x),
        ptr(dx),
        size,
        ptr(params.slope),
        channels,
        inner,
        q,
        table.ptr,
      );
    } finally {
      heap.free(table);
    }
  }

  return {
    forward(c) {
      d.check();
      const { channels, inner } = c.params;
      const q = slopePeriod(c.params, c.size);
      if (channels === 1 && d.parallel(c.size, STREAM_MIN)) {
        d.each(
          'preluForward',
          c.size,
          [ptr(c.x), ptr(c.y), c.size, ptr(c.params.slope), 1, inner],
          XY,
        );
        return;
      }
      if (q !== 0 && 16 % q === 0) {
        // a period of 4, 8 or 16 elements: the slope vectors stay in registers
        k.preluForward16(ptr(c.x), ptr(c.y), c.size, ptr(c.params.slope), channels, inner);
        return;
      }
      if (q === 0) {
        k.preluForward(ptr(c.x), ptr(c.y), c.size, ptr(c.params.slope), channels, inner);
        return;
      }
      const table = heap.alloc('float32', q, 'prelu');
      try {
        k.preluForwardPeriodic(
          ptr(c.x),
          ptr(c.y),
          c.size,
          ptr(c.params.slope),
          channels,
          inner,
          q,
          table.ptr,
        );
      } finally {
        heap.free(table);
      }
    },
    backward(c) {
      d.check();
      const { channels, inner } = c.params;
      const q = slopePeriod(c.params, c.size);
      if (c.dslope === null) {
        dxOnly(c.dy, c.source, c.dx, c.size, c.params, q);
        return;
      }
      if (channels === 1) {
        const args = [ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, ptr(c.params.slope)] as const;
        heap.f32[ptr(c.dslope) >>> 2] =
          c.size <= CHUNK
            ? k.preluBackwardSum(...args)
            : d.sum('preluBackwardSum', c.size, args, BACK, d.parallel(c.size, STREAM_MIN));
        return;
      }
      if (q > 0) {
        const table = heap.alloc('float32', q, 'preluBackward');
        let acc: WasmBuffer | null = null;
        try {
          acc = heap.alloc('float32', q * 2, 'preluBackward');
          k.preluBackwardPeriodic(
            ptr(c.dy),
            ptr(c.source),
            ptr(c.dx),
            c.size,
            ptr(c.params.slope),
            channels,
            inner,
            q,
            table.ptr,
            acc.ptr,
            ptr(c.dslope),
          );
        } finally {
          heap.free(table);
          if (acc !== null) heap.free(acc);
        }
        return;
      }
      const scratch = heap.alloc('float32', channels * 2, 'preluBackward');
      try {
        k.preluBackward(
          ptr(c.dy),
          ptr(c.source),
          ptr(c.dx),
          c.size,
          ptr(c.params.slope),
          channels,
          inner,
          ptr(c.dslope),
          scratch.ptr,
        );
      } finally {
        heap.free(scratch);
      }
    },
  };
}

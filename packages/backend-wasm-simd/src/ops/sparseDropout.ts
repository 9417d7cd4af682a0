// Caffe2 SparseDropoutWithReplacement on the wasm backend: the kernel draws one keep
// byte per segment (same Philox rule as dense dropout, index = segment), then runs of
// kept segments are moved with one memmove each (copyWithin inside linear memory),
// so int64 ids never pass through float64.

import type { SparseDropoutKernel } from '@pointwise/core';
import { ptr, type WasmBuffer, type WasmHeap } from '../heap.js';
import type { Dispatch } from '../pool.js';
import type { WasmKernelExports } from '../wasm.js';

export function sparseDropoutKernel(
  k: WasmKernelExports,
  heap: WasmHeap,
  d: Dispatch,
): SparseDropoutKernel {
  return {
    forward({ values, valuesDtype, segments, hostLengths, params, alloc }) {
      d.check();
      const keepBuffer = heap.alloc('uint8', segments, 'sparseDropoutWithReplacement');
      try {
        k.keepMask(
          keepBuffer.ptr,
          segments,
          params.threshold,
          params.seedLo,
          params.seedHi,
          params.streamLo,
          params.streamHi,
        );
        const keep = heap.u8.slice(keepBuffer.ptr, keepBuffer.ptr + segments);
        let total = 0;
        for (let j = 0; j < segments; j++) total += keep[j] ? hostLengths[j]! : 1;
        const outLengths = alloc('int32', segments) as WasmBuffer;
        const out = alloc(valuesDtype, total) as WasmBuffer;
        // views only after both allocations: an alloc may grow (and detach) memory
        const bytesPer = valuesDtype === 'int64' ? 8 : 4;
        const u8 = heap.u8;
        const lengthsView = new Int32Array(heap.buffer, outLengths.ptr, segments);
        const src = ptr(values);
        let from = src;
        let to = out.ptr;
        let runStart = -1;
        for (let j = 0; j < segments; j++) {
          const bytes = hostLengths[j]! * bytesPer;
          if (keep[j]) {
            if (runStart < 0) runStart = from;
            lengthsView[j] = hostLengths[j]!;
          } else {
            if (runStart >= 0) {
              u8.copyWithin(to, runStart, from);
              to += from - runStart;
              runStart = -1;
            }
            writeReplacement(heap.buffer, to, valuesDtype, params.replacement);
            to += bytesPer;
            lengthsView[j] = 1;
          }
          from += bytes;
        }
        if (runStart >= 0) u8.copyWithin(to, runStart, from);
        return { values: out, valuesSize: total, lengths: outLengths };
      } finally {
        heap.free(keepBuffer);
      }
    },
  };
}

function writeReplacement(
  buffer: ArrayBuffer,
  at: number,
  dtype: 'int32' | 'int64',
  value: bigint,
): void {
  if (dtype === 'int64') new BigInt64Array(buffer, at, 1)[0] = value;
  else new Int32Array(buffer, at, 1)[0] = Number(value);
}

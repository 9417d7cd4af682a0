// Caffe2 SparseDropoutWithReplacement on the js backend: one keep draw per
// segment, then a copy of kept segments and one replacement id per dropped one.
// BigInt64 ids are copied with typed-array `set`, never through float64.

import type { SparseDropoutKernel } from '@pointwise/core';
import { fillKeepMask } from './philoxBlocks.js';

export const sparseDropout: SparseDropoutKernel = {
  forward({ values, valuesDtype, lengths, segments, params, alloc }) {
    const lens = lengths as Int32Array;
    const keep = new Uint8Array(segments);
    fillKeepMask(params, keep, segments);
    const outLengths = alloc('int32', segments) as Int32Array;
    let total = 0;
    for (let j = 0; j < segments; j++) {
      outLengths[j] = keep[j] ? lens[j]! : 1;
      total += outLengths[j]!;
    }
    const src = values as Int32Array | BigInt64Array;
    const isBig = valuesDtype === 'int64';
    const out = alloc(valuesDtype, total) as Int32Array | BigInt64Array;
    const replacement = isBig ? params.replacement : Number(params.replacement);
    let from = 0;
    let to = 0;
    for (let j = 0; j < segments; j++) {
      const len = lens[j]!;
      if (keep[j]) {
        out.set(src.subarray(from, from + len) as never, to);
        to += len;
      } else {
        (out as { [i: number]: number | bigint })[to++] = replacement;
      }
      from += len;
    }
    return { values: out, valuesSize: total, lengths: outLengths };
  },
};

// Chunk planning shared by the chunked kernels: fixed windows over one index space
// (the binding-sized chunks of a tensor), and pieces of an index space cut at the
// union of several sorted split sequences, each piece tagged with the window of
// every sequence it falls in (so one dispatch binds one window of each buffer),
// and the bindings of one window across several buffers.

import { type Bound, range, type WebGpuBuffer } from '../backend.js';

/** The windows [start, start + length) of at most `chunk` elements covering [0, size). */
export function* windows(
  size: number,
  chunk: number,
): Generator<{ start: number; length: number }> {
  for (let start = 0; start < size; start += chunk)
    yield { start, length: Math.min(chunk, size - start) };
}

/** A piece [lo, hi) and, per split sequence, the index of the window it lies in. */
export interface Piece {
  lo: number;
  hi: number;
  window: number[];
}

/**
 * Cut [0, end) at every point of `splits` (each sequence non-decreasing; point i of
 * a sequence starts that sequence's window i + 1). A piece's window for a
 * sequence is the number of its points <= lo, i.e. the last window starting at or
 * before the piece; no point lies strictly inside a piece. Empty pieces are skipped.
 */
export function* pieces(end: number, splits: ArrayLike<number>[]): Generator<Piece> {
  const at = splits.map(() => 0);
  let lo = 0;
  while (lo < end) {
    let hi = end;
    for (let q = 0; q < splits.length; q++) {
      const points = splits[q]!;
      while (at[q]! < points.length && points[at[q]!]! <= lo) at[q]!++;
      if (at[q]! < points.length) hi = Math.min(hi, points[at[q]!]!);
    }
    yield { lo, hi, window: [...at] };
    lo = hi;
  }
}

/** Bindings of elements [start, start + length) of each [buffer, bytes per element]. */
export function windowOf(
  start: number,
  length: number,
  buffers: readonly (readonly [WebGpuBuffer, number])[],
): Bound[] {
  return buffers.map(([buffer, bytes]) => range(buffer, start, length, bytes));
}

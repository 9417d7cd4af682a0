// Byte accounting: the bytes one call must move per element under SPEC, which is
// what GB/s is counted against. Forward reads x and writes y (8 B); backward
// reads dy and x and writes dx (12 B); a dropout mask written or read adds 1 B.
// Dropout backward has no x to read, so it is dy + dx (8 B) plus the mask if read.

import type { BenchCase } from './cases.js';

const F32 = 4;
const MASK = 1;

export function bytesPerElement(c: BenchCase): number {
  if (c.op === 'dropout') return 2 * F32 + (c.mask ? MASK : 0);
  return c.direction === 'forward' ? 2 * F32 : 3 * F32;
}

/** The bytes the copy baseline moves for the same case: read + write of the same total. */
export function copyBytes(c: BenchCase, size: number): number {
  return bytesPerElement(c) * size;
}

/** GB/s (10^9 bytes per second) for `bytes` moved in `seconds`. */
export function gigabytesPerSecond(bytes: number, seconds: number): number {
  if (!(seconds > 0)) return Number.NaN;
  return bytes / seconds / 1e9;
}

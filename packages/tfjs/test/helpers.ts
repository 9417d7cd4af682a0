// Shared test inputs and comparisons: special float32 values (signed zeros, NaN,
// infinities, subnormals, tiny negatives where elu cancels), seeded random fill,
// and bit-for-bit / ulp comparison that names the first differing element.

import { f32Bits, ulpDistance } from '@pointwise/core';

export const SPECIALS = [
  0,
  -0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1e-40,
  -1e-40,
  1.17549435e-38,
  -1.17549435e-38,
  -1e-7,
  -3e-8,
  -1e-30,
  1e-7,
  6,
  -6,
  5.999999,
  6.0000005,
  1,
  -1,
  0.5,
  -0.5,
  3e38,
  -3e38,
  -20,
  -100,
  88,
  -88,
];

/** SPECIALS then mulberry32-random values in [-8, 8), rounded to float32. */
export function inputs(size: number, seed = 1): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    if (i < SPECIALS.length) {
      out[i] = SPECIALS[i]!;
      continue;
    }
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 16 - 8) as number;
  }
  return out;
}

/** Index of the first element whose float32 bits differ (any NaN equals any NaN), or -1. */
export function firstBitDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (f32Bits(x) !== f32Bits(y)) return i;
  }
  return -1;
}

export function expectBits(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
): void {
  const i = firstBitDiff(actual, expected);
  if (i >= 0)
    throw new Error(
      `${what}: element ${i} is ${Object.is(actual[i], -0) ? '-0' : actual[i]}, expected ${Object.is(expected[i], -0) ? '-0' : expected[i]}`,
    );
}

export function expectUlp(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  ulps: number,
  what: string,
): void {
  for (let i = 0; i < expected.length; i++) {
    const x = actual[i]!;
    const y = expected[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (Object.is(x, y)) continue;
    if (Math.sign(1 / x) !== Math.sign(1 / y) || ulpDistance(x, y) > ulps)
      throw new Error(`${what}: element ${i} is ${x}, expected ${y} within ${ulps} ulp`);
  }
}

// Test inputs shared by this package's tests: seeded random float32 data with
// special values (±0, ±Inf, NaN, subnormals, kinks ±1 ulp) mixed in.

import { f32, f32Step } from '@pointwise/core';

/** A small seeded generator (mulberry32) so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function specialValues(kinks: number[]): number[] {
  const out = [
    0,
    -0,
    Infinity,
    -Infinity,
    Number.NaN,
    1e-45,
    -1e-45,
    1e-40,
    -1e-40,
    2 ** -126,
    -(2 ** -126),
  ];
  out.push(
    3.4028234663852886e38,
    -3.4028234663852886e38,
    1,
    -1,
    0.5,
    -0.5,
    100,
    -100,
    -17.5,
    -88,
    -104,
  );
  for (const k of kinks) out.push(f32(k), f32Step(k, 1), f32Step(k, -1));
  return out;
}

/** `size` float32 values: mostly uniform in [-8, 8], every 7th one a special value. */
export function floatData(size: number, seed: number, kinks: number[] = [0]): Float32Array {
  const next = rng(seed);
  const specials = specialValues(kinks);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    data[i] = i % 7 === 3 ? specials[Math.floor(next() * specials.length)]! : (next() - 0.5) * 16;
  }
  return data;
}

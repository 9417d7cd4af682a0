// Test inputs shared by the backends' tests: seeded random float32 data with
// special values (±0, ±Inf, NaN, subnormals, kinks ±1 ulp) mixed in.

import { f32, f32Step } from '@pointwise/core';
import { SPECIAL_VALUES, seededRandom } from '@pointwise/core/conformance';

/** The conformance suite's seeded generator (mulberry32), so failures reproduce. */
export const rng = seededRandom;

/** The suite's special values plus values around elu's exp range and each kink ± 1 ulp. */
export function specialValues(kinks: number[]): number[] {
  const out = [...SPECIAL_VALUES, 100, -100, -17.5, -88, -104];
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

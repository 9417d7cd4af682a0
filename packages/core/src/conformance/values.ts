// Input generators for the conformance suite (after the WebGPU CTS's
// fullF32Range / biasedRange): a deterministic float32 sweep of over 10^6 values
// that covers every exponent of both signs, ±0, ±Inf, NaNs, subnormals and each
// kink ± a few ulps, plus seeded random data for size and gradient cases.

import { F32_MAX, f32, f32FromBits, f32Step } from '../float32.js';

/** A small seeded PRNG (mulberry32): reproducible data without Math.random. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Named edge values every sweep contains. */
export const SPECIAL_VALUES: readonly number[] = [
  0,
  -0,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
  f32FromBits(0xffc00000), // negative quiet NaN
  f32FromBits(0x7f800001), // NaN with the smallest payload
  f32FromBits(0x00000001), // smallest subnormal
  f32FromBits(0x80000001),
  f32FromBits(0x007fffff), // largest subnormal
  f32FromBits(0x807fffff),
  f32FromBits(0x00800000), // smallest normal
  f32FromBits(0x80800000),
  F32_MAX,
  -F32_MAX,
  1,
  -1,
  f32(17.5),
  f32(-17.5),
  f32(-87.5),
  f32(-104),
  f32(88.5),
];

/** Special values for dy in backward sweeps (finite, zero, infinite, NaN, tiny, huge). */
export const SPECIAL_GRADIENTS: readonly number[] = [
  0,
  -0,
  1,
  -3,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
  f32FromBits(0x00000001),
  f32(1e-30),
  f32(3e38),
  -F32_MAX,
];

const MANTISSAS_PER_EXPONENT = 1970; // 2 signs × 255 exponents × 1970 > 10^6

/**
 * Every biased exponent 0..254 of both signs with the mantissas 0, 1, max and
 * random ones; the specials; and `kinks` ± 4 ulps. Over 10^6 values; length
 * padded to a multiple of 12 so per-channel shapes fit.
 */
export function fullF32Sweep(kinks: readonly number[]): Float32Array {
  const values: number[] = [];
  const random = seededRandom(0x5eed);
  const bits = new Uint32Array(1);
  const asFloat = new Float32Array(bits.buffer);
  for (let sign = 0; sign < 2; sign++) {
    for (let exponent = 0; exponent < 255; exponent++) {
      for (let k = 0; k < MANTISSAS_PER_EXPONENT; k++) {
        const mantissa =
          k === 0 ? 0 : k === 1 ? 1 : k === 2 ? 0x7fffff : Math.floor(random() * 0x800000);
        bits[0] = ((sign << 31) | (exponent << 23) | mantissa) >>> 0;
        values.push(asFloat[0]!);
      }
    }
  }
  values.push(...SPECIAL_VALUES);
  for (const kink of kinks) values.push(...kinkNeighbours(kink, 4));
  while (values.length % 12 !== 0) values.push(0);
  return Float32Array.from(values);
}

/** The float32 values within `ulps` of a kink, and the kink itself (±0 both for 0). */
export function kinkNeighbours(kink: number, ulps: number): number[] {
  const out: number[] = [];
  const k = f32(kink);
  for (let step = -ulps; step <= ulps; step++) out.push(f32Step(k, step));
  if (k === 0) out.push(-0);
  return out;
}

/** dy for a sweep: seeded values in [-4, 4) with the special gradients spread through it. */
export function gradientsFor(length: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const dy = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    dy[i] =
      i % 97 === 0 ? SPECIAL_GRADIENTS[(i / 97) % SPECIAL_GRADIENTS.length]! : (random() - 0.5) * 8;
  }
  return dy;
}

/**
 * dy whose products round: every value has a full 24-bit significand (lowest bit set)
 * and a random sign; most have magnitudes in [1/8, 8), one in ten sits near the
 * subnormal edge (2^-126 .. 2^-120, some subnormal) and one in ten near overflow
 * (2^121 .. 2^128); the special gradients are spread through as in gradientsFor.
 * With dy = 1 (or any short significand) a final `dy * factor` is exact and hides an
 * inaccurate factor (issue 19: elu backward 3 ulp off on webgpu).
 */
export function roundingGradientsFor(length: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const dy = new Float32Array(length);
  const bits = new Uint32Array(dy.buffer);
  for (let i = 0; i < length; i++) {
    if (i % 97 === 0) {
      dy[i] = SPECIAL_GRADIENTS[(i / 97) % SPECIAL_GRADIENTS.length]!;
      continue;
    }
    const band = random();
    const pick = random();
    // biased exponents: 124..129 mostly, 0..6 (subnormal edge) or 248..254 (overflow edge)
    const exponent =
      band < 0.8
        ? 124 + Math.floor(pick * 6)
        : band < 0.9
          ? Math.floor(pick * 7)
          : 248 + Math.floor(pick * 7);
    const mantissa = (Math.floor(random() * 0x800000) | 1) >>> 0;
    const sign = random() < 0.5 ? 0 : 0x80000000;
    bits[i] = (sign | (exponent << 23) | mantissa) >>> 0;
  }
  return dy;
}

/** Every special x paired with every special dy (so kinks meet ±Inf, NaN, ±0 gradients). */
export function specialPairs(kinks: readonly number[]): { x: Float32Array; dy: Float32Array } {
  const xs = [...SPECIAL_VALUES];
  for (const kink of kinks) xs.push(...kinkNeighbours(kink, 1));
  const x: number[] = [];
  const dy: number[] = [];
  for (const xv of xs) {
    for (const g of SPECIAL_GRADIENTS) {
      x.push(xv);
      dy.push(g);
    }
  }
  while (x.length % 12 !== 0) {
    x.push(1);
    dy.push(1);
  }
  return { x: Float32Array.from(x), dy: Float32Array.from(dy) };
}

/** Seeded float32 data in [lo, hi). */
export function uniform(length: number, seed: number, lo = -6, hi = 6): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = lo + (hi - lo) * random();
  return out;
}

/** Concatenate float32 arrays. */
export function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Sizes that hit SIMD tails and GPU workgroup edges (issue: 0 … 2^20 + 3). */
export const EDGE_SIZES: readonly number[] = [0, 1, 3, 4, 5, 63, 64, 65, 1023, 65537, 2 ** 20 + 3];

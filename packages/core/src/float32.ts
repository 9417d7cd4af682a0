// Float32 bit helpers shared by references, params and the conformance suite:
// rounding to float32, bit patterns, and the ulp distance used for accuracy bounds.

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

export const f32 = Math.fround;

/** The smallest positive normal float32, 2^-126. */
export const F32_MIN_NORMAL = 2 ** -126;
/** The largest finite float32. */
export const F32_MAX = f32(3.4028234663852886e38);

export function f32Bits(value: number): number {
  f32Scratch[0] = value;
  return u32Scratch[0]!;
}

export function f32FromBits(bits: number): number {
  u32Scratch[0] = bits >>> 0;
  return f32Scratch[0]!;
}

/**
 * Position of a float32 on the number line, counted in ulps: consecutive floats
 * differ by 1, and -0 and +0 share position 0.
 */
export function f32Ordinal(value: number): number {
  const bits = f32Bits(value);
  return bits & 0x80000000 ? -(bits & 0x7fffffff) : bits;
}

/** Distance in float32 ulps between two float32 values (Infinity if either is NaN). */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.POSITIVE_INFINITY;
  return Math.abs(f32Ordinal(a) - f32Ordinal(b));
}

/** The float32 next to `value` in the direction of `steps` (positive = up). */
export function f32Step(value: number, steps: number): number {
  const ordinal = f32Ordinal(f32(value)) + steps;
  return ordinal < 0 ? f32FromBits((0x80000000 | -ordinal) >>> 0) : f32FromBits(ordinal);
}

/** True when a and b are the same float32 bit pattern, or both NaN (any payload). */
export function sameF32(a: number, b: number): boolean {
  if (Number.isNaN(a)) return Number.isNaN(b);
  return Object.is(a, b);
}

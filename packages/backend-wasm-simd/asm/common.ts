// Shared helpers for the AssemblyScript kernels (compiled to wasm with --enable simd).
// Every tensor block the host allocates is padded to 64 bytes, so element-wise loops
// run over whole 64-byte chunks (4 x v128) with no scalar tail; reductions stop at n.

/** Bytes an element-wise float32 loop covers for n elements: n*4 rounded up to 64. */
// @ts-expect-error: decorator
@inline export function paddedBytes(n: i32): usize {
  return ((<usize>n << 2) + 63) & ~(<usize>63);
}

/** Lanes 0..1 of a float32x4 as float64x2. */
// @ts-expect-error: decorator
@inline export function lowF64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

/** Lanes 2..3 of a float32x4 as float64x2. */
// @ts-expect-error: decorator
@inline export function highF64(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3));
}

/** Two float64x2 rounded once each to float32 and packed into one float32x4. */
// @ts-expect-error: decorator
@inline export function packF32(lo: v128, hi: v128): v128 {
  return i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/** Adds the four float32 lanes of v (as float64) into the accumulator. */
// @ts-expect-error: decorator
@inline export function accumulate(acc: v128, v: v128): v128 {
  return f64x2.add(f64x2.add(acc, lowF64(v)), highF64(v));
}

/** The four float32 lanes of v as float64, summed pairwise into two lanes (lanes 0+2, 1+3). */
// @ts-expect-error: decorator
@inline export function pairF64(v: v128): v128 {
  return f64x2.add(lowF64(v), highF64(v));
}

// @ts-expect-error: decorator
@inline export function horizontalSum(acc: v128): f64 {
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

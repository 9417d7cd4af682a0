// Shared helpers for the AssemblyScript kernels (compiled to wasm with --enable simd).
// Every tensor block the host allocates is padded to 64 bytes, so element-wise loops
// run over whole 64-byte chunks (4 x v128) with no scalar tail; reductions stop at n.

/**
 * How far ahead of its stores a streaming loop touches its output (DECISIONS #135).
 * A store that misses waits for its line to be read for ownership, and one core keeps
 * only a few such misses in flight: relu forward on DRAM-resident tensors ran at 13 GB/s
 * against 15.5 with this on the Xeon measured; on the EPYC the loop without the touch
 * is as fast or faster (DECISIONS #316), so the host chooses at run time
 * (setTouchAhead). The heap keeps this many bytes of memory past every block
 * (src/heap.ts, from storeAheadBytes()), so the touch never leaves linear memory.
 */
export const STORE_AHEAD: usize = 1024;

/**
 * Whether the streaming kernels touch ahead (1, the default) or not (0). A wasm global:
 * instance state, so the in-place gradient module never keeps it on a host's heap, and
 * each worker of the threaded build holds its own (the pool sends the caller's value
 * with every job). Each streaming kernel reads it once per call into a local, before
 * its loop: a branch on that local costs nothing measurable (the same GB/s as the loop
 * without the touch, within 1-2%), where a branch on the global itself, read in the
 * loop, cost 5% at 2^20.
 */
let touchAheadSetting: i32 = 1;

/** Sets whether the streaming kernels touch ahead (0: no, anything else: yes). */
export function setTouchAhead(on: i32): void {
  touchAheadSetting = on != 0 ? 1 : 0;
}

/** The setting, as each streaming kernel reads it once per call (see setTouchAhead). */
// @ts-expect-error: decorator
@inline export function touchAheadOn(): bool {
  return touchAheadSetting != 0;
}

/**
 * With `touch` (touchAheadOn(), read once per call), loads (and drops)
 * the 4 bytes STORE_AHEAD past `p`, so that output line's miss starts early and the
 * store finds its line. A plain load, not a prefetch hint (wasm has none). The value is
 * never used, and nothing is written: past a range's end it may read another block or a
 * pool neighbour's range, which changes nothing. Without `touch`, nothing.
 */
// @ts-expect-error: decorator
@inline export function touchAhead(p: usize, touch: bool): void {
  if (touch) load<i32>(p, STORE_AHEAD);
}

/**
 * elu's touch, always on: in its first pass the next 1 KiB block's input, in its last
 * its output line. elu is compute-bound, so it keeps the fixed distance whatever the
 * setting.
 */
// @ts-expect-error: decorator
@inline export function touchNext(p: usize): void {
  load<i32>(p, STORE_AHEAD);
}

/**
 * x < 0 ? s*x : x as pmax(x, s*x), which is `x < s*x ? s*x : x`: two instructions where
 * the select is five, and the same bits whenever 0 < s <= 1 (unitSlope). Then s*x is
 * the exact product rounded, so s*x >= x exactly when x < 0, and where they are equal
 * they are the same float; x >= 0, -0, +-Inf and NaN keep x, as the select does. Outside
 * (0, 1] it is wrong (s = 0 turns -Inf into NaN, s > 1 or s < 0 reverses the order), so
 * callers check unitSlope for every slope first.
 */
// @ts-expect-error: decorator
@inline export function leakyUnit(v: v128, sv: v128): v128 {
  return f32x4.pmax(v, f32x4.mul(v, sv));
}

/** Whether leakyUnit gives the select's bits for slope s: 0 < s <= 1 (false for NaN). */
// @ts-expect-error: decorator
@inline export function unitSlope(s: f32): bool {
  return s > 0 && s <= 1;
}

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

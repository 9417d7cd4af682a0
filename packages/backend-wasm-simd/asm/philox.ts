// Philox4x32-10 (PyTorch's PhiloxRNGEngine constants) for the dropout kernels: eight
// blocks per draw, in two independent groups of four (one block per lane), so the
// multiply latency of one group hides behind the other's. Each 32x32->64 product is
// two i64x2.extmul and two shuffles (no i32x4.mul: its lowering is slow on x86).
// Round 0 is partly constant per call (counter words 1..3 are 0, stream lo, stream
// hi), so the host-independent part is folded into DrawKey. The output is the
// dropped-lane mask (all ones = dropped) of 32 consecutive elements in element
// order, bit-identical to core's dropoutKeepMask. Element i is dropped iff
// (word >>> 8) < threshold; both sides are below 2^25, so a signed compare is exact.

const M0: u32 = 0xd2511f53;
const M1: u32 = 0xcd9e8d57;
const W0: u32 = 0x9e3779b9;
const W1: u32 = 0xbb67ae85;

// Dropped masks of the last draw: d0 = elements 0..3 of it, …, d7 = elements 28..31.
export let d0: v128 = i32x4.splat(0);
export let d1: v128 = i32x4.splat(0);
export let d2: v128 = i32x4.splat(0);
export let d3: v128 = i32x4.splat(0);
export let d4: v128 = i32x4.splat(0);
export let d5: v128 = i32x4.splat(0);
export let d6: v128 = i32x4.splat(0);
export let d7: v128 = i32x4.splat(0);

// Per-call constants (set by setDrawKey): round-0 words 0 and 1, the round-0 xor
// of word 2 and the threshold splat.
let round0Word0: v128 = i32x4.splat(0);
let round0Word1: v128 = i32x4.splat(0);
let round0Xor2: v128 = i32x4.splat(0);
let thresholdV: v128 = i32x4.splat(0);
// Key splats of rounds 1..9 (k0 then k1, 32 bytes a round), so the round loop loads
// them as memory operands instead of splatting two scalars per round.
let roundKeys: usize = memory.data(9 * 32, 16);

/** Points this instance's round-key splats (288 bytes) at `p` (threaded build workers). */
export function setPhiloxScratch(p: usize): void {
  roundKeys = p;
}

/** Fixes seed (k0, k1), stream (s0, s1) and threshold t for the following draws. */
// @ts-expect-error: decorator
@inline export function setDrawKey(t: i32, k0: u32, k1: u32, s0: u32, s1: u32): void {
  // Round 0 on counter (c, 0, s0, s1): word0 = hi(M1*s0) ^ 0 ^ k0, word1 = lo(M1*s0),
  // word2 = hi(M0*c) ^ s1 ^ k1, word3 = lo(M0*c).
  const p = <u64>M1 * <u64>s0;
  round0Word0 = i32x4.splat(<i32>(<u32>(p >>> 32) ^ k0));
  round0Word1 = i32x4.splat(<i32>(<u32>p));
  round0Xor2 = i32x4.splat(<i32>(s1 ^ k1));
  let key0 = k0;
  let key1 = k1;
  for (let round = 1; round < 10; round++) {
    key0 += W0;
    key1 += W1;
    v128.store(roundKeys + <usize>(round - 1) * 32, i32x4.splat(<i32>key0));
    v128.store(roundKeys + <usize>(round - 1) * 32, i32x4.splat(<i32>key1), 16);
  }
  thresholdV = i32x4.splat(t);
}

// @ts-expect-error: decorator
@inline function lo32(l: v128, h: v128): v128 {
  return i32x4.shuffle(l, h, 0, 2, 4, 6);
}

// @ts-expect-error: decorator
@inline function hi32(l: v128, h: v128): v128 {
  return i32x4.shuffle(l, h, 1, 3, 5, 7);
}

// @ts-expect-error: decorator
@inline function dropped(word: v128): v128 {
  return i32x4.lt_s(i32x4.shr_u(word, 8), thresholdV);
}

/** Draws blocks block..block+7 (elements 4*block .. 4*block+31) into d0..d7. */
// @ts-expect-error: decorator
@inline export function draw32(block: i32): void {
  const m0 = i32x4.splat(<i32>M0);
  const m1 = i32x4.splat(<i32>M1);
  const cA = i32x4.add(i32x4.splat(block), i32x4(0, 1, 2, 3));
  const cB = i32x4.add(i32x4.splat(block), i32x4(4, 5, 6, 7));
  let a0 = round0Word0;
  let a1 = round0Word1;
  let pl = i64x2.extmul_low_i32x4_u(cA, m0);
  let ph = i64x2.extmul_high_i32x4_u(cA, m0);
  let a2 = v128.xor(hi32(pl, ph), round0Xor2);
  let a3 = lo32(pl, ph);
  let b0 = round0Word0;
  let b1 = round0Word1;
  let ql = i64x2.extmul_low_i32x4_u(cB, m0);
  let qh = i64x2.extmul_high_i32x4_u(cB, m0);
  let b2 = v128.xor(hi32(ql, qh), round0Xor2);
  let b3 = lo32(ql, qh);
  for (let k = roundKeys; k < roundKeys + 9 * 32; k += 32) {
    const kv0 = v128.load(k);
    const kv1 = v128.load(k, 16);
    // group A: (hi1 ^ x1 ^ k0, lo1, hi0 ^ x3 ^ k1, lo0) with M0*x0 and M1*x2
    const a0l = i64x2.extmul_low_i32x4_u(a0, m0);
    const a0h = i64x2.extmul_high_i32x4_u(a0, m0);
    const a2l = i64x2.extmul_low_i32x4_u(a2, m1);
    const a2h = i64x2.extmul_high_i32x4_u(a2, m1);
    const b0l = i64x2.extmul_low_i32x4_u(b0, m0);
    const b0h = i64x2.extmul_high_i32x4_u(b0, m0);
    const b2l = i64x2.extmul_low_i32x4_u(b2, m1);
    const b2h = i64x2.extmul_high_i32x4_u(b2, m1);
    a0 = v128.xor(v128.xor(hi32(a2l, a2h), a1), kv0);
    a1 = lo32(a2l, a2h);
    a2 = v128.xor(v128.xor(hi32(a0l, a0h), a3), kv1);
    a3 = lo32(a0l, a0h);
    b0 = v128.xor(v128.xor(hi32(b2l, b2h), b1), kv0);
    b1 = lo32(b2l, b2h);
    b2 = v128.xor(v128.xor(hi32(b0l, b0h), b3), kv1);
    b3 = lo32(b0l, b0h);
  }
  // Lanes are blocks; transpose so each vector holds one block's four words.
  a0 = dropped(a0);
  a1 = dropped(a1);
  a2 = dropped(a2);
  a3 = dropped(a3);
  b0 = dropped(b0);
  b1 = dropped(b1);
  b2 = dropped(b2);
  b3 = dropped(b3);
  let t0 = i32x4.shuffle(a0, a1, 0, 4, 1, 5);
  let t1 = i32x4.shuffle(a2, a3, 0, 4, 1, 5);
  let t2 = i32x4.shuffle(a0, a1, 2, 6, 3, 7);
  let t3 = i32x4.shuffle(a2, a3, 2, 6, 3, 7);
  d0 = i32x4.shuffle(t0, t1, 0, 1, 4, 5);
  d1 = i32x4.shuffle(t0, t1, 2, 3, 6, 7);
  d2 = i32x4.shuffle(t2, t3, 0, 1, 4, 5);
  d3 = i32x4.shuffle(t2, t3, 2, 3, 6, 7);
  t0 = i32x4.shuffle(b0, b1, 0, 4, 1, 5);
  t1 = i32x4.shuffle(b2, b3, 0, 4, 1, 5);
  t2 = i32x4.shuffle(b0, b1, 2, 6, 3, 7);
  t3 = i32x4.shuffle(b2, b3, 2, 6, 3, 7);
  d4 = i32x4.shuffle(t0, t1, 0, 1, 4, 5);
  d5 = i32x4.shuffle(t0, t1, 2, 3, 6, 7);
  d6 = i32x4.shuffle(t2, t3, 0, 1, 4, 5);
  d7 = i32x4.shuffle(t2, t3, 2, 3, 6, 7);
}

/** Keep bytes (1 = kept) of four dropped masks: 16 elements. */
// @ts-expect-error: decorator
@inline export function keepBytes(m0: v128, m1: v128, m2: v128, m3: v128): v128 {
  const bytes = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(m0, m1), i16x8.narrow_i32x4_s(m2, m3));
  return v128.andnot(i8x16.splat(1), bytes);
}

// Dense dropout with replacement and the keep-mask generator for sparse dropout.
// Philox4x32-10 (PyTorch's constants) runs on four blocks at once, one block per
// lane (mulhi via i64x2.extmul); a 4x4 transpose then gives 16 consecutive words,
// i.e. four lanes = one Philox block = elements 4b..4b+3, bit-identical to core's
// dropoutKeepMask. Element i is dropped iff (word >>> 8) < threshold (unsigned).
// Block counters stay below 2^32 because wasm32 tensors hold < 2^30 floats.

import { accumulate, horizontalSum } from './common';

const M0: i32 = 0xd2511f53;
const M1: i32 = 0xcd9e8d57;
const W0: i32 = 0x9e3779b9;
const W1: i32 = 0xbb67ae85;

// Philox state of the current 16 elements, transposed into element order.
let e0: v128 = i32x4.splat(0);
let e1: v128 = i32x4.splat(0);
let e2: v128 = i32x4.splat(0);
let e3: v128 = i32x4.splat(0);

// @ts-expect-error: decorator
@inline function mulhi(a: v128, m: v128): v128 {
  return i32x4.shuffle(i64x2.extmul_low_i32x4_u(a, m), i64x2.extmul_high_i32x4_u(a, m), 1, 3, 5, 7);
}

/** Draws blocks firstBlock..firstBlock+3 and leaves their words in e0..e3 (element order). */
// @ts-expect-error: decorator
@inline function philox16(firstBlock: i32, k0: i32, k1: i32, s0: i32, s1: i32): void {
  const m0 = i32x4.splat(M0);
  const m1 = i32x4.splat(M1);
  let x0 = i32x4.add(i32x4.splat(firstBlock), v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0));
  let x1 = i32x4.splat(0);
  let x2 = i32x4.splat(s0);
  let x3 = i32x4.splat(s1);
  let key0 = k0;
  let key1 = k1;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi(x0, m0);
    const lo0 = i32x4.mul(x0, m0);
    const hi1 = mulhi(x2, m1);
    const lo1 = i32x4.mul(x2, m1);
    x0 = v128.xor(v128.xor(hi1, x1), i32x4.splat(key0));
    x1 = lo1;
    x2 = v128.xor(v128.xor(hi0, x3), i32x4.splat(key1));
    x3 = lo0;
    key0 += W0;
    key1 += W1;
  }
  const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
  e0 = i32x4.shuffle(t0, t1, 0, 1, 4, 5);
  e1 = i32x4.shuffle(t0, t1, 2, 3, 6, 7);
  e2 = i32x4.shuffle(t2, t3, 0, 1, 4, 5);
  e3 = i32x4.shuffle(t2, t3, 2, 3, 6, 7);
}

// @ts-expect-error: decorator
@inline function dropped(word: v128, tv: v128): v128 {
  return i32x4.lt_u(i32x4.shr_u(word, 8), tv);
}

// @ts-expect-error: decorator
@inline function keepBytes(d0: v128, d1: v128, d2: v128, d3: v128): v128 {
  const bytes = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(d0, d1), i16x8.narrow_i32x4_s(d2, d3));
  return v128.andnot(i8x16.splat(1), bytes);
}

/** Writes the keep mask (1 byte per element, 1 = kept) for elements [0, n), padded to 16. */
export function keepMask(mask: usize, n: i32, t: i32, k0: i32, k1: i32, s0: i32, s1: i32): void {
  const tv = i32x4.splat(t);
  for (let i = 0; i < n; i += 16) {
    philox16(i >>> 2, k0, k1, s0, s1);
    v128.store(mask + <usize>i, keepBytes(dropped(e0, tv), dropped(e1, tv), dropped(e2, tv), dropped(e3, tv)));
  }
}

// @ts-expect-error: decorator
@inline function select(x: v128, drop: v128, rv: v128, sv: v128): v128 {
  return v128.bitselect(rv, f32x4.mul(x, sv), drop);
}

/** y = dropped ? r : x*scale (scale 1 when not scaling); mask (or 0 for none) gets keep bytes. */
export function dropoutForward(x: usize, y: usize, mask: usize, n: i32, t: i32, k0: i32, k1: i32, s0: i32, s1: i32, r: f32, scale: f32): void {
  const tv = i32x4.splat(t);
  const rv = f32x4.splat(r);
  const sv = f32x4.splat(scale);
  for (let i = 0; i < n; i += 16) {
    philox16(i >>> 2, k0, k1, s0, s1);
    const d0 = dropped(e0, tv);
    const d1 = dropped(e1, tv);
    const d2 = dropped(e2, tv);
    const d3 = dropped(e3, tv);
    const p = x + (<usize>i << 2);
    const q = y + (<usize>i << 2);
    v128.store(q, select(v128.load(p), d0, rv, sv));
    v128.store(q, select(v128.load(p, 16), d1, rv, sv), 16);
    v128.store(q, select(v128.load(p, 32), d2, rv, sv), 32);
    v128.store(q, select(v128.load(p, 48), d3, rv, sv), 48);
    if (mask != 0) v128.store(mask + <usize>i, keepBytes(d0, d1, d2, d3));
  }
}

/** dx = dropped ? +0 : dy*scale for one vector; returns the dropped dy (others +0). */
// @ts-expect-error: decorator
@inline function backVec(dyp: usize, dxp: usize, drop: v128, sv: v128): v128 {
  const g = v128.load(dyp);
  v128.store(dxp, v128.andnot(f32x4.mul(g, sv), drop));
  return v128.and(g, drop);
}

/** Backward regenerating the mask from the seed; returns dreplacement (float64 sum). */
export function dropoutBackwardRegenerate(dy: usize, dx: usize, n: i32, t: i32, k0: i32, k1: i32, s0: i32, s1: i32, scale: f32): f64 {
  const tv = i32x4.splat(t);
  const sv = f32x4.splat(scale);
  const nv = i32x4.splat(n);
  const lanes = v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0);
  let acc = f64x2.splat(0);
  for (let i = 0; i < n; i += 16) {
    philox16(i >>> 2, k0, k1, s0, s1);
    // lanes past n (the padding) never count as dropped, so they stay out of the sum.
    const idx = i32x4.add(i32x4.splat(i), lanes);
    const d0 = v128.and(dropped(e0, tv), i32x4.lt_s(idx, nv));
    const d1 = v128.and(dropped(e1, tv), i32x4.lt_s(i32x4.add(idx, i32x4.splat(4)), nv));
    const d2 = v128.and(dropped(e2, tv), i32x4.lt_s(i32x4.add(idx, i32x4.splat(8)), nv));
    const d3 = v128.and(dropped(e3, tv), i32x4.lt_s(i32x4.add(idx, i32x4.splat(12)), nv));
    const p = dy + (<usize>i << 2);
    const q = dx + (<usize>i << 2);
    acc = accumulate(acc, backVec(p, q, d0, sv));
    acc = accumulate(acc, backVec(p + 16, q + 16, d1, sv));
    acc = accumulate(acc, backVec(p + 32, q + 32, d2, sv));
    acc = accumulate(acc, backVec(p + 48, q + 48, d3, sv));
  }
  return horizontalSum(acc);
}

/** Widens 4 mask bytes at m to a dropped-lane mask (all ones where the byte is 0). */
// @ts-expect-error: decorator
@inline function droppedFromMask(m: usize): v128 {
  const bytes = v128.load32_zero(m);
  return i32x4.eq(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(bytes)), i32x4.splat(0));
}

/** Backward with a stored mask (bytes, 1 = kept); returns dreplacement (float64 sum). */
export function dropoutBackwardMask(dy: usize, mask: usize, dx: usize, n: i32, scale: f32): f64 {
  const sv = f32x4.splat(scale);
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  const vecN = n & ~7;
  let i = 0;
  for (; i < vecN; i += 8) {
    const p = dy + (<usize>i << 2);
    const q = dx + (<usize>i << 2);
    acc0 = accumulate(acc0, backVec(p, q, droppedFromMask(mask + <usize>i), sv));
    acc1 = accumulate(acc1, backVec(p + 16, q + 16, droppedFromMask(mask + <usize>i + 4), sv));
  }
  let sum = horizontalSum(f64x2.add(acc0, acc1));
  for (; i < n; i++) {
    const g = load<f32>(dy + (<usize>i << 2));
    if (load<u8>(mask + <usize>i) != 0) {
      store<f32>(dx + (<usize>i << 2), g * scale);
    } else {
      store<f32>(dx + (<usize>i << 2), 0);
      sum += <f64>g;
    }
  }
  return sum;
}

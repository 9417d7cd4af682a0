// prelu kernels. Element i has channel floor(i / inner) mod channels. Two layouts:
// - runs (long runs, e.g. NCHW): the tensor is walked run by run (one run = `inner`
//   elements of one channel); inside a run the slope is a splat and the loop is
//   v128 with a scalar tail.
// - periodic (short runs, e.g. channels last): the per-element slope repeats with
//   period channels*inner; the kernel writes one period, widened to a multiple of
//   4 elements (`q`), into a table and loads four slopes per vector from it.
// The host picks the layout (src/ops/prelu.ts). dslope sums (x > 0 ? 0 : x*dy) per
// channel in float64 (products of two float32 are exact there), NaN x and 0*Inf
// included as SPEC requires.

import { highF64, leakyUnit, lowF64, paddedBytes, touchAhead, touchAheadOn, unitSlope } from './common';

// @ts-expect-error: decorator
@inline function preluRunForward(x: usize, y: usize, len: i32, s: f32, touch: bool): void {
  const sv = f32x4.splat(s);
  const z = f32x4.splat(0);
  const d = y - x;
  const vecEnd = x + ((<usize>len << 2) & ~(<usize>15));
  let p = x;
  if (unitSlope(s)) {
    for (; p < vecEnd; p += 16) {
      touchAhead(p + d, touch);
      v128.store(p + d, leakyUnit(v128.load(p), sv));
    }
  }
  for (; p < vecEnd; p += 16) {
    touchAhead(p + d, touch);
    const v = v128.load(p);
    v128.store(p + d, v128.bitselect(f32x4.mul(v, sv), v, f32x4.lt(v, z)));
  }
  const end = x + (<usize>len << 2);
  for (; p < end; p += 4) {
    const v = load<f32>(p);
    store<f32>(p + d, v < 0 ? s * v : v);
  }
}

export function preluForward(x: usize, y: usize, n: i32, slope: usize, channels: i32, inner: i32): void {
  const touch = touchAheadOn();
  if (channels == 1) {
    preluRunForward(x, y, n, load<f32>(slope), touch);
    return;
  }
  let c = 0;
  for (let start = 0; start < n; start += inner) {
    preluRunForward(x + (<usize>start << 2), y + (<usize>start << 2), inner, load<f32>(slope + (<usize>c << 2)), touch);
    c = c + 1 == channels ? 0 : c + 1;
  }
}

/** dx for one vector: x > 0 ? dy : s*dy (NaN x takes s*dy, as the formula says). */
// @ts-expect-error: decorator
@inline function preluGrad(v: v128, d: v128, sv: v128, z: v128): v128 {
  return v128.bitselect(d, f32x4.mul(d, sv), f32x4.gt(v, z));
}

/**
 * dslope terms (x > 0 ? 0 : x*dy) of two lanes widened to float64 (products of two
 * float32 are exact there). Selected, not mask-multiplied: x > 0 gives exactly 0, NaN x
 * and 0*Inf keep NaN.
 */
// @ts-expect-error: decorator
@inline function slopeTerms(v64: v128, d64: v128, zd: v128): v128 {
  return v128.andnot(f64x2.mul(v64, d64), f64x2.gt(v64, zd));
}

/** One run of dx, returning its dslope contribution (float64). */
// @ts-expect-error: decorator
@inline function preluRunBackward(dy: usize, x: usize, dx: usize, len: i32, s: f32, touch: bool): f64 {
  const sv = f32x4.splat(s);
  const z = f32x4.splat(0);
  const zd = f64x2.splat(0);
  const g = dy - x;
  const o = dx - x;
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  const vecEnd = x + ((<usize>len << 2) & ~(<usize>15));
  let p = x;
  for (; p < vecEnd; p += 16) {
    touchAhead(p + o, touch);
    const v = v128.load(p);
    const d = v128.load(p + g);
    v128.store(p + o, preluGrad(v, d, sv, z));
    acc0 = f64x2.add(acc0, slopeTerms(lowF64(v), lowF64(d), zd));
    acc1 = f64x2.add(acc1, slopeTerms(highF64(v), highF64(d), zd));
  }
  const both = f64x2.add(acc0, acc1);
  let sum = f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1);
  const end = x + (<usize>len << 2);
  for (; p < end; p += 4) {
    const v = load<f32>(p);
    const d = load<f32>(p + g);
    store<f32>(p + o, v > 0 ? d : s * d);
    sum += v > 0 ? 0 : <f64>v * <f64>d;
  }
  return sum;
}

/** Writes dx and dslope (float32, `channels` values); `scratch` holds channels float64. */
export function preluBackward(
  dy: usize,
  x: usize,
  dx: usize,
  n: i32,
  slope: usize,
  channels: i32,
  inner: i32,
  dslope: usize,
  scratch: usize,
): void {
  const touch = touchAheadOn();
  if (channels == 1) {
    store<f32>(dslope, <f32>preluRunBackward(dy, x, dx, n, load<f32>(slope), touch));
    return;
  }
  memory.fill(scratch, 0, <usize>channels << 3);
  let c = 0;
  for (let start = 0; start < n; start += inner) {
    const off = <usize>start << 2;
    const at = scratch + (<usize>c << 3);
    store<f64>(at, load<f64>(at) + preluRunBackward(dy + off, x + off, dx + off, inner, load<f32>(slope + (<usize>c << 2)), touch));
    c = c + 1 == channels ? 0 : c + 1;
  }
  for (let k = 0; k < channels; k++) {
    store<f32>(dslope + (<usize>k << 2), <f32>load<f64>(scratch + (<usize>k << 3)));
  }
}

/** One channel (slope at `slope`): dx, returning dslope's float64 sum over these n elements. */
export function preluBackwardSum(dy: usize, x: usize, dx: usize, n: i32, slope: usize): f64 {
  const touch = touchAheadOn();
  return preluRunBackward(dy, x, dx, n, load<f32>(slope), touch);
}

/** table[p] = slope of period position p, for p in [0, q). */
// @ts-expect-error: decorator
@inline function fillSlopeTable(table: usize, slope: usize, channels: i32, inner: i32, q: i32): void {
  let c = 0;
  let r = 0;
  for (let p = 0; p < q; p++) {
    store<f32>(table + (<usize>p << 2), load<f32>(slope + (<usize>c << 2)));
    r++;
    if (r == inner) {
      r = 0;
      c = c + 1 == channels ? 0 : c + 1;
    }
  }
}

/** Forward with the periodic layout; `table` holds q float32 (q a multiple of 4). */
export function preluForwardPeriodic(x: usize, y: usize, n: i32, slope: usize, channels: i32, inner: i32, q: i32, table: usize): void {
  const touch = touchAheadOn();
  fillSlopeTable(table, slope, channels, inner, q);
  const z = f32x4.splat(0);
  const d = y - x;
  const end = x + (((<usize>n << 2) + 15) & ~(<usize>15));
  const period = <usize>q << 2;
  let j: usize = 0;
  for (let p = x; p < end; p += 16) {
    touchAhead(p + d, touch);
    const v = v128.load(p);
    v128.store(p + d, v128.bitselect(f32x4.mul(v, v128.load(table + j)), v, f32x4.lt(v, z)));
    j += 16;
    j = select<usize>(0, j, j == period);
  }
}

/**
 * Backward with the periodic layout: dx, and dslope (float32, `channels` values).
 * `table` holds q float32 slopes, `acc` q float64 per-position sums (q a multiple of 4).
 */
export function preluBackwardPeriodic(
  dy: usize,
  x: usize,
  dx: usize,
  n: i32,
  slope: usize,
  channels: i32,
  inner: i32,
  q: i32,
  table: usize,
  acc: usize,
  dslope: usize,
): void {
  const touch = touchAheadOn();
  fillSlopeTable(table, slope, channels, inner, q);
  memory.fill(acc, 0, <usize>q << 3);
  const z = f32x4.splat(0);
  const zd = f64x2.splat(0);
  const g = dy - x;
  const o = dx - x;
  const vecEnd = x + ((<usize>n << 2) & ~(<usize>15));
  let j = 0;
  let p = x;
  for (; p < vecEnd; p += 16) {
    touchAhead(p + o, touch);
    const v = v128.load(p);
    const dv = v128.load(p + g);
    v128.store(p + o, preluGrad(v, dv, v128.load(table + (<usize>j << 2)), z));
    const a = acc + (<usize>j << 3);
    v128.store(a, f64x2.add(v128.load(a), slopeTerms(lowF64(v), lowF64(dv), zd)));
    v128.store(a, f64x2.add(v128.load(a, 16), slopeTerms(highF64(v), highF64(dv), zd)), 16);
    j += 4;
    j = select<i32>(0, j, j == q);
  }
  // fewer than 4 elements remain, and j + 3 < q because q is a multiple of 4
  const end = x + (<usize>n << 2);
  for (; p < end; p += 4) {
    const v = load<f32>(p);
    const dv = load<f32>(p + g);
    store<f32>(p + o, v > 0 ? dv : load<f32>(table + (<usize>j << 2)) * dv);
    const a = acc + (<usize>j << 3);
    store<f64>(a, load<f64>(a) + (v > 0 ? 0 : <f64>v * <f64>dv));
    j++;
  }
  // channel c owns positions (k*channels + c)*inner + r of the period
  const stride = channels * inner;
  for (let c = 0; c < channels; c++) {
    let sum: f64 = 0;
    for (let base = c * inner; base < q; base += stride) {
      for (let r = 0; r < inner; r++) sum += load<f64>(acc + (<usize>(base + r) << 3));
    }
    store<f32>(dslope + (<usize>c << 2), <f32>sum);
  }
}

/** The slope of period position p (channel floor(p / inner) mod channels). */
// @ts-expect-error: decorator
@inline function slopeAt(slope: usize, p: i32, channels: i32, inner: i32): f32 {
  return load<f32>(slope + (<usize>((p / inner) % channels) << 2));
}

/**
 * preluForward16's 16 slopes, one period per 64 bytes. Static, so shared by every
 * instance of the threaded build: only the calling thread runs preluForward16 (it is
 * not a pool kernel).
 */
const SLOPES16: usize = memory.data(64, 16);

// @ts-expect-error: decorator
@inline function preluVec(v: v128, sv: v128, z: v128): v128 {
  return v128.bitselect(f32x4.mul(v, sv), v, f32x4.lt(v, z));
}

/**
 * Forward with the periodic layout when the period (channels*inner widened to q) divides
 * 16: every 64-byte chunk starts at period position 0, so its four slope vectors are
 * loop constants held in registers (no heap table). The same products and
 * selects as preluForwardPeriodic, so the same bits (as pmax, common.ts leakyUnit, when
 * every slope is in (0, 1]).
 */
export function preluForward16(x: usize, y: usize, n: i32, slope: usize, channels: i32, inner: i32): void {
  const touch = touchAheadOn();
  // Loaded, not built with replace_lane: V8 sinks pure lane inserts into the loop
  // (sixteen insertps per iteration), while loads stay where they are.
  let unit = true;
  for (let p = 0; p < 16; p++) {
    const s = slopeAt(slope, p, channels, inner);
    store<f32>(SLOPES16 + (<usize>p << 2), s);
    unit = unit && unitSlope(s);
  }
  const s0 = v128.load(SLOPES16);
  const s1 = v128.load(SLOPES16, 16);
  const s2 = v128.load(SLOPES16, 32);
  const s3 = v128.load(SLOPES16, 48);
  const z = f32x4.splat(0);
  const d = y - x;
  const end = x + paddedBytes(n);
  if (unit) {
    for (let p = x; p < end; p += 64) {
      touchAhead(p + d, touch);
      const a = leakyUnit(v128.load(p), s0);
      const b = leakyUnit(v128.load(p, 16), s1);
      const c = leakyUnit(v128.load(p, 32), s2);
      const e = leakyUnit(v128.load(p, 48), s3);
      v128.store(p + d, a);
      v128.store(p + d, b, 16);
      v128.store(p + d, c, 32);
      v128.store(p + d, e, 48);
    }
    return;
  }
  for (let p = x; p < end; p += 64) {
    touchAhead(p + d, touch);
    const a = preluVec(v128.load(p), s0, z);
    const b = preluVec(v128.load(p, 16), s1, z);
    const c = preluVec(v128.load(p, 32), s2, z);
    const e = preluVec(v128.load(p, 48), s3, z);
    v128.store(p + d, a);
    v128.store(p + d, b, 16);
    v128.store(p + d, c, 32);
    v128.store(p + d, e, 48);
  }
}

// ---- dx only (`paramGrad: false`): the dx of the kernels above, no dslope sums ----------

/** One run of dx: the same selects and products as preluRunBackward. */
// @ts-expect-error: decorator
@inline function preluRunBackwardDx(dy: usize, x: usize, dx: usize, len: i32, s: f32, touch: bool): void {
  const sv = f32x4.splat(s);
  const z = f32x4.splat(0);
  const g = dy - x;
  const o = dx - x;
  const vecEnd = x + ((<usize>len << 2) & ~(<usize>15));
  let p = x;
  for (; p < vecEnd; p += 16) {
    touchAhead(p + o, touch);
    v128.store(p + o, preluGrad(v128.load(p), v128.load(p + g), sv, z));
  }
  const end = x + (<usize>len << 2);
  for (; p < end; p += 4) {
    const v = load<f32>(p);
    const d = load<f32>(p + g);
    store<f32>(p + o, v > 0 ? d : s * d);
  }
}

/** dx with the run layout (several channels; one channel runs leakyReluBackward). */
export function preluBackwardDx(dy: usize, x: usize, dx: usize, n: i32, slope: usize, channels: i32, inner: i32): void {
  const touch = touchAheadOn();
  let c = 0;
  for (let start = 0; start < n; start += inner) {
    const off = <usize>start << 2;
    preluRunBackwardDx(dy + off, x + off, dx + off, inner, load<f32>(slope + (<usize>c << 2)), touch);
    c = c + 1 == channels ? 0 : c + 1;
  }
}

/** dx with the periodic layout; `table` holds q float32 (q a multiple of 4). */
export function preluBackwardDxPeriodic(dy: usize, x: usize, dx: usize, n: i32, slope: usize, channels: i32, inner: i32, q: i32, table: usize): void {
  const touch = touchAheadOn();
  fillSlopeTable(table, slope, channels, inner, q);
  const z = f32x4.splat(0);
  const g = dy - x;
  const o = dx - x;
  const end = x + (((<usize>n << 2) + 15) & ~(<usize>15));
  const period = <usize>q << 2;
  let j: usize = 0;
  for (let p = x; p < end; p += 16) {
    touchAhead(p + o, touch);
    v128.store(p + o, preluGrad(v128.load(p), v128.load(p + g), v128.load(table + j), z));
    j += 16;
    j = select<usize>(0, j, j == period);
  }
}

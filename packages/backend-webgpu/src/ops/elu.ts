// elu: y = x > 0 ? x : alpha*expm1(x); dx = x > 0 ? dy : dy*alpha*e^x, or from y
// dy*(y + alpha). WGSL has no expm1 and its exp allows 3 + 2|x| ulp, so e^x is our
// own: k = round(x log2 e) by the magic-number trick read back as an integer (no
// float cancellation a compiler could fold), r = (x - k LN2_HI) - k LN2_LO (exact
// first step). Forward: e^r - 1 = r + r^2 q(r) (minimax, degree 4, the constants and
// error bound of backend-wasm-simd's elu: within 1.65 * 2^-24 before the product with
// alpha). Backward from x is integer arithmetic after that exact first step: r in
// 32-bit fixed point, e^r by Taylor in fixed point, |alpha| e^r to 32 bits, and one
// correctly rounded product with dy (mul_scaled), so the device's float rounding,
// fusion and flushing cannot move it (issue 19: SwiftShader's float path was 3 ulp
// off). Selects on bit patterns; tiny |x| < 2^-24 (where flushing would lose the sign)
// and forward's final product go through mul_exact.

import type { ActivationKernel, AlphaParams } from '@pointwise/core';
import type { WebGpuBuffer, WebGpuDevice } from '../backend.js';
import { runElementwise } from './elementwise.js';
import { bitsOf } from './wgsl.js';

const CONSTANTS = `
const L2E = bitcast<f32>(0x3fb8aa3bu);
const LN2_HI = bitcast<f32>(0x3f317200u);
const LN2_LO = bitcast<f32>(0x35bfbe8eu);
fn poly(r: f32, c2: f32, c3: f32, c4: f32, c5: f32, c6: f32) -> f32 {
  let r2 = r * r;
  let a = r * c3 + c2;
  let b = r * c5 + c4;
  let q = r2 * (r2 * c6 + b) + a;
  return r + r2 * q;
}
`;

// P0 = alpha bits
const FORWARD = `${CONSTANTS}
fn f(x: u32, gi: u32) -> u32 {
  if (is_nan(x) || ((x >> 31u) == 0u && x != 0u)) { return x; }
  if (((x >> 23u) & 0xffu) < 103u) { return mul_exact(P0(), x); }
  var xf = bitcast<f32>(x);
  if (ord(x) < ord(0xc1f00000u)) { xf = -30.0; }
  let t = xf * L2E + bitcast<f32>(0x4b40007fu);
  let tb = bitcast<u32>(t);
  let k = i32(tb) - i32(0x4b40007fu);
  let kf = f32(k);
  let r = (xf - kf * LN2_HI) - kf * LN2_LO;
  let s = bitcast<f32>(tb << 23u);
  let p = poly(r, bitcast<f32>(0x3effffffu), bitcast<f32>(0x3e2aaa58u), bitcast<f32>(0x3d2aab3au),
    bitcast<f32>(0x3c0913b9u), bitcast<f32>(0x3ab5f602u));
  let e = s * p + (s - 1.0);
  return mul_exact(P0(), bitcast<u32>(e));
}`;

// P0 = alpha bits, P1 = AM = |alpha| / 2^ea * 2^24 (an integer in [2^23, 2^24)), P2 = ea (i32).
// Only x - k LN2_HI is a float operation, and its result is exact;
// the rest is integer arithmetic (the README's "elu backward" has the error bound).
const BACKWARD_X = `
const LN2_HI = bitcast<f32>(0x3f317200u);
// (ln 2 - LN2_HI) * 2^48 = 402117071.475: its 16-bit halves
const D_HI = 0x17f7u;
const D_LO = 0xd1cfu;

// a * b as (lo, hi), from 16-bit halves
fn mul64(a: u32, b: u32) -> vec2<u32> {
  let a0 = a & 0xffffu;
  let a1 = a >> 16u;
  let b0 = b & 0xffffu;
  let b1 = b >> 16u;
  let p00 = a0 * b0;
  let p01 = a0 * b1;
  let mid = p01 + a1 * b0;
  let carry = select(0u, 0x10000u, mid < p01);
  let lo = p00 + (mid << 16u);
  return vec2<u32>(lo, a1 * b1 + (mid >> 16u) + carry + select(0u, 1u, lo < p00));
}

// r * h / 2^32 rounded toward zero, for |r| < 2^31 and h >= 0
fn mulq(r: i32, h: i32) -> i32 {
  let m = i32(mul64(u32(abs(r)), u32(h)).y);
  return select(m, -m, r < 0);
}

// the float32 v (|v| < 0.5) as round(v * 2^32)
fn to_q32(b: u32) -> i32 {
  let e = i32((b >> 23u) & 0xffu);
  if (e < 94) { return 0; }
  let m = (b & 0x7fffffu) | 0x800000u;
  let sh = 118 - e;
  var q: u32;
  if (sh <= 0) { q = m << u32(-sh); } else { q = (m + (1u << u32(sh - 1))) >> u32(sh); }
  return select(i32(q), -i32(q), (b >> 31u) != 0u);
}

// a * g * 2^ge correctly rounded to nearest even, for any float32 bits a and g >= 2^24
// (leading zeros from exact float conversions: a vector clz is slow on SwiftShader)
fn mul_scaled(a: u32, g: u32, ge: i32) -> u32 {
  let s = a & 0x80000000u;
  let ea = (a >> 23u) & 0xffu;
  let ma = a & 0x7fffffu;
  if (ea == 255u) { if (ma != 0u) { return quiet(a); } return s | 0x7f800000u; }
  if ((a & 0x7fffffffu) == 0u) { return s; }
  var sa = ma;
  var xa = i32(ea);
  if (ea == 0u) { xa = 1; } else { sa = sa | 0x800000u; }
  let la = 150 - i32(bitcast<u32>(f32(sa)) >> 23u);
  sa = sa << u32(la);
  xa = xa - la;
  let lb = 158u - (bitcast<u32>(f32(g & 0xff000000u)) >> 23u);
  // a = sa * 2^(xa - 150), g * 2^ge = (g << lb) * 2^(ge - lb); P in [2^54, 2^56)
  let p = mul64(sa, g << lb);
  let lo = p.x;
  let hi = p.y;
  let t = select(54, 55, (hi >> 23u) != 0u);
  return round_pack(s, hi, lo, t, xa + ge - i32(lb) - 23 + t, 56);
}

fn f(dy: u32, x: u32, gi: u32) -> u32 {
  if (is_nan(x)) { return quiet(x); }
  if ((x >> 31u) == 0u && x != 0u) { return dy; }
  if ((P0() & 0x7fffffffu) == 0u) { return mul_exact(dy, P0()); }
  if (ord(x) < ord(0xc3340000u)) {
    // x < -180: |alpha| e^x < 2^-131 for every float32 alpha, a flushable factor
    if (((dy >> 23u) & 0xffu) == 255u) { return 0x7fc00000u; }
    return (dy ^ P0()) & 0x80000000u;
  }
  // k = round(x log2 e) in [-260, 0] from x's bits (within 1/2 + 2^-14, so |r| < 0.3466):
  // |x| log2 e = m L / 2^(180 - e) with L = log2(e) 2^30; k = 0 below |x| = 2^-10
  let ex = (x >> 23u) & 0xffu;
  var k = 0;
  if (ex >= 117u) {
    let lk = mul64((x & 0x7fffffu) | 0x800000u, 0x5c551d95u);
    let s = 180u - ex;
    k = -i32((lk.y + (1u << (s - 33u))) >> (s - 32u));
  }
  // r1 = x - k LN2_HI is exact (24 bits: Sterbenz, or both multiples of 2^-25 below 0.5),
  // so any rounding or fusion gives it; r = r1 - k (ln 2 - LN2_HI) in Q32
  var r1 = x;
  if (k != 0) { r1 = bitcast<u32>(bitcast<f32>(x) - f32(k) * LN2_HI); }
  let ak = u32(-k);
  let r = to_q32(r1) + i32(ak * D_HI + ((ak * D_LO + 0x8000u) >> 16u));
  // e^r = 1 + r (1 + r (1/2 + ... + r/8!)) in Q30 (Taylor, degree 8)
  var h = 26631;
  h = 213044 + mulq(r, h);
  h = 1491308 + mulq(r, h);
  h = 8947849 + mulq(r, h);
  h = 44739243 + mulq(r, h);
  h = 178956971 + mulq(r, h);
  h = 536870912 + mulq(r, h);
  h = 1073741824 + mulq(r, h);
  let e30 = 1073741824 + mulq(r, h);
  // G = am e^r 2^31 (AM e30 < 1.42 * 2^54), then dy * G * 2^(k + ea - 31), alpha's sign
  let pr = mul64(P1(), u32(e30));
  let g = (pr.x >> 23u) | (pr.y << 9u);
  return mul_scaled(dy ^ (P0() & 0x80000000u), g, k + i32(P2()) - 31);
}`;

// P0 = alpha bits
const BACKWARD_Y = `
fn f(dy: u32, y: u32, gi: u32) -> u32 {
  if (is_nan(y)) { return quiet(y); }
  if ((y >> 31u) == 0u && y != 0u) { return dy; }
  let a = P0();
  var s = bitcast<u32>(bitcast<f32>(y) + bitcast<f32>(a));
  if ((s & 0x7fffffffu) == 0u) {
    // a zero (or flushed) sum gets IEEE's sign from the operands, not from the device:
    // -0 + -0 = -0, x + (-x) = +0, else the sign of the larger magnitude
    let ym = y & 0x7fffffffu;
    let am = a & 0x7fffffffu;
    if (((y ^ a) >> 31u) == 0u) { s = y & 0x80000000u; }
    else if (ym == am) { s = 0u; }
    else { s = select(a, y, ym > am) & 0x80000000u; }
  }
  return mul_exact(dy, s);
}`;

/** |alpha| = am * 2^ea with am in [0.5, 1): am * 2^24 (an integer) and ea. */
function splitAlpha(alpha: number): [number, number] {
  const a = Math.abs(alpha);
  if (a === 0) return [0, 0];
  let ea = Math.floor(Math.log2(a)) + 1;
  let am = a / 2 ** ea;
  if (am >= 1) {
    am /= 2;
    ea++;
  } else if (am < 0.5) {
    am *= 2;
    ea--;
  }
  return [am * 2 ** 24, ea >>> 0];
}

export function eluKernel(dev: WebGpuDevice): ActivationKernel<AlphaParams> {
  return {
    forward({ x, y, size, params }) {
      runElementwise(dev, 'elu', 'elu/f', FORWARD, size, [x as WebGpuBuffer], y as WebGpuBuffer, [
        bitsOf(params.alpha),
      ]);
    },
    backward({ dy, source, from, dx, size, params }) {
      const a = bitsOf(params.alpha);
      if (from === 'y') {
        runElementwise(
          dev,
          'eluBackward',
          'elu/by',
          BACKWARD_Y,
          size,
          [dy as WebGpuBuffer, source as WebGpuBuffer],
          dx as WebGpuBuffer,
          [a],
        );
      } else {
        runElementwise(
          dev,
          'eluBackward',
          'elu/bx',
          BACKWARD_X,
          size,
          [dy as WebGpuBuffer, source as WebGpuBuffer],
          dx as WebGpuBuffer,
          [a, ...splitAlpha(params.alpha)],
        );
      }
    },
  };
}

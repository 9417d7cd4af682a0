// elu: y = x > 0 ? x : alpha*expm1(x); dx = x > 0 ? dy : dy*alpha*e^x, or from y
// dy*(y + alpha). WGSL has no expm1 and its exp allows 3 + 2|x| ulp, so e^x is our
// own: k = round(x log2 e) by the magic-number trick read back as an integer (no
// float cancellation a compiler could fold), r = (x - k LN2_HI) - k LN2_LO (exact
// first step), e^r - 1 = r + r^2 q(r) (minimax, degree 4, the constants and error
// bounds of backend-wasm-simd's elu: within 1.65 * 2^-24 forward and 1.961 * 2^-24
// backward before the final product). Selects on bit patterns; tiny |x| < 2^-24
// (where flushing would lose the sign) and all final products go through mul_exact.
// Backward scales by 2^(k + ea) with |alpha| = am * 2^ea, exactly, in up to two steps.

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

// P0 = alpha bits, P1 = am bits (|alpha| = am * 2^ea, am in [0.5, 1)), P2 = ea (i32)
const BACKWARD_X = `${CONSTANTS}
fn pow2(e: i32) -> u32 { return u32(e + 127) << 23u; }
fn f(dy: u32, x: u32, gi: u32) -> u32 {
  if (is_nan(x)) { return quiet(x); }
  if ((x >> 31u) == 0u && x != 0u) { return dy; }
  if ((P0() & 0x7fffffffu) == 0u) { return mul_exact(dy, P0()); }
  var xf = bitcast<f32>(x);
  if (ord(x) < ord(0xc3340000u)) { xf = -180.0; }
  let t = (xf * L2E + bitcast<f32>(0xbdacd9e8u)) + bitcast<f32>(0x4b400000u);
  let k = i32(bitcast<u32>(t)) - i32(0x4b400000u);
  let kf = f32(k);
  let r = (xf - kf * LN2_HI) - kf * LN2_LO;
  let p = poly(r, bitcast<f32>(0x3f000003u), bitcast<f32>(0x3e2aaa6cu), bitcast<f32>(0x3d2aa1d1u),
    bitcast<f32>(0x3c08f89bu), bitcast<f32>(0x3ac009b7u));
  let am = bitcast<f32>(P1());
  let g = bitcast<u32>(am + am * p) | (P0() & 0x80000000u);
  let e = k + i32(P2());
  if (e >= -124 && e <= 124) { return mul_exact(dy, g + (u32(e) << 23u)); }
  if (e > 124) { return mul_exact(mul_exact(dy, g + (u32(e - 64) << 23u)), pow2(64)); }
  if (e >= -186) { return mul_exact(mul_exact(dy, g + (u32(e + 64) << 23u)), pow2(-64)); }
  if (((dy >> 23u) & 0xffu) == 255u) { return 0x7fc00000u; }
  return (dy ^ P0()) & 0x80000000u;
}`;

// P0 = alpha bits
const BACKWARD_Y = `
fn f(dy: u32, y: u32, gi: u32) -> u32 {
  if (is_nan(y)) { return quiet(y); }
  if ((y >> 31u) == 0u && y != 0u) { return dy; }
  var s = bitcast<u32>(bitcast<f32>(y) + bitcast<f32>(P0()));
  if ((s & 0x7fffffffu) == 0u) { s = 0u; }
  return mul_exact(dy, s);
}`;

/** |alpha| = am * 2^ea with am in [0.5, 1): am's bits and ea. */
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
  return [bitsOf(am), ea >>> 0];
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

// prelu: y = x < 0 ? s[c]*x : x, dx = x > 0 ? dy : s[c]*dy with c = (i / inner) mod C
// (slopes read from a device buffer), and dslope[c] = sum over channel c of
// (x > 0 ? 0 : x*dy) for any channel axis, through the deterministic reduction
// (skipped when dslope is null: paramGrad: false).
// Products via mul_exact: exact for subnormal operands and results.

import type { PreluKernel } from '@pointwise/core';
import type { WebGpuBuffer, WebGpuDevice } from '../backend.js';
import { runElementwise } from './elementwise.js';
import { runReduction, type TermSpec } from './reduce.js';

const SLOPE = `fn slope(gi: u32) -> u32 { if (P1() <= 1u) { return e0[0]; } return e0[(gi / P0()) % P1()]; }`;
const FORWARD = `${SLOPE}
fn f(x: u32, gi: u32) -> u32 { if (f_lt(x, 0u)) { return mul_exact(slope(gi), x); } return x; }`;
const BACKWARD = `${SLOPE}
fn f(dy: u32, x: u32, gi: u32) -> u32 { if (f_gt(x, 0u)) { return dy; } return mul_exact(slope(gi), dy); }`;
const DSLOPE: TermSpec = {
  key: 'dslope',
  inputs: [4, 4],
  wgsl: `fn prologue(gk: u32) -> vec4<u32> { return vec4<u32>(0u); }
fn term(li: u32, gi: u32, pw: vec4<u32>, q: u32) -> u32 {
  let x = in1[li];
  if (f_gt(x, 0u)) { return 0u; }
  return mul_exact(x, in0[li]);
}`,
};

export function preluKernel(dev: WebGpuDevice): PreluKernel {
  return {
    forward({ x, y, size, params }) {
      runElementwise(
        dev,
        'prelu',
        'prelu/f',
        FORWARD,
        size,
        [x as WebGpuBuffer],
        y as WebGpuBuffer,
        [params.inner, params.channels],
        [params.slope as WebGpuBuffer],
      );
    },
    backward({ dy, source, dx, size, params, dslope }) {
      // the sum first: dx may be dy itself (in place), and the reduction reads dy;
      // dslope null (paramGrad: false): no reduction, no partials, the dx pass only
      const C = params.channels;
      if (dslope !== null) {
        runReduction(
          dev,
          DSLOPE,
          size,
          C,
          C === 1 ? 1 : params.inner,
          [dy as WebGpuBuffer, source as WebGpuBuffer],
          [],
          dslope as WebGpuBuffer,
        );
      }
      runElementwise(
        dev,
        'preluBackward',
        'prelu/b',
        BACKWARD,
        size,
        [dy as WebGpuBuffer, source as WebGpuBuffer],
        dx as WebGpuBuffer,
        [params.inner, params.channels],
        [params.slope as WebGpuBuffer],
      );
    },
  };
}

// clippedRelu: y = x <= 0 ? +0 : (x >= c ? c : x), dx = (x <= 0 or x >= c) ? +0 : dy,
// and from x the PACT gradient dceiling = sum of (x >= c ? dy : 0) through the
// deterministic two-pass reduction. Bit-pattern selects only. A device ceiling is
// copied into the same uniform word on the GPU (P0 = word 2, T0 = word 9): no read-back.

import type { CeilingParams, ClippedReluKernel } from '@pointwise/core';
import type { UniformPatch, WebGpuBuffer, WebGpuDevice } from '../backend.js';
import { runElementwise } from './elementwise.js';
import { runReduction, type TermSpec } from './reduce.js';
import { bitsOf } from './wgsl.js';

const FORWARD = `fn f(x: u32, gi: u32) -> u32 {
  if (f_le(x, 0u)) { return 0u; }
  if (f_ge(x, P0())) { return P0(); }
  return x;
}`;
const BACKWARD = `fn f(dy: u32, s: u32, gi: u32) -> u32 {
  if (f_le(s, 0u) || f_ge(s, P0())) { return 0u; }
  return dy;
}`;
const DCEILING: TermSpec = {
  key: 'dceiling',
  inputs: [4, 4],
  wgsl: `fn prologue(gk: u32) -> vec4<u32> { return vec4<u32>(0u); }
fn term(li: u32, gi: u32, pw: vec4<u32>, q: u32) -> u32 {
  if (f_ge(in1[li], T0())) { return in0[li]; }
  return 0u;
}`,
};

/** The device ceiling as a patch of uniform word `word`, or none. */
function ceilingPatch(p: CeilingParams, word: number): UniformPatch[] {
  return p.ceilingBuffer === null ? [] : [{ word, buffer: p.ceilingBuffer as WebGpuBuffer }];
}

export function clippedReluKernel(dev: WebGpuDevice): ClippedReluKernel {
  return {
    forward({ x, y, size, params }) {
      runElementwise(
        dev,
        'clippedRelu',
        'clippedRelu/f',
        FORWARD,
        size,
        [x as WebGpuBuffer],
        y as WebGpuBuffer,
        [bitsOf(params.ceiling)],
        [],
        ceilingPatch(params, 2),
      );
    },
    backward({ dy, source, dx, size, params, dceiling }) {
      const c = bitsOf(params.ceiling);
      // the sum first: dx may be dy itself (in place), and the reduction reads dy;
      // dceiling null (from y, or paramGrad: false): no reduction, the dx pass only
      if (dceiling !== null) {
        runReduction(
          dev,
          DCEILING,
          size,
          1,
          1,
          [dy as WebGpuBuffer, source as WebGpuBuffer],
          [c],
          dceiling as WebGpuBuffer,
          false,
          ceilingPatch(params, 9),
        );
      }
      runElementwise(
        dev,
        'clippedReluBackward',
        'clippedRelu/b',
        BACKWARD,
        size,
        [dy as WebGpuBuffer, source as WebGpuBuffer],
        dx as WebGpuBuffer,
        [c],
        [],
        ceilingPatch(params, 2),
      );
    },
  };
}

// shiftedRelu (ReLU with a learnable threshold): y = x <= t ? +0 : f32(x - t), with the
// difference through add_exact (a subnormal difference, which a flushing device would
// zero, takes the integer path); dx = x <= t ? +0 : dy, or from y with y <= 0 (the same
// elements); dthreshold = -(sum of the passing dy) from x or y, through the reduction
// (skipped when dthreshold is null: paramGrad: false).

import type { ShiftedReluKernel, ThresholdParams } from '@pointwise/core';
import type { UniformPatch, WebGpuBuffer, WebGpuDevice } from '../backend.js';
import { runElementwise } from './elementwise.js';
import { runReduction, type TermSpec } from './reduce.js';
import { bitsOf } from './wgsl.js';

const FORWARD = `fn f(x: u32, gi: u32) -> u32 {
  if (is_nan(x)) { return x; }
  if (f_le(x, P0())) { return 0u; }
  // a device threshold may be NaN (x - NaN = NaN) or -Inf (x - -Inf = +Inf for any x > t)
  let t = P0();
  if ((t & 0x7fffffffu) >= 0x7f800000u) { return select(0x7f800000u, quiet(t), is_nan(t)); }
  if (x == 0x7f800000u) { return x; }
  return add_exact(x, t ^ 0x80000000u);
}`;
const BACKWARD = `fn f(dy: u32, s: u32, gi: u32) -> u32 { if (f_le(s, P0())) { return 0u; } return dy; }`;
const DTHRESHOLD: TermSpec = {
  key: 'dthreshold',
  inputs: [4, 4],
  wgsl: `fn prologue(gk: u32) -> vec4<u32> { return vec4<u32>(0u); }
fn term(li: u32, gi: u32, pw: vec4<u32>, q: u32) -> u32 {
  if (f_le(in1[li], T0())) { return 0u; }
  return in0[li];
}`,
};

/** A device threshold as a patch of uniform word `word` (P0 = 2, T0 = 9), or none. */
function thresholdPatch(p: ThresholdParams, word: number): UniformPatch[] {
  return p.thresholdBuffer === null ? [] : [{ word, buffer: p.thresholdBuffer as WebGpuBuffer }];
}

export function shiftedReluKernel(dev: WebGpuDevice): ShiftedReluKernel {
  return {
    forward({ x, y, size, params }) {
      runElementwise(
        dev,
        'shiftedRelu',
        'shiftedRelu/f',
        FORWARD,
        size,
        [x as WebGpuBuffer],
        y as WebGpuBuffer,
        [bitsOf(params.threshold)],
        [],
        thresholdPatch(params, 2),
      );
    },
    backward({ dy, source, from, dx, size, params, dthreshold }) {
      // from y the kink is y <= 0 (y = +0 exactly where x <= t)
      const t = from === 'x' ? bitsOf(params.threshold) : 0;
      const inputs = [dy as WebGpuBuffer, source as WebGpuBuffer];
      const fromX = from === 'x';
      // the sum first: dx may be dy itself (in place), and the reduction reads dy;
      // dthreshold null (paramGrad: false): no reduction, no partials, the dx pass only
      if (dthreshold !== null) {
        runReduction(
          dev,
          DTHRESHOLD,
          size,
          1,
          1,
          inputs,
          [t],
          dthreshold as WebGpuBuffer,
          true,
          fromX ? thresholdPatch(params, 9) : [],
        );
      }
      runElementwise(
        dev,
        'shiftedReluBackward',
        'shiftedRelu/b',
        BACKWARD,
        size,
        inputs,
        dx as WebGpuBuffer,
        [t],
        [],
        fromX ? thresholdPatch(params, 2) : [],
      );
    },
  };
}

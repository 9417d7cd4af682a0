// Dense dropout with replacement: one invocation per Philox block (4 elements, one
// mask word). Element i is dropped iff (word >>> 8) < threshold, an integer compare
// (never a u32 -> f32 conversion). y = dropped ? f32(replacement) : (scale ?
// x*scale : x) with the product through mul_exact; the mask is written as u32 words
// (bytes little-endian). Backward reads the mask or regenerates it from the seed,
// and dreplacement = sum of dy over dropped elements through the reduction (skipped
// when dreplacement is null: paramGrad: false).

import type { DropoutKernel, DropoutParams } from '@pointwise/core';
import { type Bound, range, type WebGpuBuffer, type WebGpuDevice } from '../backend.js';
import { PARAMS } from './elementwise.js';
import { runReduction, type TermSpec } from './reduce.js';
import { bitsOf, COMMON, MAIN_ARGS, UNIFORM } from './wgsl.js';

// uniform: n, base | P0 threshold, P1 seedLo, P2 seedHi, P3 streamLo, P4 streamHi,
// P5 replacement bits, P6 scale bits, P7 1 when scaling
const DRAW = `
fn draw(block: u32) -> vec4<u32> {
  return philox(vec4<u32>(block, 0u, P3(), P4()), vec2<u32>(P1(), P2()));
}
fn kept(w: u32) -> bool { return (w >> 8u) >= P0(); }
fn scaled(v: u32) -> u32 { if (P7() != 0u) { return mul_exact(v, P6()); } return v; }
`;

function forwardSource(withMask: boolean): string {
  return `${UNIFORM}
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> y: array<u32>;
${withMask ? '@group(0) @binding(3) var<storage, read_write> mask: array<u32>;' : ''}
${COMMON}${PARAMS}${DRAW}
@compute @workgroup_size(256)
fn main(${MAIN_ARGS}) {
  let t = (wid.y * nwg.x + wid.x) * 256u + lid;
  let e0 = t * 4u;
  let n = u.w0.x;
  if (e0 >= n) { return; }
  let w = draw((u.w0.y + e0) / 4u);
  var word = 0u;
  for (var j = 0u; j < 4u; j = j + 1u) {
    let e = e0 + j;
    if (e < n) {
      if (kept(w[j])) {
        y[e] = scaled(x[e]);
        word = word | (1u << (8u * j));
      } else {
        y[e] = P5();
      }
    }
  }
  ${withMask ? 'mask[t] = word;' : ''}
}
`;
}

/** `inPlace`: dx is dy's buffer, bound once as read_write (WebGPU refuses it twice). */
function backwardSource(withMask: boolean, inPlace: boolean): string {
  const m = inPlace ? 2 : 3;
  return `${UNIFORM}
${inPlace ? '' : '@group(0) @binding(1) var<storage, read> dy: array<u32>;'}
@group(0) @binding(${inPlace ? 1 : 2}) var<storage, read_write> dx: array<u32>;
${withMask ? `@group(0) @binding(${m}) var<storage, read> mask: array<u32>;` : ''}
${COMMON}${PARAMS}${DRAW}
@compute @workgroup_size(256)
fn main(${MAIN_ARGS}) {
  let t = (wid.y * nwg.x + wid.x) * 256u + lid;
  let e0 = t * 4u;
  let n = u.w0.x;
  if (e0 >= n) { return; }
  ${withMask ? 'let m = mask[t];' : 'let w = draw((u.w0.y + e0) / 4u);'}
  for (var j = 0u; j < 4u; j = j + 1u) {
    let e = e0 + j;
    if (e < n) {
      ${withMask ? 'let keep = ((m >> (8u * j)) & 0xffu) != 0u;' : 'let keep = kept(w[j]);'}
      if (keep) { dx[e] = scaled(${inPlace ? 'dx' : 'dy'}[e]); } else { dx[e] = 0u; }
    }
  }
}
`;
}

// term params: T0 threshold, T1 seedLo, T2 seedHi, T3 streamLo, T4 streamHi
const DREPLACEMENT_DRAWN: TermSpec = {
  key: 'dreplacement/drawn',
  inputs: [4],
  wgsl: `fn prologue(gk: u32) -> vec4<u32> {
  return philox(vec4<u32>(gk / 4u, 0u, T3(), T4()), vec2<u32>(T1(), T2()));
}
fn term(li: u32, gi: u32, pw: vec4<u32>, q: u32) -> u32 {
  if ((pw[q] >> 8u) < T0()) { return in0[li]; }
  return 0u;
}`,
};
const DREPLACEMENT_MASK: TermSpec = {
  key: 'dreplacement/mask',
  inputs: [4, 1],
  wgsl: `fn prologue(gk: u32) -> vec4<u32> { return vec4<u32>(0u); }
fn term(li: u32, gi: u32, pw: vec4<u32>, q: u32) -> u32 {
  if (((in1[li / 4u] >> (8u * (li % 4u))) & 0xffu) == 0u) { return in0[li]; }
  return 0u;
}`,
};

function words(p: DropoutParams): number[] {
  return [
    p.threshold,
    p.seedLo,
    p.seedHi,
    p.streamLo,
    p.streamHi,
    bitsOf(p.replacement),
    p.scale === null ? 0 : bitsOf(p.scale),
    p.scale === null ? 0 : 1,
  ];
}

export function dropoutKernel(dev: WebGpuDevice): DropoutKernel {
  return {
    forward({ x, y, mask, size, params }) {
      dev.check('dropoutWithReplacement');
      const withMask = mask !== null;
      const kinds = withMask
        ? (['uniform', 'read', 'write', 'write'] as const)
        : (['uniform', 'read', 'write'] as const);
      const kernel = dev.kernel(`dropout/f/${withMask}`, kinds, () => forwardSource(withMask));
      const p = words(params);
      const chunk = dev.chunkElements(4);
      for (let base = 0; base < size; base += chunk) {
        const len = Math.min(chunk, size - base);
        const bound: Bound[] = [
          range(x as WebGpuBuffer, base, len, 4),
          range(y as WebGpuBuffer, base, len, 4),
        ];
        if (withMask) bound.push(range(mask as WebGpuBuffer, base, len, 1));
        // a device replacement goes into P5 (word 7) on the GPU, as the same bits
        const patch =
          params.replacementBuffer === null
            ? []
            : [{ word: 7, buffer: params.replacementBuffer as WebGpuBuffer }];
        dev.dispatch(kernel, Math.ceil(len / 1024), [len, base, ...p], bound, patch);
      }
    },
    backward({ dy, mask, dx, dreplacement, size, params }) {
      dev.check('dropoutWithReplacementBackward');
      const withMask = mask !== null;
      const p = words(params);
      // the sum first: dx may be dy itself (in place), and the reduction reads dy;
      // dreplacement null (paramGrad: false): no reduction, no partials, the dx pass only
      if (dreplacement !== null) {
        runReduction(
          dev,
          withMask ? DREPLACEMENT_MASK : DREPLACEMENT_DRAWN,
          size,
          1,
          1,
          withMask ? [dy as WebGpuBuffer, mask as WebGpuBuffer] : [dy as WebGpuBuffer],
          withMask ? [] : p.slice(0, 5),
          dreplacement as WebGpuBuffer,
        );
      }
      const inPlace = (dy as WebGpuBuffer).buffer === (dx as WebGpuBuffer).buffer;
      const kinds: ('uniform' | 'read' | 'write')[] = ['uniform'];
      if (!inPlace) kinds.push('read');
      kinds.push('write');
      if (withMask) kinds.push('read');
      const kernel = dev.kernel(`dropout/b/${withMask}/${inPlace}`, kinds, () =>
        backwardSource(withMask, inPlace),
      );
      const chunk = dev.chunkElements(4);
      for (let base = 0; base < size; base += chunk) {
        const len = Math.min(chunk, size - base);
        const bound: Bound[] = [];
        if (!inPlace) bound.push(range(dy as WebGpuBuffer, base, len, 4));
        bound.push(range(dx as WebGpuBuffer, base, len, 4));
        if (withMask) bound.push(range(mask as WebGpuBuffer, base, len, 1));
        dev.dispatch(kernel, Math.ceil(len / 1024), [len, base, ...p], bound);
      }
    },
  };
}

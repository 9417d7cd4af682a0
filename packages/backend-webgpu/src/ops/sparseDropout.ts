// Caffe2's SparseDropoutWithReplacement on the GPU: per-segment Philox decision,
// integer exclusive scans of input and output lengths by reduce-then-scan (block
// sums, one workgroup scanning the block sums, block-local scans; no decoupled
// look-back, which needs forward-progress guarantees WebGPU does not give), then a
// scatter: one thread per input element finds its segment by binary search and
// copies its id if kept; one thread per dropped segment writes the replacement.
// int64 ids move as pairs of u32 words, never as numbers. The output size is the
// one small read-back (4 bytes).

import type { SparseDropoutCall, SparseDropoutKernel, SparseDropoutResult } from '@pointwise/core';
import { PointwiseError } from '@pointwise/core';
import type { WebGpuBuffer, WebGpuDevice } from '../backend.js';
import { MAIN_ARGS, PHILOX, UNIFORM } from './wgsl.js';

// uniform: w0 = S, n, threshold, B | w1 = seedLo, seedHi, streamLo, streamHi | w2 = replLo, replHi, W
const SEGMENTS = /* wgsl */ `
fn decisions(base: u32) -> vec4<u32> {
  return philox(vec4<u32>(base / 4u, 0u, u.w1.z, u.w1.w), vec2<u32>(u.w1.x, u.w1.y));
}
fn keeps(w: u32) -> bool { return (w >> 8u) >= u.w0.z; }
var<workgroup> sa: array<u32, 256>;
var<workgroup> sb: array<u32, 256>;
`;

const PASS_A = `${UNIFORM}
@group(0) @binding(1) var<storage, read> lengths: array<u32>;
@group(0) @binding(2) var<storage, read_write> blocks: array<u32>;
${PHILOX}${SEGMENTS}
@compute @workgroup_size(256)
fn main(${MAIN_ARGS}) {
  let b = wid.y * nwg.x + wid.x;
  if (b >= u.w0.w) { return; }
  let base = b * 1024u + lid * 4u;
  let w = decisions(base);
  var sIn = 0u;
  var sOut = 0u;
  for (var q = 0u; q < 4u; q = q + 1u) {
    let j = base + q;
    if (j < u.w0.x) {
      let len = lengths[j];
      sIn = sIn + len;
      sOut = sOut + select(1u, len, keeps(w[q]));
    }
  }
  sa[lid] = sIn;
  sb[lid] = sOut;
  for (var s = 128u; s > 0u; s = s >> 1u) {
    workgroupBarrier();
    if (lid < s) { sa[lid] = sa[lid] + sa[lid + s]; sb[lid] = sb[lid] + sb[lid + s]; }
  }
  if (lid == 0u) { blocks[2u * b] = sa[0]; blocks[2u * b + 1u] = sb[0]; }
}
`;

const PASS_B = `${UNIFORM}
@group(0) @binding(1) var<storage, read_write> blocks: array<u32>;
@group(0) @binding(2) var<storage, read_write> total: array<u32>;
${PHILOX}${SEGMENTS}
@compute @workgroup_size(256)
fn main(${MAIN_ARGS}) {
  let B = u.w0.w;
  let per = (B + 255u) / 256u;
  let start = min(B, lid * per);
  let end = min(B, start + per);
  var sIn = 0u;
  var sOut = 0u;
  for (var b = start; b < end; b = b + 1u) { sIn = sIn + blocks[2u * b]; sOut = sOut + blocks[2u * b + 1u]; }
  sa[lid] = sIn;
  sb[lid] = sOut;
  workgroupBarrier();
  if (lid == 0u) {
    var rIn = 0u;
    var rOut = 0u;
    for (var t = 0u; t < 256u; t = t + 1u) {
      let a = sa[t];
      let c = sb[t];
      sa[t] = rIn;
      sb[t] = rOut;
      rIn = rIn + a;
      rOut = rOut + c;
    }
    total[0] = rOut;
    total[1] = rIn;
  }
  workgroupBarrier();
  var rIn = sa[lid];
  var rOut = sb[lid];
  for (var b = start; b < end; b = b + 1u) {
    let a = blocks[2u * b];
    let c = blocks[2u * b + 1u];
    blocks[2u * b] = rIn;
    blocks[2u * b + 1u] = rOut;
    rIn = rIn + a;
    rOut = rOut + c;
  }
}
`;

const PASS_C = `${UNIFORM}
@group(0) @binding(1) var<storage, read> lengths: array<u32>;
@group(0) @binding(2) var<storage, read> blocks: array<u32>;
@group(0) @binding(3) var<storage, read_write> offsets: array<u32>;
@group(0) @binding(4) var<storage, read_write> outLengths: array<u32>;
${PHILOX}${SEGMENTS}
@compute @workgroup_size(256)
fn main(${MAIN_ARGS}) {
  let b = wid.y * nwg.x + wid.x;
  if (b >= u.w0.w) { return; }
  let base = b * 1024u + lid * 4u;
  let w = decisions(base);
  var sIn = 0u;
  var sOut = 0u;
  for (var q = 0u; q < 4u; q = q + 1u) {
    let j = base + q;
    if (j < u.w0.x) {
      let len = lengths[j];
      sIn = sIn + len;
      sOut = sOut + select(1u, len, keeps(w[q]));
    }
  }
  sa[lid] = sIn;
  sb[lid] = sOut;
  workgroupBarrier();
  if (lid == 0u) {
    var rIn = blocks[2u * b];
    var rOut = blocks[2u * b + 1u];
    for (var t = 0u; t < 256u; t = t + 1u) {
      let a = sa[t];
      let c = sb[t];
      sa[t] = rIn;
      sb[t] = rOut;
      rIn = rIn + a;
      rOut = rOut + c;
    }
  }
  workgroupBarrier();
  var rIn = sa[lid];
  var rOut = sb[lid];
  for (var q = 0u; q < 4u; q = q + 1u) {
    let j = base + q;
    if (j < u.w0.x) {
      let len = lengths[j];
      let keep = keeps(w[q]);
      let outLen = select(1u, len, keep);
      offsets[3u * j] = rIn;
      offsets[3u * j + 1u] = rOut;
      offsets[3u * j + 2u] = select(0u, 1u, keep);
      outLengths[j] = outLen;
      rIn = rIn + len;
      rOut = rOut + outLen;
    }
  }
}
`;

const PASS_D = `${UNIFORM}
@group(0) @binding(1) var<storage, read> offsets: array<u32>;
@group(0) @binding(2) var<storage, read> values: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(256)
fn main(${MAIN_ARGS}) {
  let e = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (e >= u.w0.y) { return; }
  var lo = 0u;
  var hi = u.w0.x - 1u;
  while (lo < hi) {
    let mid = (lo + hi + 1u) / 2u;
    if (offsets[3u * mid] <= e) { lo = mid; } else { hi = mid - 1u; }
  }
  if (offsets[3u * lo + 2u] == 0u) { return; }
  let o = offsets[3u * lo + 1u] + (e - offsets[3u * lo]);
  let W = u.w2.z;
  for (var k = 0u; k < W; k = k + 1u) { out[W * o + k] = values[W * e + k]; }
}
`;

const PASS_E = `${UNIFORM}
@group(0) @binding(1) var<storage, read> offsets: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(256)
fn main(${MAIN_ARGS}) {
  let j = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (j >= u.w0.x || offsets[3u * j + 2u] != 0u) { return; }
  let W = u.w2.z;
  let o = offsets[3u * j + 1u];
  out[W * o] = u.w2.x;
  if (W == 2u) { out[W * o + 1u] = u.w2.y; }
}
`;

export function sparseDropoutKernel(dev: WebGpuDevice): SparseDropoutKernel {
  return {
    async forward(call: SparseDropoutCall): Promise<SparseDropoutResult> {
      const op = 'sparseDropoutWithReplacement';
      dev.check(op);
      const S = call.segments;
      const n = call.valuesSize;
      const W = call.valuesDtype === 'int64' ? 2 : 1;
      const limit = dev.limits.binding;
      if (n * W * 4 > limit || S * 12 > limit) {
        throw new PointwiseError(
          'OUT_OF_MEMORY',
          { op, arg: 'values', value: n },
          `sparse dropout binds values and segment offsets whole; they exceed the binding limit (${limit} bytes)`,
        );
      }
      const p = call.params;
      const r = BigInt.asUintN(64, p.replacement);
      const replLo = Number(r & 0xffffffffn);
      const replHi = Number(r >> 32n);
      const B = Math.ceil(S / 1024);
      const uniform = [
        S,
        n,
        p.threshold,
        B,
        p.seedLo,
        p.seedHi,
        p.streamLo,
        p.streamHi,
        replLo,
        replHi,
        W,
      ];
      const outLengths = call.alloc('int32', S) as WebGpuBuffer;
      const lengths = call.lengths as WebGpuBuffer;
      const blocks = dev.alloc('int32', Math.max(2, 2 * B));
      const total = dev.alloc('int32', 2);
      const offsets = dev.alloc('int32', Math.max(3, 3 * S));
      try {
        if (S > 0) {
          const a = dev.kernel('sparse/a', ['uniform', 'read', 'write'], () => PASS_A);
          const b = dev.kernel('sparse/b', ['uniform', 'write', 'write'], () => PASS_B);
          const c = dev.kernel(
            'sparse/c',
            ['uniform', 'read', 'read', 'write', 'write'],
            () => PASS_C,
          );
          dev.dispatch(a, B, uniform, [{ buffer: lengths }, { buffer: blocks }]);
          dev.dispatch(b, 1, uniform, [{ buffer: blocks }, { buffer: total }]);
          dev.dispatch(c, B, uniform, [
            { buffer: lengths },
            { buffer: blocks },
            { buffer: offsets },
            { buffer: outLengths },
          ]);
        }
        const outSize = S > 0 ? (await dev.read(total, 'int32', 1))[0]! >>> 0 : 0;
        const values = call.alloc(call.valuesDtype, outSize) as WebGpuBuffer;
        if (S > 0) {
          const d = dev.kernel('sparse/d', ['uniform', 'read', 'read', 'write'], () => PASS_D);
          const e = dev.kernel('sparse/e', ['uniform', 'read', 'write'], () => PASS_E);
          if (n > 0) {
            dev.dispatch(d, Math.ceil(n / 256), uniform, [
              { buffer: offsets },
              { buffer: call.values as WebGpuBuffer },
              { buffer: values },
            ]);
          }
          dev.dispatch(e, Math.ceil(S / 256), uniform, [{ buffer: offsets }, { buffer: values }]);
        }
        return { values, valuesSize: outSize, lengths: outLengths };
      } finally {
        dev.free(blocks);
        dev.free(total);
        dev.free(offsets);
      }
    },
  };
}

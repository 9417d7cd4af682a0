// Caffe2's SparseDropoutWithReplacement on the GPU: per-segment Philox decision,
// integer exclusive scans of input and output lengths by reduce-then-scan (block
// sums, one workgroup scanning the block sums, block-local scans; no decoupled
// look-back, which needs forward-progress guarantees WebGPU does not give), then a
// scatter: one thread per input element finds its segment by binary search and
// copies its id if kept; one thread per dropped segment writes the replacement.
// int64 ids move as pairs of u32 words, never as numbers.
//
// Everything chunks by the binding limit: segment arrays in chunks of CS segments
// (a multiple of the 1024-segment scan block), values and output in windows. The
// scan pass also fills a small table (the totals, the scan at each segment-chunk
// start, and for each output-window start the input position and segment that
// write it); that table is the one read-back, and from it the host cuts the copy
// into pieces that each touch one segment chunk, one value window and one output
// window (at most #chunks + #windows dispatches).
import type { SparseDropoutCall, SparseDropoutKernel, SparseDropoutResult } from '@pointwise/core';
import { PointwiseError } from '@pointwise/core';
import { range, type WebGpuBuffer, type WebGpuDevice } from '../backend.js';
import { pieces, windowOf, windows } from './chunks.js';
import { MAIN_ARGS, PHILOX, UNIFORM } from './wgsl.js';

// A, C uniform: w0 = len, segBase, threshold, blocks | w1 = seedLo, seedHi, streamLo,
// streamHi | w2 = CS, Co, qBase. segBase (the chunk's first segment) is a multiple of 1024.
const SEGMENTS = /* wgsl */ `
fn decisions(base: u32) -> vec4<u32> {
  return philox(vec4<u32>(base / 4u, 0u, u.w1.z, u.w1.w), vec2<u32>(u.w1.x, u.w1.y));
}
fn keeps(w: u32) -> bool { return (w >> 8u) >= u.w0.z; }
`;

/** The workgroup's (in, out) pairs, and their exclusive scan in place by thread 0. */
const SHARED = /* wgsl */ `
var<workgroup> sa: array<u32, 256>;
var<workgroup> sb: array<u32, 256>;
fn scan_shared(in0: u32, out0: u32) -> vec2<u32> {
  var rIn = in0;
  var rOut = out0;
  for (var t = 0u; t < 256u; t = t + 1u) {
    let a = sa[t];
    let c = sb[t];
    sa[t] = rIn;
    sb[t] = rOut;
    rIn = rIn + a;
    rOut = rOut + c;
  }
  return vec2<u32>(rIn, rOut);
}
`;

/** Per-thread sums over its 4 segments into sa / sb (local index `local`). */
const THREAD_SUMS = /* wgsl */ `
  let w = decisions(u.w0.y + local);
  var sIn = 0u;
  var sOut = 0u;
  for (var q = 0u; q < 4u; q = q + 1u) {
    let j = local + q;
    if (j < u.w0.x) {
      let len = lengths[j];
      sIn = sIn + len;
      sOut = sOut + select(1u, len, keeps(w[q]));
    }
  }
  sa[lid] = sIn;
  sb[lid] = sOut;
`;

/**
 * The entry point of the two per-block passes (A: block totals, C: offsets): block b of
 * 1024 segments, thread lid's 4 of them, their sums in sa / sb.
 */
const BLOCK_MAIN = /* wgsl */ `@compute @workgroup_size(256)
fn main(${MAIN_ARGS}) {
  let b = wid.y * nwg.x + wid.x;
  if (b >= u.w0.w) { return; }
  let local = b * 1024u + lid * 4u;
${THREAD_SUMS}`;

const PASS_A = `${UNIFORM}
@group(0) @binding(1) var<storage, read> lengths: array<u32>;
@group(0) @binding(2) var<storage, read_write> blocks: array<u32>;
${PHILOX}${SEGMENTS}${SHARED}
${BLOCK_MAIN}
  for (var s = 128u; s > 0u; s = s >> 1u) {
    workgroupBarrier();
    if (lid < s) { sa[lid] = sa[lid] + sa[lid + s]; sb[lid] = sb[lid] + sb[lid + s]; }
  }
  let g = u.w0.y / 1024u + b;
  if (lid == 0u) { blocks[2u * g] = sa[0]; blocks[2u * g + 1u] = sb[0]; }
}
`;

// uniform: w0.w = number of blocks. Exclusive scan of the block sums in place; the
// totals (out, in) go to table[0], table[1].
const PASS_B = `${UNIFORM}
@group(0) @binding(1) var<storage, read_write> blocks: array<u32>;
@group(0) @binding(2) var<storage, read_write> table: array<u32>;
${SHARED}
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
    let totals = scan_shared(0u, 0u);
    table[0] = totals.y;
    table[1] = totals.x;
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

// Per segment j (global): inOff, outOff, outLengths, a keep byte (4 per word). Into
// the table: at a segment-chunk start j = s * CS (s >= 1) table[2s], table[2s + 1] =
// the input and output scan; for every output-window start c = m * Co (m >= 1) that
// segment j's output covers, table[qBase + 2(m - 1)] = the input position Q(c) (the
// kept elements before it are exactly those writing below c) and the next word = j.
const PASS_C = `${UNIFORM}
@group(0) @binding(1) var<storage, read> lengths: array<u32>;
@group(0) @binding(2) var<storage, read> blocks: array<u32>;
@group(0) @binding(3) var<storage, read_write> inOff: array<u32>;
@group(0) @binding(4) var<storage, read_write> outOff: array<u32>;
@group(0) @binding(5) var<storage, read_write> keepw: array<u32>;
@group(0) @binding(6) var<storage, read_write> outLengths: array<u32>;
@group(0) @binding(7) var<storage, read_write> table: array<u32>;
${PHILOX}${SEGMENTS}${SHARED}
${BLOCK_MAIN}
  workgroupBarrier();
  if (lid == 0u) {
    let g = u.w0.y / 1024u + b;
    scan_shared(blocks[2u * g], blocks[2u * g + 1u]);
  }
  workgroupBarrier();
  let CS = u.w2.x;
  let Co = u.w2.y;
  var rIn = sa[lid];
  var rOut = sb[lid];
  var word = 0u;
  for (var q = 0u; q < 4u; q = q + 1u) {
    let jl = local + q;
    if (jl < u.w0.x) {
      let j = u.w0.y + jl;
      let len = lengths[jl];
      let keep = keeps(w[q]);
      let outLen = select(1u, len, keep);
      inOff[jl] = rIn;
      outOff[jl] = rOut;
      outLengths[jl] = outLen;
      if (keep) { word = word | (1u << (8u * q)); }
      if (j > 0u && j % CS == 0u) {
        table[2u * (j / CS)] = rIn;
        table[2u * (j / CS) + 1u] = rOut;
      }
      if (outLen > 0u) {
        var m = rOut / Co;
        if (m == 0u || m * Co < rOut) { m = m + 1u; }
        let last = (rOut + outLen - 1u) / Co;
        for (; m <= last; m = m + 1u) {
          let t = u.w2.z + 2u * (m - 1u);
          table[t] = select(rIn + len, rIn + (m * Co - rOut), keep);
          table[t + 1u] = j;
        }
      }
      rIn = rIn + len;
      rOut = rOut + outLen;
    }
  }
  if (local < u.w0.x) { keepw[local / 4u] = word; }
}
`;

const KEPT = /* wgsl */ `
fn kept(j: u32) -> bool { return ((keepw[j / 4u] >> (8u * (j % 4u))) & 0xffu) != 0u; }
`;

// One piece: input elements [lo, lo + count) whose segments lie in the bound segment
// chunk (segLen segments), values bound from element vBase, output from oBase.
// uniform: w0 = count, lo, segLen, W | w1 = vBase, oBase
const PASS_D = `${UNIFORM}
@group(0) @binding(1) var<storage, read> inOff: array<u32>;
@group(0) @binding(2) var<storage, read> outOff: array<u32>;
@group(0) @binding(3) var<storage, read> keepw: array<u32>;
@group(0) @binding(4) var<storage, read> values: array<u32>;
@group(0) @binding(5) var<storage, read_write> out: array<u32>;
${KEPT}
@compute @workgroup_size(256)
fn main(${MAIN_ARGS}) {
  let t = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (t >= u.w0.x) { return; }
  let e = u.w0.y + t;
  var lo = 0u;
  var hi = u.w0.z - 1u;
  while (lo < hi) {
    let mid = (lo + hi + 1u) / 2u;
    if (inOff[mid] <= e) { lo = mid; } else { hi = mid - 1u; }
  }
  if (!kept(lo)) { return; }
  let W = u.w0.w;
  let src = W * (e - u.w1.x);
  let dst = W * (outOff[lo] + (e - inOff[lo]) - u.w1.y);
  for (var k = 0u; k < W; k = k + 1u) { out[dst + k] = values[src + k]; }
}
`;

// One piece: segments [first, first + count) of the bound chunk, output from oBase.
// uniform: w0 = count, first, oBase, W | w1 = replacement lo, hi
const PASS_E = `${UNIFORM}
@group(0) @binding(1) var<storage, read> outOff: array<u32>;
@group(0) @binding(2) var<storage, read> keepw: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>;
${KEPT}
@compute @workgroup_size(256)
fn main(${MAIN_ARGS}) {
  let t = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (t >= u.w0.x) { return; }
  let j = u.w0.y + t;
  if (kept(j)) { return; }
  let W = u.w0.w;
  let dst = W * (outOff[j] - u.w0.z);
  out[dst] = u.w1.x;
  if (W == 2u) { out[dst + 1u] = u.w1.y; }
}
`;

/** Segments per chunk: a multiple of the 1024-segment scan block, 4 bytes each. */
function segmentChunk(binding: number): number {
  return Math.max(1024, Math.floor(binding / 4 / 1024) * 1024);
}

export function sparseDropoutKernel(dev: WebGpuDevice): SparseDropoutKernel {
  return {
    async forward(call: SparseDropoutCall): Promise<SparseDropoutResult> {
      const op = 'sparseDropoutWithReplacement';
      dev.check(op);
      const S = call.segments;
      const n = call.valuesSize;
      const W = call.valuesDtype === 'int64' ? 2 : 1;
      const limit = dev.limits.binding;
      const CS = segmentChunk(limit);
      const Cv = dev.chunkElements(4 * W);
      const B = Math.ceil(S / 1024);
      const Ks = Math.ceil(S / CS);
      const maxWindows = Math.ceil((n + S) / Cv);
      const qBase = 2 * Math.max(1, Ks);
      const tableWords = qBase + 2 * Math.max(0, maxWindows - 1);
      if (n + S > 0xffffffff) {
        throw new PointwiseError(
          'OUT_OF_MEMORY',
          { op, arg: 'values', value: n },
          `sparse dropout scans offsets in u32: values.length + segments (${n + S}) must stay below 2^32`,
        );
      }
      if (8 * B > limit || 4 * tableWords > limit) {
        throw new PointwiseError(
          'OUT_OF_MEMORY',
          { op, arg: 'lengths', value: S },
          `sparse dropout binds its block sums (8 bytes per 1024 segments) and chunk table (8 bytes per ${Cv} ids) whole; they exceed the binding limit (${limit} bytes)`,
        );
      }
      const p = call.params;
      const r = BigInt.asUintN(64, p.replacement);
      const replLo = Number(r & 0xffffffffn);
      const replHi = Number(r >> 32n);
      const outLengths = call.alloc('int32', S) as WebGpuBuffer;
      if (S === 0) {
        const none = call.alloc(call.valuesDtype, 0) as WebGpuBuffer;
        return { values: none, valuesSize: 0, lengths: outLengths };
      }
      const lengths = call.lengths as WebGpuBuffer;
      const blocks = dev.alloc('int32', 2 * B);
      const table = dev.alloc('int32', tableWords);
      const inOff = dev.alloc('int32', S);
      const outOff = dev.alloc('int32', S);
      const keep = dev.alloc('uint8', Math.max(4, S));
      try {
        const a = dev.kernel('sparse/a', ['uniform', 'read', 'write'], () => PASS_A);
        const b = dev.kernel('sparse/b', ['uniform', 'write', 'write'], () => PASS_B);
        const c = dev.kernel(
          'sparse/c',
          ['uniform', 'read', 'read', 'write', 'write', 'write', 'write', 'write'],
          () => PASS_C,
        );
        const head = (start: number, length: number) => [
          length,
          start,
          p.threshold,
          Math.ceil(length / 1024),
          p.seedLo,
          p.seedHi,
          p.streamLo,
          p.streamHi,
          CS,
          Cv,
          qBase,
        ];
        for (const w of windows(S, CS)) {
          dev.dispatch(a, Math.ceil(w.length / 1024), head(w.start, w.length), [
            range(lengths, w.start, w.length, 4),
            { buffer: blocks },
          ]);
        }
        dev.dispatch(b, 1, [0, 0, 0, B], [{ buffer: blocks }, { buffer: table }]);
        for (const w of windows(S, CS)) {
          dev.dispatch(c, Math.ceil(w.length / 1024), head(w.start, w.length), [
            range(lengths, w.start, w.length, 4),
            { buffer: blocks },
            ...windowOf(w.start, w.length, [
              [inOff, 4],
              [outOff, 4],
              [keep, 1],
              [outLengths, 4],
            ]),
            { buffer: table },
          ]);
        }
        // The one read-back: totals, segment-chunk starts, output-window starts.
        const t = (await dev.read(table, 'int32', tableWords)) as Int32Array;
        const words = new Uint32Array(t.buffer, t.byteOffset, t.length);
        const outSize = words[0]!;
        const windowsOut = Math.ceil(outSize / Cv);
        const chunkIn = Uint32Array.from({ length: Ks - 1 }, (_, s) => words[2 * (s + 1)]!);
        const windowIn = Uint32Array.from(
          { length: Math.max(0, windowsOut - 1) },
          (_, m) => words[qBase + 2 * m]!,
        );
        const windowSegment = Uint32Array.from(
          { length: Math.max(0, windowsOut - 1) },
          (_, m) => words[qBase + 2 * m + 1]!,
        );
        const valueStarts = Uint32Array.from(
          { length: Math.max(0, Math.ceil(n / Cv) - 1) },
          (_, k) => (k + 1) * Cv,
        );
        const chunkStarts = Uint32Array.from({ length: Ks - 1 }, (_, s) => (s + 1) * CS);
        const values = call.alloc(call.valuesDtype, outSize) as WebGpuBuffer;
        const input = call.values as WebGpuBuffer;
        const bindOut = (m: number) => range(values, m * Cv, Math.min(Cv, outSize - m * Cv), 4 * W);
        const d = dev.kernel(
          'sparse/d',
          ['uniform', 'read', 'read', 'read', 'read', 'write'],
          () => PASS_D,
        );
        const e = dev.kernel('sparse/e', ['uniform', 'read', 'read', 'write'], () => PASS_E);
        // copies: cut the input at value windows, segment chunks and output windows
        for (const piece of pieces(n, [valueStarts, chunkIn, windowIn])) {
          const [k, s, m] = piece.window as [number, number, number];
          const segStart = s * CS;
          const segLen = Math.min(CS, S - segStart);
          const count = piece.hi - piece.lo;
          dev.dispatch(
            d,
            Math.ceil(count / 256),
            [count, piece.lo, segLen, W, k * Cv, m * Cv],
            [
              ...windowOf(segStart, segLen, [
                [inOff, 4],
                [outOff, 4],
                [keep, 1],
              ]),
              range(input, k * Cv, Math.min(Cv, n - k * Cv), 4 * W),
              bindOut(m),
            ],
          );
        }
        // replacements: cut the segments at segment chunks and output windows
        if (outSize > 0) {
          for (const piece of pieces(S, [chunkStarts, windowSegment])) {
            const [s, m] = piece.window as [number, number];
            const segStart = s * CS;
            const count = piece.hi - piece.lo;
            dev.dispatch(
              e,
              Math.ceil(count / 256),
              [count, piece.lo - segStart, m * Cv, W, replLo, replHi],
              [
                ...windowOf(segStart, Math.min(CS, S - segStart), [
                  [outOff, 4],
                  [keep, 1],
                ]),
                bindOut(m),
              ],
            );
          }
        }
        return { values, valuesSize: outSize, lengths: outLengths };
      } finally {
        dev.free(blocks);
        dev.free(table);
        dev.free(inOff);
        dev.free(outOff);
        dev.free(keep);
      }
    },
  };
}

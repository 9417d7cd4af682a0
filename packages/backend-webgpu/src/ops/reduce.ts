// Deterministic per-channel sums (prelu dslope, clippedRelu dceiling, dropout
// dreplacement): a fixed two-pass tree whose shape depends only on the tensor's
// shape. The tensor is seen as [outer, C, inner]; channel c's m = outer*inner
// elements, enumerated k = o*inner + q, are cut into blocks of SPAN = 4096. Pass 1:
// one workgroup per (channel, block), each thread sums 16 terms in a fixed order,
// then a shared-memory tree; pass 2: one workgroup per channel sums its partials
// the same way. No atomics, no subgroups. Terms go through the flush-proof Acc.

import { PointwiseError } from '@pointwise/core';
import type { Bound, UniformPatch, WebGpuBuffer, WebGpuDevice } from '../backend.js';
import { range } from '../backend.js';
import { COMMON, MAIN_ARGS, UNIFORM } from './wgsl.js';

const SPAN = 4096;

/** A term of the sum: `fn term(li: u32, gi: u32, pw: vec4<u32>, q: u32) -> u32` plus `fn prologue(gk: u32) -> vec4<u32>`. */
export interface TermSpec {
  key: string;
  /** Bytes per element of each windowed input (in0, in1, …). */
  inputs: readonly number[];
  wgsl: string;
}

/** Term params are words T0..T6. */
const TERM_PARAMS = `
fn T0() -> u32 { return u.w2.y; }
fn T1() -> u32 { return u.w2.z; }
fn T2() -> u32 { return u.w2.w; }
fn T3() -> u32 { return u.w3.x; }
fn T4() -> u32 { return u.w3.y; }
fn T5() -> u32 { return u.w3.z; }
fn T6() -> u32 { return u.w3.w; }
`;

const TREE = /* wgsl */ `
var<workgroup> wb: array<f32, 256>;
var<workgroup> ws: array<f32, 256>;
var<workgroup> wf: array<u32, 256>;

fn tree(acc: Acc, lid: u32) -> Acc {
  wb[lid] = acc.big;
  ws[lid] = acc.small;
  wf[lid] = acc.flags;
  for (var s = 128u; s > 0u; s = s >> 1u) {
    workgroupBarrier();
    if (lid < s) {
      wb[lid] = wb[lid] + wb[lid + s];
      ws[lid] = ws[lid] + ws[lid + s];
      wf[lid] = wf[lid] | wf[lid + s];
    }
  }
  workgroupBarrier();
  return Acc(wb[0], ws[0], wf[0]);
}
`;

function pass1Source(term: TermSpec): string {
  const decls = term.inputs
    .map((_, i) => `@group(0) @binding(${i + 1}) var<storage, read> in${i}: array<u32>;`)
    .join('\n');
  const out = term.inputs.length + 1;
  // uniform: m, inner, R, J | winBase, c0, j0, nj | total, T0..T2 | T3..T6
  return `${UNIFORM}${decls}
@group(0) @binding(${out}) var<storage, read_write> partials: array<u32>;
${COMMON}${TERM_PARAMS}${TREE}
${term.wgsl}
@compute @workgroup_size(256)
fn main(${MAIN_ARGS}) {
  let lin = wid.y * nwg.x + wid.x;
  if (lin >= u.w2.x) { return; }
  let m = u.w0.x;
  let inner = u.w0.y;
  let rowLen = u.w0.z;
  let J = u.w0.w;
  let c = u.w1.y + lin / u.w1.w;
  let j = u.w1.z + lin % u.w1.w;
  var acc = Acc(0.0, 0.0, 0u);
  for (var t = 0u; t < 4u; t = t + 1u) {
    let kb = j * ${SPAN}u + (t * 256u + lid) * 4u;
    if (kb < m) {
      let pw = prologue(kb);
      for (var q = 0u; q < 4u; q = q + 1u) {
        let k = kb + q;
        if (k < m) {
          let gi = (k / inner) * rowLen + c * inner + k % inner;
          acc = acc_add(acc, term(gi - u.w1.x, gi, pw, q));
        }
      }
    }
  }
  let total = tree(acc, lid);
  if (lid == 0u) {
    let p = (c * J + j) * 3u;
    partials[p] = bitcast<u32>(total.big);
    partials[p + 1u] = bitcast<u32>(total.small);
    partials[p + 2u] = total.flags;
  }
}
`;
}

const PASS2 = `${UNIFORM}
@group(0) @binding(1) var<storage, read> partials: array<u32>;
@group(0) @binding(2) var<storage, read_write> result: array<u32>;
${COMMON}${TREE}
@compute @workgroup_size(256)
fn main(${MAIN_ARGS}) {
  let c = wid.y * nwg.x + wid.x;
  let C = u.w0.y;
  if (c >= C) { return; }
  let J = u.w0.x;
  var acc = Acc(0.0, 0.0, 0u);
  for (var p = lid; p < J; p = p + 256u) {
    let at = (c * J + p) * 3u;
    acc = acc_join(acc, Acc(bitcast<f32>(partials[at]), bitcast<f32>(partials[at + 1u]), partials[at + 2u]));
  }
  let total = tree(acc, lid);
  if (lid == 0u) { result[c] = acc_final(total) ^ u.w0.z; }
}
`;

interface Group {
  c0: number;
  nc: number;
  j0: number;
  nj: number;
  lo: number;
  hi: number;
}

/** The pass-1 dispatches: rectangles of (channel, block) whose elements fit one binding window. */
function groupsFor(C: number, inner: number, m: number, J: number, limit: number): Group[] {
  const R = C * inner;
  const idx = (c: number, k: number) => Math.floor(k / inner) * R + c * inner + (k % inner);
  const kLast = (j: number) => Math.min((j + 1) * SPAN, m) - 1;
  const down = (v: number) => Math.floor(v / 256) * 256;
  const groups: Group[] = [];
  let j = 0;
  while (j < J) {
    const lo = down(idx(0, j * SPAN));
    let nj = 0;
    while (j + nj < J && idx(C - 1, kLast(j + nj)) + 1 - lo <= limit) nj++;
    if (nj > 0) {
      groups.push({ c0: 0, nc: C, j0: j, nj, lo, hi: idx(C - 1, kLast(j + nj - 1)) + 1 });
      j += nj;
      continue;
    }
    let c = 0;
    while (c < C) {
      const clo = down(idx(c, j * SPAN));
      let nc = 0;
      while (c + nc < C && idx(c + nc, kLast(j)) + 1 - clo <= limit) nc++;
      if (nc === 0) {
        throw new PointwiseError(
          'OUT_OF_MEMORY',
          { op: 'reduce', arg: 'shape', value: [m / inner, C, inner] },
          'one reduction block spans more than the device can bind',
        );
      }
      groups.push({ c0: c, nc, j0: j, nj: 1, lo: clo, hi: idx(c + nc - 1, kLast(j)) + 1 });
      c += nc;
    }
    j++;
  }
  return groups;
}

/**
 * Enqueue out[c] (float32 bits, c < C) = sum over channel c of term(element), for a
 * tensor of `size` elements laid out [size / (C*inner), C, inner]; `negate` flips the
 * sign bit of each result (shiftedRelu's dthreshold = -(sum)); `devicePatches` take
 * term-param words from device buffers (`T0` is word 9).
 */
export function runReduction(
  dev: WebGpuDevice,
  term: TermSpec,
  size: number,
  C: number,
  inner: number,
  inputs: WebGpuBuffer[],
  termParams: number[],
  out: WebGpuBuffer,
  negate = false,
  devicePatches: readonly UniformPatch[] = [],
): void {
  const m = size / C;
  const J = Math.ceil(m / SPAN);
  const partials = dev.alloc('float32', Math.max(1, C * J * 3));
  try {
    if (J > 0) {
      const k1 = dev.kernel(
        `reduce1/${term.key}`,
        ['uniform', ...term.inputs.map(() => 'read' as const), 'write'],
        () => pass1Source(term),
      );
      const widest = Math.max(...term.inputs);
      const limit = dev.chunkElements(widest);
      for (const g of groupsFor(C, inner, m, J, limit)) {
        const bound: Bound[] = term.inputs.map((bpe, i) =>
          range(inputs[i]!, g.lo, g.hi - g.lo, bpe),
        );
        bound.push({ buffer: partials });
        const total = g.nc * g.nj;
        dev.dispatch(
          k1,
          total,
          [m, inner, C * inner, J, g.lo, g.c0, g.j0, g.nj, total, ...termParams],
          bound,
          devicePatches,
        );
      }
    }
    const k2 = dev.kernel('reduce2', ['uniform', 'read', 'write'], () => PASS2);
    dev.dispatch(k2, C, [J, C, negate ? 0x80000000 : 0], [{ buffer: partials }, { buffer: out }]);
  } finally {
    dev.free(partials);
  }
}

// Deterministic per-channel sums (prelu dslope, clippedRelu dceiling, shiftedRelu
// dthreshold, dropout dreplacement) that fit any binding limit. The tensor is seen
// as [outer, C, inner]; channel c's m = outer*inner terms, enumerated k = o*inner + q,
// are cut into blocks of BLOCK consecutive k. Level 0: one thread per (channel,
// block) adds its block's terms in k order into a flush-proof Acc. Level L + 1 adds
// the level-L Accs of BLOCK consecutive blocks the same way, until one Acc per
// channel is left, which becomes float32 bits. The order of every addition depends
// on the shape alone. A dispatch binds windows of the inputs and of the Acc array; a
// block whose terms do not fit one window (channels last with many channels at a
// low limit) is added over several dispatches, each carrying the thread's Acc
// through the Acc array, so the bits are those of one dispatch at any maxBindingSize
// (docs/DECISIONS.md #161).

import type { Bound, UniformPatch, WebGpuBuffer, WebGpuDevice } from '../backend.js';
import { range } from '../backend.js';
import { COMMON, MAIN_ARGS, UNIFORM } from './wgsl.js';

/** Terms (level 0) or Accs (higher levels) per thread, added in order. */
const BLOCK = 64;
/** Bytes of one Acc (big, small, flags). */
const ACC_BYTES = 12;

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

/** The thread's (channel, block) and its k range in this dispatch; `acc` starts from the stored Acc when the block began in an earlier dispatch. */
const THREAD = /* wgsl */ `
  let tid = (wid.y * nwg.x + wid.x) * 256u + lid;
  let b0 = k0 / ${BLOCK}u;
  let nb = (k1 - 1u) / ${BLOCK}u - b0 + 1u;
  if (tid >= nc * nb) { return; }
  let c = c0 + tid % nc;
  let b = b0 + tid / nc;
  let ks = max(b * ${BLOCK}u, k0);
  let ke = min(b * ${BLOCK}u + ${BLOCK}u, k1);
  let at = (b * C + c - outLo) * 3u;
  var acc = Acc(0.0, 0.0, 0u);
  if (ks != b * ${BLOCK}u) {
    acc = Acc(bitcast<f32>(accs[at]), bitcast<f32>(accs[at + 1u]), accs[at + 2u]);
  }
`;

const STORE = /* wgsl */ `
  accs[at] = bitcast<u32>(acc.big);
  accs[at + 1u] = bitcast<u32>(acc.small);
  accs[at + 2u] = acc.flags;
`;

function termSource(term: TermSpec): string {
  const decls = term.inputs
    .map((_, i) => `@group(0) @binding(${i + 1}) var<storage, read> in${i}: array<u32>;`)
    .join('\n');
  // uniform: m, inner, C, inLo | outLo, c0, nc, k0 | k1, T0..T2 | T3..T6
  return `${UNIFORM}${decls}
@group(0) @binding(${term.inputs.length + 1}) var<storage, read_write> accs: array<u32>;
${COMMON}${TERM_PARAMS}
${term.wgsl}
@compute @workgroup_size(256)
fn main(${MAIN_ARGS}) {
  let inner = u.w0.y;
  let C = u.w0.z;
  let inLo = u.w0.w;
  let outLo = u.w1.x;
  let c0 = u.w1.y;
  let nc = u.w1.z;
  let k0 = u.w1.w;
  let k1 = u.w2.x;
${THREAD}
  let R = C * inner;
  var pw = vec4<u32>(0u);
  for (var k = ks; k < ke; k = k + 1u) {
    if (k == ks || (k & 3u) == 0u) { pw = prologue(k & ~3u); }
    let gi = (k / inner) * R + c * inner + k % inner;
    acc = acc_add(acc, term(gi - inLo, gi, pw, k & 3u));
  }
${STORE}
}
`;
}

// uniform: m, C, inLo, outLo | c0, nc, k0, k1
const JOIN = `${UNIFORM}
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read_write> accs: array<u32>;
${COMMON}
@compute @workgroup_size(256)
fn main(${MAIN_ARGS}) {
  let C = u.w0.y;
  let inLo = u.w0.z;
  let outLo = u.w0.w;
  let c0 = u.w1.x;
  let nc = u.w1.y;
  let k0 = u.w1.z;
  let k1 = u.w1.w;
${THREAD}
  for (var k = ks; k < ke; k = k + 1u) {
    let li = (k * C + c - inLo) * 3u;
    acc = acc_join(acc, Acc(bitcast<f32>(src[li]), bitcast<f32>(src[li + 1u]), src[li + 2u]));
  }
${STORE}
}
`;

// uniform: count, sign, empty
const FINAL = `${UNIFORM}
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read_write> result: array<u32>;
${COMMON}
@compute @workgroup_size(256)
fn main(${MAIN_ARGS}) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= u.w0.x) { return; }
  var acc = Acc(0.0, 0.0, 0u);
  if (u.w0.z == 0u) { acc = Acc(bitcast<f32>(src[i * 3u]), bitcast<f32>(src[i * 3u + 1u]), src[i * 3u + 2u]); }
  result[i] = acc_final(acc) ^ u.w0.y;
}
`;

/** One dispatch: channels [c0, c0 + nc) over k in [k0, k1), with the element windows it binds. */
export interface Piece {
  c0: number;
  nc: number;
  k0: number;
  k1: number;
  /** Input elements [inLo, inHi) (inLo a multiple of 256). */
  inLo: number;
  inHi: number;
  /** Acc items [outLo, outHi) of the level's output, laid out [block][C]. */
  outLo: number;
  outHi: number;
}

/**
 * The dispatches of one level over a [m / inner, C, inner] layout: every (channel, k)
 * exactly once, each channel's k in increasing order, each piece binding at most
 * `limIn` input elements and `limOut` Accs. Whole tensor when it fits; else runs of
 * k over every channel; else, when one k across the channels is too wide, runs of k
 * short enough for one channel, over groups of channels. Needs limIn, limOut >= 256.
 */
export function planLevel(
  m: number,
  C: number,
  inner: number,
  limIn: number,
  limOut: number,
): Piece[] {
  const R = C * inner;
  const idx = (c: number, k: number) => Math.floor(k / inner) * R + c * inner + (k % inner);
  const down = (v: number) => Math.floor(v / 256) * 256;
  const piece = (c0: number, nc: number, k0: number, k1: number): Piece => {
    const b0 = Math.floor(k0 / BLOCK);
    const b1 = Math.floor((k1 - 1) / BLOCK);
    return {
      c0,
      nc,
      k0,
      k1,
      inLo: down(idx(c0, k0)),
      inHi: idx(c0 + nc - 1, k1 - 1) + 1,
      outLo: down(b0 * C + c0),
      outHi: b1 * C + c0 + nc,
    };
  };
  const fits = (p: Piece) => p.inHi - p.inLo <= limIn && p.outHi - p.outLo <= limOut;
  /** The largest v in [lo, hi] with ok(v), given ok(lo) (binary search on a monotone predicate). */
  const largest = (lo: number, hi: number, ok: (v: number) => boolean) => {
    while (lo < hi) {
      const mid = lo + Math.ceil((hi - lo) / 2);
      if (ok(mid)) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  /** End a run at a block edge when one lies inside it (fewer carried Accs). */
  const atEdge = (k0: number, k1: number) => {
    const edge = Math.floor(k1 / BLOCK) * BLOCK;
    return k1 < m && edge > k0 ? edge : k1;
  };
  const whole = piece(0, C, 0, m);
  if (fits(whole)) return [whole];
  const pieces: Piece[] = [];
  let k0 = 0;
  while (k0 < m) {
    if (fits(piece(0, C, k0, k0 + 1))) {
      const k1 = atEdge(
        k0,
        largest(k0 + 1, m, (k1) => fits(piece(0, C, k0, k1))),
      );
      pieces.push(piece(0, C, k0, k1));
      k0 = k1;
      continue;
    }
    // one channel's run, with room for any channel's alignment slack (255 elements)
    const span = (k1: number) => idx(0, k1 - 1) - idx(0, k0) + 1 + 255 <= limIn;
    const blocks = (k1: number) =>
      (Math.floor((k1 - 1) / BLOCK) - Math.floor(k0 / BLOCK)) * C + 256 <= limOut;
    const k1 = atEdge(
      k0,
      largest(k0 + 1, m, (v) => span(v) && blocks(v)),
    );
    for (let c = 0; c < C; ) {
      const nc = largest(1, C - c, (n) => fits(piece(c, n, k0, k1)));
      pieces.push(piece(c, nc, k0, k1));
      c += nc;
    }
    k0 = k1;
  }
  return pieces;
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
  const limOut = dev.chunkElements(ACC_BYTES);
  let J = Math.ceil(m / BLOCK);
  let accs = dev.alloc('float32', Math.max(1, C * J) * 3);
  try {
    if (m > 0) {
      const k = dev.kernel(
        `reduce/${term.key}`,
        ['uniform', ...term.inputs.map(() => 'read' as const), 'write'],
        () => termSource(term),
      );
      const limIn = dev.chunkElements(Math.max(...term.inputs));
      for (const p of planLevel(m, C, inner, limIn, limOut)) {
        const bound: Bound[] = term.inputs.map((bpe, i) =>
          range(inputs[i]!, p.inLo, p.inHi - p.inLo, bpe),
        );
        bound.push(range(accs, p.outLo, p.outHi - p.outLo, ACC_BYTES));
        const b0 = Math.floor(p.k0 / BLOCK);
        const threads = p.nc * (Math.floor((p.k1 - 1) / BLOCK) - b0 + 1);
        dev.dispatch(
          k,
          Math.ceil(threads / 256),
          [m, inner, C, p.inLo, p.outLo, p.c0, p.nc, p.k0, p.k1, ...termParams],
          bound,
          devicePatches,
        );
      }
    }
    const join = dev.kernel('reduce/join', ['uniform', 'read', 'write'], () => JOIN);
    while (J > 1) {
      const next = Math.ceil(J / BLOCK);
      const src = accs;
      accs = dev.alloc('float32', C * next * 3);
      try {
        for (const p of planLevel(J, C, 1, limOut, limOut)) {
          const b0 = Math.floor(p.k0 / BLOCK);
          const threads = p.nc * (Math.floor((p.k1 - 1) / BLOCK) - b0 + 1);
          dev.dispatch(
            join,
            Math.ceil(threads / 256),
            [J, C, p.inLo, p.outLo, p.c0, p.nc, p.k0, p.k1],
            [
              range(src, p.inLo, p.inHi - p.inLo, ACC_BYTES),
              range(accs, p.outLo, p.outHi - p.outLo, ACC_BYTES),
            ],
          );
        }
      } finally {
        dev.free(src);
      }
      J = next;
    }
    const final = dev.kernel('reduce/final', ['uniform', 'read', 'write'], () => FINAL);
    for (let c = 0; c < C; c += limOut) {
      const n = Math.min(limOut, C - c);
      dev.dispatch(
        final,
        Math.ceil(n / 256),
        [n, negate ? 0x80000000 : 0, m === 0 ? 1 : 0],
        [range(accs, c, n, ACC_BYTES), range(out, c, n, 4)],
      );
    }
  } finally {
    dev.free(accs);
  }
}

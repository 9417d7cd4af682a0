// The in-place gradient module (src/gradients.ts) on a foreign WebAssembly.Memory, as
// @pointwise/tfjs runs it on tfjs-wasm's heap: it has no data, start or global-memory
// writes, so instantiating it changes no byte; a call writes only its outputs' padded
// blocks and the scratch it borrows; the results are the backend's (threads: 1) bits,
// plain and shared memory, with the memory growing inside a call.

import { PointwiseError } from '@pointwise/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WasmSimdBackend } from '../src/backend.js';
import { GRADIENTS_SHARED_WASM_BASE64, GRADIENTS_WASM_BASE64 } from '../src/gradients.generated.js';
import {
  gradientInputBytes,
  gradientKernelsOnMemory,
  gradientOutputBytes,
} from '../src/gradients.js';
import { wasmSimdBackend } from '../src/index.js';

const PAGE = 65536;
const PATTERN = 0xa5;

/** Section ids of a wasm binary (1 import, 8 start, 11 data, 12 data count, ...). */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++]!;
    let size = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[p++]!;
      size |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    ids.push(id);
    p += size;
  }
  return ids;
}

/** A bump allocator over a memory, growing it on demand; frees are recorded. */
function bumpAllocator(memory: WebAssembly.Memory, start: number, growBy = 0) {
  let top = start;
  const live = new Map<number, number>();
  return {
    live,
    malloc(bytes: number): number {
      const p = Math.ceil(top / 16) * 16;
      top = p + bytes;
      const need = Math.ceil(top / PAGE) - memory.buffer.byteLength / PAGE + growBy;
      if (need > 0) memory.grow(need);
      live.set(p, bytes);
      return p;
    },
    free(p: number): void {
      live.delete(p);
    },
  };
}

/** Random float32 bit patterns with the special values mixed in. */
function inputs(n: number, seed: number): Float32Array {
  const specials = [
    0,
    -0,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    1e-40,
    -1e-40,
    1e-45,
    -1,
    2.5,
  ];
  const out = new Float32Array(n);
  const bits = new Uint32Array(out.buffer);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    if (s % 5 === 0) out[i] = specials[(s >>> 8) % specials.length]!;
    else if (s % 5 === 1) bits[i] = s;
    else out[i] = ((s >>> 8) / 2 ** 24 - 0.5) * 8;
  }
  return out;
}

const bitsOf = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

const nanAsOne = (a: Float32Array) => bitsOf(a).map((b, i) => (Number.isNaN(a[i]) ? 'NaN' : b));

let ref: WasmSimdBackend;
beforeAll(async () => {
  ref = (await wasmSimdBackend({ threads: 1 }).create()) as unknown as WasmSimdBackend;
});
afterAll(() => ref.destroy?.());

type Case = {
  op: 'relu' | 'clippedRelu' | 'leakyRelu' | 'prelu';
  n: number;
  channels?: number;
  inner?: number;
};

/** The backend's own result for a case: dx (and dslope). */
function reference(c: Case, dy: Float32Array, x: Float32Array, slope: Float32Array) {
  const n = c.n;
  const a = ref.upload('float32', dy);
  const b = ref.upload('float32', x);
  const dx = ref.alloc('float32', n);
  const s = ref.upload('float32', slope);
  const ds = ref.alloc('float32', slope.length);
  const k = ref.kernels as Record<string, { backward(a: Record<string, unknown>): void }>;
  if (c.op === 'prelu')
    k.prelu!.backward({
      dy: a,
      source: b,
      from: 'x',
      dx,
      size: n,
      params: { slope: s, channels: c.channels, inner: c.inner },
      dslope: ds,
    });
  else
    k[c.op]!.backward({
      dy: a,
      source: b,
      from: 'x',
      dx,
      size: n,
      params: c.op === 'leakyRelu' ? { alpha: 0.2 } : { ceiling: 6, ceilingBuffer: null },
      dceiling: null,
    });
  const out = {
    dx: ref.readSync!(dx, 'float32', n) as Float32Array,
    ds: ref.readSync!(ds, 'float32', slope.length) as Float32Array,
  };
  for (const buf of [a, b, dx, s, ds]) ref.free(buf);
  return out;
}

const CASES: Case[] = [
  { op: 'relu', n: 1 },
  { op: 'relu', n: 37 },
  { op: 'clippedRelu', n: 4099 },
  { op: 'leakyRelu', n: 64 },
  { op: 'leakyRelu', n: 1031 },
  { op: 'prelu', n: 1000, channels: 1, inner: 1000 },
  { op: 'prelu', n: 70001, channels: 1, inner: 70001 },
  { op: 'prelu', n: 3 * 1027, channels: 3, inner: 1 },
  { op: 'prelu', n: 6 * 50 * 5, channels: 5, inner: 1 },
  { op: 'prelu', n: 4 * 37 * 2, channels: 4, inner: 37 },
];

describe.each([false, true])('gradient module, shared memory %s', (shared) => {
  const memoryOf = (pages: number) =>
    shared
      ? new WebAssembly.Memory({ initial: pages, maximum: 65536, shared: true })
      : new WebAssembly.Memory({ initial: pages });

  it('has no data, data count or start section and imports only its memory', () => {
    const bytes = Uint8Array.from(
      atob(shared ? GRADIENTS_SHARED_WASM_BASE64 : GRADIENTS_WASM_BASE64),
      (ch) => ch.charCodeAt(0),
    );
    const ids = sectionIds(bytes);
    expect(ids).not.toContain(11);
    expect(ids).not.toContain(12);
    expect(ids).not.toContain(8);
    // small enough to compile synchronously on a browser's main thread (4 KiB)
    expect(bytes.length).toBeLessThan(4096);
    const m = new WebAssembly.Module(bytes as BufferSource);
    expect(WebAssembly.Module.imports(m)).toEqual([
      { module: 'env', name: 'memory', kind: 'memory' },
    ]);
  });

  it('instantiating on a memory changes no byte of it', () => {
    const memory = memoryOf(2);
    new Uint8Array(memory.buffer).fill(PATTERN);
    gradientKernelsOnMemory(memory, bumpAllocator(memory, 0));
    expect(new Uint8Array(memory.buffer).every((b) => b === PATTERN)).toBe(true);
  });

  it.each([
    ['clippedRelu', 'dceiling'],
    ['prelu', 'dslope'],
  ])('%s without its kernel (%s) throws KERNEL_MISSING and writes nothing', (op, arg) => {
    const n = 37;
    const memory = memoryOf(1);
    const heap = bumpAllocator(memory, 64);
    const pdy = heap.malloc(gradientInputBytes(n));
    const px = heap.malloc(gradientInputBytes(n));
    const pdx = heap.malloc(gradientOutputBytes(n));
    const pp = heap.malloc(64);
    new Float32Array(memory.buffer, pdy, n).set(inputs(n, 1));
    new Float32Array(memory.buffer, px, n).set(inputs(n, 2));
    const before = new Uint8Array(memory.buffer).slice();
    const k = gradientKernelsOnMemory(memory, heap) as unknown as Record<
      string,
      { backward(a: Record<string, unknown>): void }
    >;
    const call = {
      dy: { ptr: pdy },
      source: { ptr: px },
      from: 'x',
      dx: { ptr: pdx },
      size: n,
      ...(op === 'prelu'
        ? { params: { slope: { ptr: pp }, channels: 1, inner: n }, dslope: null }
        : { params: { ceiling: 6, ceilingBuffer: null }, dceiling: { ptr: pp } }),
    };
    let thrown: unknown;
    try {
      k[op]!.backward(call);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(PointwiseError);
    expect(thrown).toMatchObject({ code: 'KERNEL_MISSING', op, arg });
    expect(new Uint8Array(memory.buffer)).toEqual(before);
  });

  it.each([1, 37, 4099])(
    'leakyRelu forward n=%i: the backend bits, writes only its output',
    (n) => {
      const x = inputs(n, 5 + n);
      const rx = ref.upload('float32', x);
      const ry = ref.alloc('float32', n);
      const rk = ref.kernels as Record<string, { forward(a: Record<string, unknown>): void }>;
      for (const alpha of [0.2, 1.5, -0.5]) {
        rk.leakyRelu!.forward({ x: rx, y: ry, size: n, params: { alpha } });
        const want = ref.readSync!(ry, 'float32', n) as Float32Array;
        const memory = memoryOf(1);
        const heap = bumpAllocator(memory, 64, 1);
        const px = heap.malloc(gradientInputBytes(n));
        const py = heap.malloc(gradientOutputBytes(n));
        new Float32Array(memory.buffer, px, n).set(x);
        const before = new Uint8Array(memory.buffer).slice();
        gradientKernelsOnMemory(memory, heap).leakyRelu.forward({
          x: { ptr: px },
          y: { ptr: py },
          size: n,
          params: { alpha },
        } as never);
        expect(bitsOf(new Float32Array(memory.buffer, py, n))).toEqual(bitsOf(want));
        const after = new Uint8Array(memory.buffer);
        let stray = -1;
        for (let i = 0; i < before.length && stray < 0; i++)
          if (after[i] !== before[i] && !(i >= py && i < py + gradientOutputBytes(n))) stray = i;
        expect(stray).toBe(-1);
      }
      ref.free(rx);
      ref.free(ry);
    },
  );

  it.each(CASES)(
    '$op n=$n channels=$channels: the backend bits, writes only its outputs and scratch, across growth',
    (c) => {
      const n = c.n;
      const channels = c.channels ?? 1;
      const dy = inputs(n, 7 + n);
      const x = inputs(n, 11 + n);
      const slope = inputs(channels, 3 + channels);
      const want = reference(c, dy, x, slope);

      const memory = memoryOf(1);
      // growBy 1: every malloc grows the memory, so the kernel's scratch mallocs grow it mid-call
      const heap = bumpAllocator(memory, 64, 1);
      const pdy = heap.malloc(gradientInputBytes(n));
      const px = heap.malloc(gradientInputBytes(n));
      const ps = heap.malloc(channels * 4);
      const pdx = heap.malloc(gradientOutputBytes(n));
      const pds = heap.malloc(channels * 4);
      new Float32Array(memory.buffer, pdy, n).set(dy);
      new Float32Array(memory.buffer, px, n).set(x);
      new Float32Array(memory.buffer, ps, channels).set(slope);
      const before = new Uint8Array(memory.buffer).slice();
      const grads = gradientKernelsOnMemory(memory, heap);
      const scratch: [number, number][] = [];
      const spy = {
        malloc: (b: number) => {
          const p = heap.malloc(b);
          scratch.push([p, b]);
          return p;
        },
        free: (p: number) => heap.free(p),
      };
      const g = gradientKernelsOnMemory(memory, spy);
      expect(grads.memory).toBe(memory);
      const k = g as unknown as Record<string, { backward(a: Record<string, unknown>): void }>;
      if (c.op === 'prelu')
        k.prelu!.backward({
          dy: { ptr: pdy },
          source: { ptr: px },
          from: 'x',
          dx: { ptr: pdx },
          size: n,
          params: { slope: { ptr: ps }, channels, inner: c.inner },
          dslope: { ptr: pds },
        });
      else
        k[c.op]!.backward({
          dy: { ptr: pdy },
          source: { ptr: px },
          from: 'x',
          dx: { ptr: pdx },
          size: n,
          params: c.op === 'leakyRelu' ? { alpha: 0.2 } : { ceiling: 6, ceilingBuffer: null },
          dceiling: null,
        });
      expect(bitsOf(new Float32Array(memory.buffer, pdx, n))).toEqual(bitsOf(want.dx));
      // dslope: the bits, but any NaN for a NaN (one slope's float64 sum is stored by the
      // wrapper's JS `f32[i] = sum`, and V8 picks a NaN's bits itself on a SharedArrayBuffer)
      if (c.op === 'prelu')
        expect(nanAsOne(new Float32Array(memory.buffer, pds, channels))).toEqual(nanAsOne(want.ds));
      // every scratch block was freed, and no byte outside dx's padded block, dslope and the scratch changed
      for (const [p] of scratch) expect(heap.live.has(p)).toBe(false);
      const after = new Uint8Array(memory.buffer);
      const owned = (i: number) =>
        (i >= pdx && i < pdx + gradientOutputBytes(n)) ||
        (i >= pds && i < pds + channels * 4) ||
        scratch.some(([p, b]) => i >= p && i < p + b);
      let stray = -1;
      for (let i = 0; i < before.length && stray < 0; i++)
        if (after[i] !== before[i] && !owned(i)) stray = i;
      expect(stray).toBe(-1);
    },
  );
});

// The wasm heap: typed OUT_OF_MEMORY past the wasm32 address space (never a wrap or
// a corrupt view), reuse of freed blocks, memory() back to baseline after dispose,
// tensors staying correct when memory grows, and the memory kept past the last block
// for the kernels' loads ahead of their stores, and the stagger between large blocks.

import { type Pointwise, PointwiseError, pointwise } from '@pointwise/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WasmSimdBackend } from '../src/backend.js';
import { sizeClass, WasmHeap } from '../src/heap.js';
import { wasmSimdBackend } from '../src/index.js';

let pw: Pointwise;
let backend: WasmSimdBackend;
beforeAll(async () => {
  backend = (await wasmSimdBackend().create()) as WasmSimdBackend;
  pw = await pointwise(wasmSimdBackend());
});
afterAll(() => pw.destroy());

describe('wasm heap', () => {
  it('rejects a tensor past 4 GiB with a typed OUT_OF_MEMORY', () => {
    const before = pw.memory();
    let error: unknown;
    try {
      pw.zeros([2 ** 30 + 16], 'float32');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PointwiseError);
    expect((error as PointwiseError).code).toBe('OUT_OF_MEMORY');
    expect(pw.memory()).toEqual(before);
    // the backend still works afterwards
    const x = pw.tensor([-1, 2]);
    expect(Array.from(pw.relu(x).readSync() as Float32Array)).toEqual([0, 2]);
  });

  it('reuses a freed block of the same size class', () => {
    const a = backend.alloc('float32', 1000) as { ptr: number };
    backend.free(a);
    const b = backend.alloc('float32', 990) as { ptr: number };
    expect(b.ptr).toBe(a.ptr);
    backend.free(b);
    expect(backend.memory()).toEqual({ bytes: 0, buffers: 0 });
  });

  it('staggers large blocks: tensors made one after another are not a power of two apart', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const heap = new WasmHeap(memory, 1024, 1024);
    const n = 2 ** 22; // 16 MiB blocks
    const blocks = [0, 1, 2, 3].map(() => heap.alloc('float32', n));
    for (let i = 1; i < blocks.length; i++) {
      const gap = blocks[i]!.ptr - (blocks[i - 1]!.ptr + blocks[i - 1]!.block);
      // at least 3 pages apart from a power-of-two distance, at most a quarter block lost
      expect(gap % 4096).toBe(0);
      expect(gap).toBeGreaterThanOrEqual(3 * 4096);
      expect(gap).toBeLessThanOrEqual(blocks[i]!.block / 4);
      const distance = blocks[i]!.ptr - blocks[0]!.ptr;
      expect(distance % 65536, `block ${i}`).not.toBe(0);
    }
    // small blocks stay packed
    const a = heap.alloc('float32', 1000);
    const b = heap.alloc('float32', 1000);
    expect(b.ptr - a.ptr).toBe(a.block);
  });

  it('size classes are 64-byte multiples covering the request with <= 25% waste', () => {
    for (const bytes of [0, 1, 64, 65, 1000, 4096, 4097, 12345678]) {
      const c = sizeClass(bytes);
      expect(c % 64).toBe(0);
      expect(c).toBeGreaterThanOrEqual(bytes);
      if (bytes > 256) expect(c).toBeLessThanOrEqual(bytes * 1.25);
    }
  });

  it('memory() returns to baseline after dispose', async () => {
    const before = pw.memory();
    const x = pw.tensor(new Float32Array(300).fill(-2), [100, 3]);
    const d = pw.dropoutWithReplacement(x, { ratio: 0.5, seed: 1n });
    const values = pw.tensor(new Int32Array([1, 2, 3]));
    const lengths = pw.tensor(new Int32Array([1, 2]));
    const s = await pw.sparseDropoutWithReplacement(values, lengths, { ratio: 0.5 });
    const g = pw.preluBackward(x, { x }, { slope: [0.1, 0.2, 0.3], channelAxis: 1 });
    expect(pw.memory().bytes).toBeGreaterThan(before.bytes);
    for (const t of [x, d.y, d.mask!, values, lengths, s.values, s.lengths, g.dx, g.dslope!])
      t.dispose();
    expect(pw.memory()).toEqual(before);
  });

  it('keeps data intact across a memory grow', () => {
    const a = pw.tensor(Float32Array.from({ length: 1000 }, (_, i) => i - 500));
    const big = pw.zeros([40 * 2 ** 20], 'float32'); // 160 MiB: forces a grow
    const y = pw.relu(a);
    expect(Array.from(y.readSync() as Float32Array)).toEqual(
      Array.from({ length: 1000 }, (_, i) => Math.max(0, i - 500)),
    );
    for (const t of [a, big, y]) t.dispose();
  });

  it('keeps storeAheadBytes() of memory past every block it hands out', () => {
    const tail = backend.wasm.exports.storeAheadBytes();
    expect(tail).toBeGreaterThan(0);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 64 });
    const heap = new WasmHeap(memory, 0, tail);
    // blocks ending exactly on a page boundary are the ones that need the extra page
    for (const size of [16384 - tail / 4, 16384, 1, 40000, 16]) {
      const block = heap.alloc('float32', size);
      expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(block.ptr + block.block + tail);
    }
  });

  it('the kernels load no further than storeAheadBytes() past their output', () => {
    const { exports } = backend.wasm;
    const tail = exports.storeAheadBytes();
    const end = exports.memory.buffer.byteLength;
    // one 64-byte chunk, in place, as close to the end of memory as the contract allows
    const last = end - 64 - tail;
    expect(() => exports.reluForward(last, last, 16)).not.toThrow();
    expect(() => exports.reluForward(end - 64, end - 64, 16)).toThrow(WebAssembly.RuntimeError);
  });
});

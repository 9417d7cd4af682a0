// The copy ceiling: every CPU copy (dst.set, wasm memory.copy, the SIMD loop without and with loads ahead) really
// copies the bytes and nothing past them, and a row's ratio is read against the
// fastest copy, whose name and every copy's GB/s the row carries.

import { expandCases } from '@pointwise/bench-cases';
import { describe, expect, it } from 'vitest';
import { COPY_HOOKS, copyHalf, cpuCopyBuffers } from '../src/copy.js';
import type { Timed } from '../src/measure.js';
import type { ChildMessage } from '../src/protocol.js';
import { fastestCopy, runTarget } from '../src/run-task.js';
import type { Target } from '../src/targets/target.js';
import { TOUCH_AHEAD, wasmCopies } from '../src/wasm-copy.js';

function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

describe('cpu copies', () => {
  it('names the four copies and sizes them to half the bytes, in 64-byte chunks', () => {
    expect(COPY_HOOKS.cpu(1000, null)?.map((c) => c.name)).toEqual([
      'set',
      'memory.copy',
      'simd',
      'simd+touch',
    ]);
    expect(copyHalf(1000)).toBe(512);
    expect(copyHalf(1024)).toBe(512);
    expect(copyHalf(8)).toBe(64);
  });

  for (const name of ['set', 'memory.copy', 'simd', 'simd+touch']) {
    it(`${name} copies every byte of src into dst`, () => {
      const { copies, src, dst } = cpuCopyBuffers(3 * 4096 + 128);
      const data = pattern(src.length, name.length);
      src.set(data);
      dst.fill(0);
      copies.find((c) => c.name === name)?.timed.call();
      expect(dst).toEqual(data);
    });
  }

  it('the wasm copies move exactly n bytes and touch nothing past them', () => {
    const memory = new WebAssembly.Memory({ initial: 2 });
    const bytes = new Uint8Array(memory.buffer);
    const wasm = wasmCopies(memory);
    for (const copy of [wasm.memoryCopy, wasm.simdCopy, wasm.simdTouchCopy]) {
      const n = 640;
      const src = 64;
      const dst = 4096;
      const data = pattern(n, 7);
      bytes.fill(0xee);
      bytes.set(data, src);
      copy(dst, src, n);
      expect(bytes.subarray(dst, dst + n)).toEqual(data);
      expect(bytes.subarray(dst + n, dst + n + TOUCH_AHEAD).every((b) => b === 0xee)).toBe(true);
      expect(bytes.subarray(dst - 64, dst).every((b) => b === 0xee)).toBe(true);
      // n = 0 copies nothing
      bytes.fill(0xee, dst, dst + n);
      copy(dst, src, 0);
      expect(bytes.subarray(dst, dst + n).every((b) => b === 0xee)).toBe(true);
    }
  });
});

function spin(ms: number): Timed {
  return {
    call() {
      const end = performance.now() + ms;
      while (performance.now() < end) {
        // busy
      }
    },
    settle: async () => {},
  };
}

describe('the fastest copy is the ceiling', () => {
  it('fastestCopy picks the highest GB/s and skips non-finite ones', () => {
    expect(
      fastestCopy([
        { name: 'set', gbps: 10 },
        { name: 'memory.copy', gbps: Number.NaN },
        { name: 'simd', gbps: 12 },
      ])?.name,
    ).toBe('simd');
    expect(fastestCopy([])).toBeNull();
  });

  it('a row carries every copy and its ratio is against the fastest', async () => {
    const target: Target = {
      name: 'fake',
      kind: 'backend',
      copy: () => [
        { name: 'set', timed: spin(6) },
        { name: 'memory.copy', timed: spin(2) },
        { name: 'simd', timed: spin(4) },
      ],
      prepare: async () => ({ op: spin(3), dispose: () => {} }),
      close: () => {},
    };
    const messages: ChildMessage[] = [];
    const task = {
      name: 'fake',
      cases: expandCases(['relu']).slice(0, 1),
      sizes: [1 << 16],
      samples: 3,
      minSampleMs: 0,
      overhead: false,
    };
    await runTarget(target, task, (m) => messages.push(m));
    const result = messages.find((m) => m.type === 'result');
    if (result?.type !== 'result') throw new Error('no result');
    const row = result.rows[0]!;
    expect(row.copies?.map((c) => c.name)).toEqual(['set', 'memory.copy', 'simd']);
    // which copy wins is timing (a loaded machine can reorder them), so the row is checked
    // for consistency: its copy is the one with the highest GB/s, and its ratio is against it
    const fastest = Math.max(...(row.copies ?? []).map((c) => c.gbps));
    expect(row.copies?.find((c) => c.gbps === fastest)?.name).toBe(row.copyName);
    expect(row.copyGbps).toBe(fastest);
    expect(row.ratioToCopy).toBeCloseTo(row.gbps / fastest, 12);
    for (const c of row.copies ?? [])
      expect(row.gbps / c.gbps).toBeGreaterThanOrEqual(row.ratioToCopy! * (1 - 1e-12));
  });
});

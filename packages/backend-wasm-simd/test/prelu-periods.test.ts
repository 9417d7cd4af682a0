// prelu forward for periods dividing 16 (preluForward16, slopes held in registers)
// against the one-period table kernel it replaces for those shapes: the same bits on
// random bit patterns (NaN, Inf, subnormals, signed zeros included), for every
// (channels, inner) whose widened period q is 4, 8 or 16, at lengths that are and are
// not multiples of the period, in the single-thread and the threaded build.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WasmSimdBackend } from '../src/backend.js';
import { wasmSimdBackend } from '../src/index.js';

const SHAPES: [channels: number, inner: number][] = [
  [2, 1],
  [4, 1],
  [2, 2],
  [8, 1],
  [4, 2],
  [2, 4],
  [16, 1],
  [8, 2],
  [4, 4],
  [2, 8],
];
const SLOPES = [
  0.25,
  -0.5,
  0,
  -0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  1e-45,
  3,
  -2,
  1e-40,
  7,
  -1e30,
];

function widened(period: number): number {
  return period % 4 === 0 ? period : period % 2 === 0 ? period * 2 : period * 4;
}

let backends: WasmSimdBackend[];
beforeAll(async () => {
  backends = [
    (await wasmSimdBackend({ threads: 1 }).create()) as WasmSimdBackend,
    (await wasmSimdBackend({ threads: 2 }).create()) as WasmSimdBackend,
  ];
});
afterAll(() => {
  for (const b of backends) b.destroy?.();
});

describe('prelu forward, periods dividing 16', () => {
  for (const threads of [1, 2]) {
    it(`preluForward16 matches the table kernel bit for bit (${threads} thread(s))`, () => {
      const b = backends[threads - 1]!;
      const { exports: k, heap } = b.wasm;
      for (const n of [1, 15, 16, 17, 100, 1021, 4096]) {
        const x = heap.alloc('float32', n);
        const y1 = heap.alloc('float32', n);
        const y2 = heap.alloc('float32', n);
        const slope = heap.alloc('float32', 16);
        const table = heap.alloc('float32', 16);
        try {
          const bits = new Uint32Array(heap.buffer, x.ptr, n);
          let s = 12345 + n;
          for (let i = 0; i < n; i++) {
            s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
            // every 7th element a special pattern: ±0, ±Inf, NaNs, subnormals
            bits[i] =
              i % 7 === 0
                ? ([0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00001, 0xffa00000, 1, 0x807fffff][
                    (i / 7) % 8
                  ] as number)
                : s;
          }
          for (const [channels, inner] of SHAPES) {
            const q = widened(channels * inner);
            expect(16 % q).toBe(0);
            new Float32Array(heap.buffer, slope.ptr, 16).set(
              SLOPES.slice(0, channels).concat(Array(16 - channels).fill(99)),
            );
            k.preluForwardPeriodic(x.ptr, y1.ptr, n, slope.ptr, channels, inner, q, table.ptr);
            k.preluForward16(x.ptr, y2.ptr, n, slope.ptr, channels, inner);
            const a = new Uint32Array(heap.buffer, y1.ptr, n);
            const c = new Uint32Array(heap.buffer, y2.ptr, n);
            let first = -1;
            for (let i = 0; i < n && first < 0; i++) if (a[i] !== c[i]) first = i;
            expect(first, `channels ${channels}, inner ${inner}, n ${n}`).toBe(-1);
          }
        } finally {
          for (const t of [x, y1, y2, slope, table]) heap.free(t);
        }
      }
    });
  }
});

// The `crossover` test option: validated like `threads` (a typed error naming it and
// the value), and with it small calls really go to the pool (and without it they stay
// on the calling thread).

import { PointwiseError, pointwise } from '@pointwise/core';
import { describe, expect, it } from 'vitest';
import type { WasmSimdBackend } from '../src/backend.js';
import { wasmSimdBackend } from '../src/index.js';

describe('the crossover option', () => {
  it('rejects bad values with a typed error naming crossover', () => {
    const cases: [unknown, string][] = [
      [-1, 'PARAM_OUT_OF_RANGE'],
      [1.5, 'PARAM_OUT_OF_RANGE'],
      [Number.NaN, 'PARAM_OUT_OF_RANGE'],
      [2 ** 31, 'PARAM_OUT_OF_RANGE'],
      ['0', 'INVALID_ARGUMENT'],
      [null, 'INVALID_ARGUMENT'],
      [0n, 'INVALID_ARGUMENT'],
    ];
    for (const [value, code] of cases) {
      let caught: unknown;
      try {
        wasmSimdBackend({ threads: 2, crossover: value as number });
      } catch (error) {
        caught = error;
      }
      expect(caught, String(value)).toBeInstanceOf(PointwiseError);
      const e = caught as PointwiseError;
      expect([e.code, e.op, e.arg], String(value)).toEqual([code, 'wasmSimdBackend', 'crossover']);
      expect(Object.is(e.value, value)).toBe(true);
    }
  });
  it('0 splits a 600-element call into blocks the workers take; the default does not', async () => {
    for (const [crossover, pooled] of [
      [0, 1],
      [undefined, 0],
    ] as const) {
      const pw = await pointwise(wasmSimdBackend({ threads: 2, crossover }));
      const d = (pw.backend as WasmSimdBackend).wasm.dispatch;
      expect(d.adaptive).toBeNull();
      const x = pw.tensor(Float32Array.from({ length: 600 }, (_, i) => i - 300));
      const before = d.pooledCalls;
      const y = pw.relu(x);
      expect(d.pooledCalls - before, String(crossover)).toBe(pooled);
      const got = y.readSync() as Float32Array;
      expect(got.every((v, i) => Object.is(v, i > 300 ? i - 300 : 0))).toBe(true);
      pw.destroy();
    }
  });
});

// Same bits whatever the thread count: every op (forward, backward from x and y,
// parameter gradients, dropout masks and both backwards, prelu with one and several
// channels) runs with threads 1, 2 and 3 on random data with special values, at sizes
// below, at and across the crossovers and the reduction chunk (odd sizes included),
// and every output is compared bit for bit, sums too. Plus the `threads` option:
// validation, what 'auto' resolves to, and that big calls really use the pool.

import { type Pointwise, PointwiseError, pointwise, type Tensor } from '@pointwise/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floatData } from '../../../tools/test-support/src/index.js';
import type { WasmSimdBackend } from '../src/backend.js';
import { wasmSimdBackend } from '../src/index.js';
import { CHUNK, COMPUTE_MIN, STREAM_MIN } from '../src/pool.js';

const SIZES = [
  1,
  67,
  COMPUTE_MIN - 1,
  COMPUTE_MIN + 33,
  CHUNK,
  CHUNK + 1,
  STREAM_MIN - 5,
  STREAM_MIN + 31,
  3 * CHUNK + 12_345,
  STREAM_MIN + 4097,
  400_003,
];

type Outputs = Record<string, Tensor>;

/** Every op on x and dy; the returned tensors are compared across thread counts. */
function runAll(pw: Pointwise, xs: Float32Array, ds: Float32Array): Outputs {
  const x = pw.tensor(xs);
  const dy = pw.tensor(ds);
  const out: Outputs = { x, dy };
  const put = (name: string, t: Tensor | null | undefined) => {
    if (t) out[name] = t;
  };
  let y = pw.relu(x);
  put('relu', y);
  put('relu.dx', pw.reluBackward(dy, { x }).dx);
  put('relu.dy', pw.reluBackward(dy, { y }).dx);
  y = pw.leakyRelu(x, { alpha: 0.1 });
  put('leaky', y);
  put('leaky.dx', pw.leakyReluBackward(dy, { x }, { alpha: 0.1 }).dx);
  put('leaky.dy', pw.leakyReluBackward(dy, { y }, { alpha: 0.1 }).dx);
  y = pw.thresholdedRelu(x, { alpha: 1 });
  put('thresholded', y);
  put('thresholded.dx', pw.thresholdedReluBackward(dy, { x }, { alpha: 1 }).dx);
  y = pw.shiftedRelu(x, { threshold: 0.5 });
  put('shifted', y);
  const sx = pw.shiftedReluBackward(dy, { x }, { threshold: 0.5 });
  put('shifted.dx', sx.dx);
  put('shifted.dthreshold', sx.dthreshold);
  const sy = pw.shiftedReluBackward(dy, { y }, { threshold: 0.5 });
  put('shifted.dy', sy.dx);
  put('shifted.dthresholdY', sy.dthreshold);
  y = pw.clippedRelu(x, { ceiling: 3 });
  put('clipped', y);
  const cx = pw.clippedReluBackward(dy, { x }, { ceiling: 3 });
  put('clipped.dx', cx.dx);
  put('clipped.dceiling', cx.dceiling);
  put('clipped.dy', pw.clippedReluBackward(dy, { y }, { ceiling: 3 }).dx);
  const slope = new Float32Array([0.25]);
  put('prelu', pw.prelu(x, { slope, channelAxis: 0 }));
  const p1 = pw.preluBackward(dy, { x }, { slope, channelAxis: 0 });
  put('prelu.dx', p1.dx);
  put('prelu.dslope', p1.dslope);
  if (xs.length % 3 === 0) {
    const x3 = pw.tensor(xs, [xs.length / 3, 3]);
    const d3 = pw.tensor(ds, [xs.length / 3, 3]);
    put('x3', x3);
    put('d3', d3);
    const slopes = new Float32Array([0.1, -2, 0.5]);
    put('prelu3', pw.prelu(x3, { slope: slopes, channelAxis: 1 }));
    const p3 = pw.preluBackward(d3, { x: x3 }, { slope: slopes, channelAxis: 1 });
    put('prelu3.dx', p3.dx);
    put('prelu3.dslope', p3.dslope);
  }
  for (const alpha of [1, 0.7]) {
    y = pw.elu(x, { alpha });
    put(`elu${alpha}`, y);
    put(`elu${alpha}.dx`, pw.eluBackward(dy, { x }, { alpha }).dx);
    put(`elu${alpha}.dy`, pw.eluBackward(dy, { y }, { alpha }).dx);
  }
  const params = { ratio: 0.3, scale: true, replacement: -1.5, seed: 12345n, stream: 7n };
  const f = pw.dropoutWithReplacement(x, { ...params, returnMask: true });
  put('dropout', f.y);
  put('dropout.mask', f.mask);
  put('dropout.noMask', pw.dropoutWithReplacement(x, { ...params, returnMask: false }).y);
  const bm = pw.dropoutWithReplacementBackward(dy, { ...params, mask: f.mask! });
  put('dropout.dxMask', bm.dx);
  put('dropout.dreplacementMask', bm.dreplacement);
  const br = pw.dropoutWithReplacementBackward(dy, params);
  put('dropout.dxRegen', br.dx);
  put('dropout.dreplacementRegen', br.dreplacement);
  // the same calls with the learnable scalar as a device tensor: the threaded build
  // passes its heap pointer to every range (must equal the host-number results)
  const ceiling = pw.tensor([3]);
  const threshold = pw.tensor([0.5]);
  const replacement = pw.tensor([-1.5]);
  put('ceiling', ceiling);
  put('threshold', threshold);
  put('replacement', replacement);
  put('clipped@device', pw.clippedRelu(x, { ceiling }));
  const cd = pw.clippedReluBackward(dy, { x }, { ceiling });
  put('clipped.dx@device', cd.dx);
  put('clipped.dceiling@device', cd.dceiling);
  put('shifted@device', pw.shiftedRelu(x, { threshold }));
  const sd = pw.shiftedReluBackward(dy, { x }, { threshold });
  put('shifted.dx@device', sd.dx);
  put('shifted.dthreshold@device', sd.dthreshold);
  put(
    'dropout.noMask@device',
    pw.dropoutWithReplacement(x, { ...params, replacement, returnMask: false }).y,
  );
  // paramGrad: false: the dx-only kernels (also split over the pool) give the same dx
  const dxOnly = { paramGrad: false } as const;
  put('shifted.dx@dxOnly', pw.shiftedReluBackward(dy, { x }, { threshold: 0.5, ...dxOnly }).dx);
  put(
    'shifted.dy@dxOnly',
    pw.shiftedReluBackward(
      dy,
      { y: out.shifted as Tensor<'float32'> },
      { threshold: 0.5, ...dxOnly },
    ).dx,
  );
  put('shifted.dx@device@dxOnly', pw.shiftedReluBackward(dy, { x }, { threshold, ...dxOnly }).dx);
  put('clipped.dx@dxOnly', pw.clippedReluBackward(dy, { x }, { ceiling: 3, ...dxOnly }).dx);
  put('prelu.dx@dxOnly', pw.preluBackward(dy, { x }, { slope, channelAxis: 0, ...dxOnly }).dx);
  if (out.x3) {
    const x3 = out.x3 as Tensor<'float32'>;
    const d3 = out.d3 as Tensor<'float32'>;
    const slopes = new Float32Array([0.1, -2, 0.5]);
    put(
      'prelu3.dx@dxOnly',
      pw.preluBackward(d3, { x: x3 }, { slope: slopes, channelAxis: 1, ...dxOnly }).dx,
    );
  }
  put(
    'dropout.dxMask@dxOnly',
    pw.dropoutWithReplacementBackward(dy, { ...params, mask: f.mask!, ...dxOnly }).dx,
  );
  put('dropout.dxRegen@dxOnly', pw.dropoutWithReplacementBackward(dy, { ...params, ...dxOnly }).dx);
  return out;
}

/** Device-parameter outputs and the host-number outputs they must equal. */
const DEVICE_TWINS = [
  'clipped',
  'clipped.dx',
  'clipped.dceiling',
  'shifted',
  'shifted.dx',
  'shifted.dthreshold',
  'dropout.noMask',
] as const;

/** paramGrad: false outputs and the default call's dx they must equal. */
const DX_ONLY_TWINS: readonly [string, string][] = [
  ['shifted.dx@dxOnly', 'shifted.dx'],
  ['shifted.dy@dxOnly', 'shifted.dy'],
  ['shifted.dx@device@dxOnly', 'shifted.dx'],
  ['clipped.dx@dxOnly', 'clipped.dx'],
  ['prelu.dx@dxOnly', 'prelu.dx'],
  ['prelu3.dx@dxOnly', 'prelu3.dx'],
  ['dropout.dxMask@dxOnly', 'dropout.dxMask'],
  ['dropout.dxRegen@dxOnly', 'dropout.dxRegen'],
];

/** Every output as read back (float32 or uint8 masks). */
function bytesOf(outputs: Outputs): Record<string, Float32Array | Uint8Array> {
  const r: Record<string, Float32Array | Uint8Array> = {};
  for (const [k, t] of Object.entries(outputs)) r[k] = t.readSync() as Float32Array | Uint8Array;
  return r;
}

/**
 * The first element whose bits differ, or -1. NaN matches any NaN (SPEC's rule: wasm
 * leaves a NaN's sign and payload to the engine, and V8's baseline and optimizing tiers
 * differ there); everything else, signed zeros included, must match bit for bit.
 */
function firstDifference(a: Float32Array | Uint8Array, b: Float32Array | Uint8Array): number {
  if (a.length !== b.length || a.constructor !== b.constructor) return -2;
  if (a instanceof Uint8Array) {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
    return -1;
  }
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) {
    if (ua[i] !== ub[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return i;
  }
  return -1;
}

const instances: Pointwise[] = [];
beforeAll(async () => {
  for (const threads of [1, 2, 3]) instances.push(await pointwise(wasmSimdBackend({ threads })));
});
afterAll(() => {
  for (const pw of instances) pw.destroy();
});

describe('same bits with 1, 2 and 3 threads', () => {
  it('runs the requested thread counts', () => {
    expect(instances.map((pw) => (pw.backend as WasmSimdBackend).threads)).toEqual([1, 2, 3]);
  });
  it.each(SIZES)('every op at size %i', (size) => {
    const xs = floatData(size, size * 13 + 1, [0, 0.5, 1, 3]);
    const ds = floatData(size, size * 7 + 2, [0]);
    const results = instances.map((pw) => {
      const outputs = runAll(pw, xs, ds);
      const bytes = bytesOf(outputs);
      for (const t of Object.values(outputs)) t.dispose();
      return bytes;
    });
    for (const [i, r] of results.entries()) {
      for (const key of DEVICE_TWINS) {
        const at = firstDifference(r[`${key}@device`]!, r[key]!);
        if (at !== -1)
          throw new Error(
            `${[1, 2, 3][i]} thread(s), size ${size}: ${key} with a device parameter differs at ${at}`,
          );
      }
      for (const [dxOnly, key] of DX_ONLY_TWINS) {
        if (!r[key]) continue;
        const at = firstDifference(r[dxOnly]!, r[key]!);
        if (at !== -1)
          throw new Error(
            `${[1, 2, 3][i]} thread(s), size ${size}: ${dxOnly} (paramGrad: false) differs from ${key} at byte ${at}`,
          );
      }
    }
    const [one, ...others] = results;
    for (const [i, other] of others.entries()) {
      for (const key of Object.keys(one!)) {
        const at = firstDifference(other[key]!, one![key]!);
        expect(at, `${key} with ${i + 2} threads, size ${size}: first differing byte`).toBe(-1);
      }
    }
    for (const pw of instances) expect(pw.memory().buffers).toBe(0);
  });
});

describe('the threads option', () => {
  it('rejects bad values with a typed error naming threads', () => {
    const cases: [unknown, string][] = [
      [0, 'PARAM_OUT_OF_RANGE'],
      [-1, 'PARAM_OUT_OF_RANGE'],
      [1.5, 'PARAM_OUT_OF_RANGE'],
      [Number.NaN, 'PARAM_OUT_OF_RANGE'],
      [Number.POSITIVE_INFINITY, 'PARAM_OUT_OF_RANGE'],
      [1000, 'PARAM_OUT_OF_RANGE'],
      ['2', 'INVALID_ARGUMENT'],
      ['max', 'INVALID_ARGUMENT'],
      [null, 'INVALID_ARGUMENT'],
      [2n, 'INVALID_ARGUMENT'],
    ];
    for (const [value, code] of cases) {
      let caught: unknown;
      try {
        wasmSimdBackend({ threads: value as number });
      } catch (error) {
        caught = error;
      }
      expect(caught, String(value)).toBeInstanceOf(PointwiseError);
      const e = caught as PointwiseError;
      expect([e.code, e.op, e.arg], String(value)).toEqual([code, 'wasmSimdBackend', 'threads']);
      expect(Object.is(e.value, value)).toBe(true);
    }
  });
  it("'auto' runs one thread per core in Node, with no note", async () => {
    const { availableParallelism } = await import('node:os');
    const pw = await pointwise(wasmSimdBackend());
    const b = pw.backend as WasmSimdBackend;
    expect(b.threads).toBe(Math.min(256, availableParallelism()));
    expect(b.threadsNote).toBe(
      availableParallelism() === 1 ? "'auto' runs one thread: one core" : null,
    );
    pw.destroy();
  });
  it('splits a large call over the workers and keeps small ones on the calling thread', () => {
    const pw = instances[1]!;
    const b = pw.backend as WasmSimdBackend;
    const d = b.wasm.dispatch;
    expect(d.parallel(STREAM_MIN, STREAM_MIN)).toBe(true);
    expect(d.parallel(64, STREAM_MIN)).toBe(false);
    const before = d.pooledCalls;
    const small = pw.tensor(new Float32Array(64).fill(-1));
    pw.relu(small).dispose();
    expect(d.pooledCalls).toBe(before);
    const x = pw.tensor(new Float32Array(4 * STREAM_MIN).fill(-1));
    const y = pw.relu(x);
    expect(d.pooledCalls).toBe(before + 1);
    expect((y.readSync() as Float32Array).every((v) => Object.is(v, 0))).toBe(true);
    for (const t of [small, x, y]) t.dispose();
  });
});

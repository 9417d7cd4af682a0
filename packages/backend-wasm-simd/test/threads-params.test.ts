// Parameters keep every bit on their way to the pool: a host-number parameter (alpha,
// threshold, replacement) of -0, a subnormal or the largest float32 gives the same
// bits with 2 and 3 threads as with one thread and (exact ops) as backend-js, above the thread
// crossovers (the default split) and on small tensors with `crossover: 0` (every call
// split; elu, which is not exact, against one thread). Issue 19 item 1: dropout's -0
// replacement came back as +0 from the workers.

import { jsBackend } from '@pointwise/backend-js';
import { type Pointwise, pointwise, type Tensor } from '@pointwise/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floatData } from '../../../tools/test-support/src/index.js';
import type { WasmSimdBackend } from '../src/backend.js';
import { wasmSimdBackend } from '../src/index.js';
import { COMPUTE_MIN, STREAM_MIN } from '../src/pool.js';

/** Values whose bits a careless copy loses: signed zero, subnormals, the extremes. */
const PARAMS = [-0, 0, 2 ** -149, -(2 ** -149), 2 ** -127, 3.4028234663852886e38, -1.5];

type Run = (pw: Pointwise, x: Tensor<'float32'>, dy: Tensor<'float32'>, p: number) => Tensor[];

const OPS: Record<string, Run> = {
  'leakyRelu alpha': (pw, x, dy, alpha) => [
    pw.leakyRelu(x, { alpha }),
    pw.leakyReluBackward(dy, { x }, { alpha }).dx,
  ],
  'elu alpha': (pw, x, dy, alpha) =>
    alpha < 0 ? [] : [pw.elu(x, { alpha }), pw.eluBackward(dy, { x }, { alpha }).dx],
  'thresholdedRelu alpha': (pw, x, dy, alpha) => [
    pw.thresholdedRelu(x, { alpha }),
    pw.thresholdedReluBackward(dy, { x }, { alpha }).dx,
  ],
  'shiftedRelu threshold': (pw, x, dy, threshold) => {
    const g = pw.shiftedReluBackward(dy, { x }, { threshold, paramGrad: false });
    return [pw.shiftedRelu(x, { threshold }), g.dx];
  },
  'clippedRelu ceiling': (pw, x, dy, ceiling) => {
    if (!(ceiling > 0)) return [];
    const g = pw.clippedReluBackward(dy, { x }, { ceiling, paramGrad: false });
    return [pw.clippedRelu(x, { ceiling }), g.dx];
  },
  'dropout replacement': (pw, x, dy, replacement) => {
    const p = { ratio: 1 / 3, seed: 7n, stream: 2n ** 32n, replacement, scale: true };
    const f = pw.dropoutWithReplacement(x, { ...p, returnMask: true });
    const noMask = pw.dropoutWithReplacement(x, { ...p, returnMask: false }).y;
    const dx = pw.dropoutWithReplacementBackward(dy, { ...p, paramGrad: false }).dx;
    return [f.y, f.mask!, noMask, dx];
  },
};

/** Bits of every output (float32 as uint32, masks as bytes). */
function bits(ts: Tensor[]): Uint32Array[] {
  return ts.map((t) => {
    const v = t.readSync() as Float32Array | Uint8Array;
    const out =
      v instanceof Float32Array ? new Uint32Array(v.buffer.slice(0)) : Uint32Array.from(v);
    t.dispose();
    return out;
  });
}

function firstDifference(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

const hex = (u: number | undefined) => `0x${(u ?? 0).toString(16).padStart(8, '0')}`;

let js: Pointwise;
const threaded: [string, Pointwise][] = [];
const split: [string, Pointwise][] = [];
beforeAll(async () => {
  js = await pointwise(jsBackend());
  const one = await pointwise(wasmSimdBackend({ threads: 1 }));
  threaded.push(['1 thread', one]);
  split.push(['1 thread', one]);
  for (const threads of [2, 3]) {
    threaded.push([`${threads} threads`, await pointwise(wasmSimdBackend({ threads }))]);
    const pw = await pointwise(wasmSimdBackend({ threads, crossover: 0 }));
    split.push([`${threads} threads, crossover 0`, pw]);
  }
});
afterAll(() => {
  js.destroy();
  for (const [, pw] of [...threaded, ...split.slice(1)]) pw.destroy();
});

/** Runs op on every instance at `size` and expects js's bits everywhere. */
function check(name: string, run: Run, size: number, instances: [string, Pointwise][]): void {
  // data without NaN: a NaN's payload is the engine's choice (SPEC)
  const xs = floatData(size, size + 5, [0, -0, 1, -1]).map((v) => (Number.isNaN(v) ? 1 : v));
  const ds = floatData(size, size + 9, [0, -0]).map((v) => (Number.isNaN(v) ? -1 : v));
  for (const p of PARAMS) {
    const out = (pw: Pointwise) => {
      const x = pw.tensor(xs);
      const dy = pw.tensor(ds);
      const r = bits(run(pw, x, dy, p));
      x.dispose();
      dy.dispose();
      return r;
    };
    // elu is ulp-bounded, not exact: its reference is the one-thread wasm kernel
    const [first, ...rest] = instances;
    const inexact = name.startsWith('elu');
    const want = out(inexact ? first![1] : js);
    for (const [label, pw] of inexact ? rest : instances) {
      const got = out(pw);
      for (const [i, w] of want.entries()) {
        const at = firstDifference(got[i]!, w);
        const what = `${name} ${Object.is(p, -0) ? '-0' : p}, ${label}, size ${size}, output ${i}`;
        expect(
          at,
          `${what}: element ${at} is ${hex(got[i]![at])}, the reference gives ${hex(w[at])}`,
        ).toBe(-1);
      }
    }
  }
}

describe('parameters keep their bits above the thread crossovers', () => {
  for (const [name, run] of Object.entries(OPS)) {
    const size = name.startsWith('elu') || name.startsWith('dropout') ? COMPUTE_MIN : STREAM_MIN;
    it(`${name} at ${size} + 3 elements`, () => check(name, run, size + 3, threaded));
  }
});

describe('parameters keep their bits when every call is split (crossover: 0)', () => {
  for (const [name, run] of Object.entries(OPS)) {
    it(`${name} at 1, 300 and 5000 elements`, () => {
      const before = split.map(
        ([, pw]) => (pw.backend as WasmSimdBackend).wasm.dispatch.pooledCalls,
      );
      for (const size of [1, 300, 5000]) check(name, run, size, split);
      // the split instances really ran on the pool
      for (const [i, [label, pw]] of split.entries()) {
        if (i === 0) continue;
        const calls = (pw.backend as WasmSimdBackend).wasm.dispatch.pooledCalls;
        expect(calls, label).toBeGreaterThan(before[i]!);
      }
    });
  }
});

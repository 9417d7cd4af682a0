// elu accuracy (SPEC: at most 2 ulp from the float64 reference rounded to float32, where
// alpha*exp(x) is a normal float32 and nothing overflows; elsewhere float32 flush/overflow
// behaviour), checked with the conformance suite's own rule, acceptUlp. x > 0 lanes must
// return x / dy bit for bit. The kernels are float32 with a few paths (forward's clamp at
// -30, backward's float64 fallback for blocks near underflow and for |alpha| >= 2^127), so
// the sweep mixes every exponent of both signs with the worst cases found by the
// exhaustive search (scripts/elu-accuracy.mjs covers every negative float32).

import {
  activations,
  F32_MIN_NORMAL,
  f32,
  type Pointwise,
  PointwiseError,
  pointwise,
} from '@pointwise/core';
import { acceptUlp } from '@pointwise/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../../../tools/test-support/src/index.js';
import { wasmSimdBackend } from '../src/index.js';

const elu = activations.find((op) => op.spec.name === 'elu')!.spec.reference;
const f32s = new Float32Array(1);
const i32s = new Int32Array(f32s.buffer);
const bitsOf = (v: number): number => {
  f32s[0] = v;
  return i32s[0]!;
};
const fromBits = (b: number): number => {
  i32s[0] = b;
  return f32s[0]!;
};
const ordinal = (v: number): number => (bitsOf(v) < 0 ? -(bitsOf(v) & 0x7fffffff) : bitsOf(v));

function sweep(): Float32Array {
  const next = rng(7);
  const out: number[] = [];
  for (let e = -149; e <= 127; e++) {
    for (let j = 0; j < 64; j++) {
      const v = f32(2 ** e * (1 + next()));
      out.push(v, -v);
    }
  }
  for (let i = 1; i < 2000; i++) out.push(-i * 1e-6, i * 1e-6, -(2 ** -i / 10));
  // around the largest errors of the exhaustive search (forward near -0.2953, backward
  // near -27.32 and -48.81), the forward clamp, the end of the float32 fast path
  // (k + ea = -123, x = -86.0 for alpha = 1) and the underflow of alpha*exp(x)
  for (const centre of [-0.2952741, -27.3206, -48.80837, -30, -86.0, -87.3, -103.3, -150, -173.3]) {
    const b = bitsOf(centre);
    for (let d = -300; d <= 300; d++) out.push(fromBits(b + d));
  }
  out.push(
    0,
    -0,
    Infinity,
    -Infinity,
    NaN,
    fromBits(0xffc00000),
    fromBits(0x7fa00000),
    1e-45,
    -1e-45,
  );
  return Float32Array.from(out);
}

interface Worst {
  ulp: number;
  failures: string[];
}

function check(
  got: Float32Array,
  xs: Float32Array,
  expected: (i: number) => number,
  factor: (i: number) => number,
  scale: (i: number) => number,
  same: (i: number) => number,
): Worst {
  const worst: Worst = { ulp: 0, failures: [] };
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const a = got[i]!;
    if (x > 0) {
      if (bitsOf(a) !== bitsOf(same(i))) worst.failures.push(`x=${x}: ${a} is not bit-exact`);
      continue;
    }
    const e = expected(i);
    if (!acceptUlp(2, a, e, factor(i), scale(i))) {
      worst.failures.push(`x=${x} (0x${(bitsOf(x) >>> 0).toString(16)}): got ${a}, want ${f32(e)}`);
    } else if (
      !Number.isNaN(e) &&
      Math.abs(f32(e)) >= F32_MIN_NORMAL &&
      Math.abs(factor(i)) >= F32_MIN_NORMAL
    ) {
      worst.ulp = Math.max(worst.ulp, Math.abs(ordinal(a) - ordinal(f32(e))));
    }
  }
  return worst;
}

let pw: Pointwise;
beforeAll(async () => {
  pw = await pointwise(wasmSimdBackend());
});
afterAll(() => pw.destroy());

// 1.333667398 = 2*0.666833699: the mantissa with the largest error of alpha*exp(x) (1.96
// of the 2 allowed 2^-24) in the exhaustive search; 0.99999994 and 1.0000001 sit on
// either side of a power of two; 3e38 takes the float64 path; 1e-40 is subnormal.
const ALPHAS = [
  1, 0.5, 2.5, 1.7, 0.99999994, 1.0000001, 1.333667398, -1.5, 1e-30, 1e30, 3e38, 1e-40, 0,
];
const DYS = [1, -3, 0.37, 1e-20, 3e35, 1e-40, -Infinity];

describe.each(ALPHAS)('elu alpha %s', (alpha) => {
  const a = f32(alpha);
  const r = { alpha: a } as never;
  const xs = sweep();
  it('forward within 2 ulp of alpha*expm1(x)', () => {
    const x = pw.tensor(xs);
    const y = pw.elu(x, { alpha });
    const w = check(
      y.readSync() as Float32Array,
      xs,
      (i) => elu.forward(xs[i]!, r, i),
      (i) => a * Math.exp(xs[i]!),
      () => 1,
      (i) => xs[i]!,
    );
    expect(w.failures.slice(0, 5)).toEqual([]);
    expect(w.ulp).toBeLessThanOrEqual(2);
    x.dispose();
    y.dispose();
  });
  it.each(DYS)('backward from x within 2 ulp of dy*alpha*exp(x), dy = %s', (dyValue) => {
    const d = f32(dyValue);
    const dys = new Float32Array(xs.length).fill(d);
    const x = pw.tensor(xs);
    const dy = pw.tensor(dys);
    const { dx } = pw.eluBackward(dy, { x }, { alpha });
    const w = check(
      dx.readSync() as Float32Array,
      xs,
      (i) => elu.backward(d, xs[i]!, r, i),
      (i) => a * Math.exp(xs[i]!),
      () => d,
      () => d,
    );
    expect(w.failures.slice(0, 5)).toEqual([]);
    expect(w.ulp).toBeLessThanOrEqual(2);
    for (const t of [x, dy, dx]) t.dispose();
  });
  it('backward from y within 2 ulp of dy*(y+alpha) (refused for alpha < 0, as SPEC says)', () => {
    const x = pw.tensor(xs);
    const y = pw.elu(x, { alpha });
    const ys = y.readSync() as Float32Array;
    const dys = Float32Array.from(xs, (_, i) => (i % 3 === 0 ? 1 : f32(0.75 - (i % 5))));
    const dy = pw.tensor(dys);
    if (a < 0) {
      expect(() => pw.eluBackward(dy, { y }, { alpha })).toThrow(PointwiseError);
      for (const t of [x, y, dy]) t.dispose();
      return;
    }
    const { dx } = pw.eluBackward(dy, { y }, { alpha });
    const w = check(
      dx.readSync() as Float32Array,
      ys,
      (i) => elu.backwardFromY(dys[i]!, ys[i]!, r, i),
      (i) => ys[i]! + a,
      (i) => dys[i]!,
      (i) => dys[i]!,
    );
    expect(w.failures.slice(0, 5)).toEqual([]);
    expect(w.ulp).toBeLessThanOrEqual(2);
    for (const t of [x, y, dy, dx]) t.dispose();
  });
});

describe('elu block structure', () => {
  it('blocks without negative x, for every alpha range (x = +0 is computed, not selected)', () => {
    const xs = Float32Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? 0 : f32(i / 7)));
    const dys = Float32Array.from({ length: 300 }, (_, i) => f32(3e35 / (1 + i)));
    for (const alpha of [1e-40, 2 ** -124, 3e-38, 1, 3e38]) {
      const a = f32(alpha);
      const x = pw.tensor(xs);
      const dy = pw.tensor(dys);
      const { dx } = pw.eluBackward(dy, { x }, { alpha });
      const w = check(
        dx.readSync() as Float32Array,
        xs,
        (i) => elu.backward(dys[i]!, xs[i]!, { alpha: a } as never, i),
        (i) => a * Math.exp(xs[i]!),
        (i) => dys[i]!,
        (i) => dys[i]!,
      );
      expect(w.failures.slice(0, 5), `alpha ${alpha}`).toEqual([]);
      for (const t of [x, dy, dx]) t.dispose();
    }
  });
  it('mixes float32 and float64 blocks in one call, at any length', () => {
    // one block (256 floats) in every three holds an x near underflow: those go through
    // the float64 path, the others through float32; lengths not multiples of a block
    for (const n of [1, 5, 255, 256, 257, 1000, 4099]) {
      const xs = Float32Array.from({ length: n }, (_, i) =>
        (i >> 8) % 3 === 1 && i % 7 === 0 ? -100 : f32(-4 + (i % 97) / 12),
      );
      const dys = Float32Array.from({ length: n }, (_, i) => f32(1 + (i % 5)));
      const x = pw.tensor(xs);
      const dy = pw.tensor(dys);
      const { dx } = pw.eluBackward(dy, { x }, { alpha: 1 });
      const w = check(
        dx.readSync() as Float32Array,
        xs,
        (i) => elu.backward(dys[i]!, xs[i]!, { alpha: 1 } as never, i),
        (i) => Math.exp(xs[i]!),
        (i) => dys[i]!,
        (i) => dys[i]!,
      );
      expect(w.failures.slice(0, 5)).toEqual([]);
      for (const t of [x, dy, dx]) t.dispose();
    }
  });
});

// elu accuracy (SPEC: at most 2 ulp from the float64 reference rounded to float32,
// where alpha*exp(x) is a normal float32; below that results may flush to signed 0).
// Sweep: every float32 exponent, both signs, 64 mantissas each, plus values near 0.

import {
  activations,
  F32_MIN_NORMAL,
  f32,
  type Pointwise,
  pointwise,
  ulpDistance,
} from '@pointwise/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wasmSimdBackend } from '../src/index.js';
import { rng } from './values.js';

const elu = activations.find((op) => op.spec.name === 'elu')!.spec.reference;

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
  return Float32Array.from(out);
}

function check(
  got: Float32Array,
  want: (i: number) => number,
  xs: Float32Array,
  what: string,
): void {
  let worst = 0;
  for (let i = 0; i < xs.length; i++) {
    const w = f32(want(i));
    if (Number.isNaN(w)) {
      expect(Number.isNaN(got[i]!), `${what} x=${xs[i]}`).toBe(true);
      continue;
    }
    if (Math.abs(w) < F32_MIN_NORMAL && Math.abs(got[i]!) < F32_MIN_NORMAL) continue; // may flush
    const d = ulpDistance(got[i]!, w);
    if (d > 2) throw new Error(`${what}: x=${xs[i]} got ${got[i]} want ${w} (${d} ulp)`);
    worst = Math.max(worst, d);
  }
  expect(worst).toBeLessThanOrEqual(2);
}

let pw: Pointwise;
beforeAll(async () => {
  pw = await pointwise(wasmSimdBackend());
});
afterAll(() => pw.destroy());

describe.each([1, 0.5, 2.5])('elu alpha %s', (alpha) => {
  const a = f32(alpha);
  const xs = sweep();
  const dys = Float32Array.from(xs, (_, i) => (i % 3 === 0 ? 1 : f32(0.75 - (i % 5))));
  it('forward within 2 ulp of alpha*expm1(x)', () => {
    const x = pw.tensor(xs);
    const y = pw.elu(x, { alpha });
    check(
      y.readSync() as Float32Array,
      (i) => elu.forward(xs[i]!, { alpha: a } as never, undefined as never),
      xs,
      'forward',
    );
    x.dispose();
    y.dispose();
  });
  it('backward from x within 2 ulp of dy*alpha*exp(x)', () => {
    const x = pw.tensor(xs);
    const dy = pw.tensor(dys);
    const { dx } = pw.eluBackward(dy, { x }, { alpha });
    check(
      dx.readSync() as Float32Array,
      (i) => elu.backward(dys[i]!, xs[i]!, { alpha: a } as never, undefined as never),
      xs,
      'backward x',
    );
    for (const t of [x, dy, dx]) t.dispose();
  });
  it('backward from y within 2 ulp of dy*(y+alpha)', () => {
    const x = pw.tensor(xs);
    const y = pw.elu(x, { alpha });
    const ys = y.readSync() as Float32Array;
    const dy = pw.tensor(dys);
    const { dx } = pw.eluBackward(dy, { y }, { alpha });
    check(
      dx.readSync() as Float32Array,
      (i) => elu.backwardFromY(dys[i]!, ys[i]!, { alpha: a } as never, undefined as never),
      xs,
      'backward y',
    );
    for (const t of [x, y, dy, dx]) t.dispose();
  });
});

// Pointwise's new tfjs ops on tfjs cpu and wasm, bit for bit against Pointwise's own js
// backend (parameter gradients: the same float64 sums, so the same bits), the same
// dropout masks on both tfjs backends, typed errors, and no leaked tensors.

import { jsBackend } from '@pointwise/backend-js';
import { PointwiseError, pointwise } from '@pointwise/core';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import {
  clippedRelu,
  dropoutWithReplacement,
  elu,
  shiftedRelu,
  sparseDropoutWithReplacement,
  thresholdedRelu,
} from '../src/index.js';
import { expectBits, inputs } from './helpers.js';

tf.env().set('IS_TEST', true);
const pw = await pointwise(jsBackend());
type PwTensor = Parameters<typeof pw.relu>[0];
const shape = [5, 12];
const data = inputs(60, 11);
const dyData = inputs(60, 12).reverse();

function take(t: tf.Tensor): Float32Array {
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return Float32Array.from(v);
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`new ops on tfjs ${backend}`, () => {
    it('shiftedRelu, clippedRelu, thresholdedRelu and elu(alpha) with gradients', async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const before = tf.memory().numTensors;
      const x = tf.tensor(data, shape);
      const dy = tf.tensor(dyData, shape);
      const px = pw.tensor(data, shape) as PwTensor;
      const pdy = pw.tensor(dyData, shape) as PwTensor;

      const t = tf.scalar(0.75);
      expectBits(
        take(shiftedRelu(x, t)),
        pw.shiftedRelu(px, { threshold: 0.75 }).readSync(),
        'shiftedRelu',
      );
      const [dx1, dt] = tf.grads((v: tf.Tensor, s: tf.Tensor) => shiftedRelu(v, s))([x, t], dy);
      const w1 = pw.shiftedReluBackward(pdy, { x: px }, { threshold: 0.75 });
      expectBits(take(dx1!), w1.dx.readSync(), 'shiftedRelu dx');
      expectBits(take(dt!), w1.dthreshold.readSync(), 'dthreshold');

      const c = tf.scalar(2.5);
      expectBits(
        take(clippedRelu(x, c)),
        pw.clippedRelu(px, { ceiling: 2.5 }).readSync(),
        'clippedRelu',
      );
      const [dx2, dc] = tf.grads((v: tf.Tensor, s: tf.Tensor) => clippedRelu(v, s))([x, c], dy);
      const w2 = pw.clippedReluBackward(pdy, { x: px }, { ceiling: 2.5 });
      expectBits(take(dx2!), w2.dx.readSync(), 'clippedRelu dx');
      expectBits(take(dc!), w2.dceiling.readSync(), 'dceiling');

      expectBits(
        take(thresholdedRelu(x, 0.5)),
        pw.thresholdedRelu(px, { alpha: 0.5 }).readSync(),
        'thresholdedRelu',
      );
      const g3 = tf.grad((v: tf.Tensor) => thresholdedRelu(v, 0.5))(x, dy);
      expectBits(
        take(g3),
        pw.thresholdedReluBackward(pdy, { x: px }, { alpha: 0.5 }).dx.readSync(),
        'thresholdedRelu dx',
      );

      expectBits(take(elu(x, 0.5)), pw.elu(px, { alpha: 0.5 }).readSync(), 'elu 0.5');
      const g4 = tf.grad((v: tf.Tensor) => elu(v, 0.5))(x, dy);
      expectBits(
        take(g4),
        pw.eluBackward(pdy, { x: px }, { alpha: 0.5 }).dx.readSync(),
        'elu 0.5 dx',
      );

      for (const v of [x, dy, t, c]) v.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });

    it('per-channel threshold and ceiling: per-channel formulas and sums', async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const x = tf.tensor(data, shape);
      const dy = tf.tensor(dyData, shape);
      const ts = Float32Array.from({ length: 12 }, (_, i) => i / 4 - 1);
      const cs = Float32Array.from({ length: 12 }, (_, i) => 0.5 + i / 3);
      const t = tf.tensor(ts);
      const c = tf.tensor(cs);
      const [dx, dt] = tf.grads((v: tf.Tensor, s: tf.Tensor) => shiftedRelu(v, s))([x, t], dy);
      const [dxc, dc] = tf.grads((v: tf.Tensor, s: tf.Tensor) => clippedRelu(v, s))([x, c], dy);
      const y = take(shiftedRelu(x, t));
      const yc = take(clippedRelu(x, c));
      const wantY = new Float32Array(60);
      const wantDx = new Float32Array(60);
      const wantYc = new Float32Array(60);
      const wantDxc = new Float32Array(60);
      const sums = new Float64Array(12);
      const sumsC = new Float64Array(12);
      for (let i = 0; i < 60; i++) {
        const k = i % 12;
        // the scalar op on one element gives the per-channel formula's bits
        const one = pw.tensor([data[i]!]) as PwTensor;
        const d = pw.tensor([dyData[i]!]) as PwTensor;
        wantY[i] = pw.shiftedRelu(one, { threshold: ts[k]! }).readSync()[0]!;
        const b = pw.shiftedReluBackward(d, { x: one }, { threshold: ts[k]! });
        wantDx[i] = b.dx.readSync()[0]!;
        // dthreshold = -(sum of dy where x > t): the sum of the passing dx, negated at the end
        sums[k] = sums[k]! + wantDx[i]!;
        wantYc[i] = pw.clippedRelu(one, { ceiling: cs[k]! }).readSync()[0]!;
        const bc = pw.clippedReluBackward(d, { x: one }, { ceiling: cs[k]! });
        wantDxc[i] = bc.dx.readSync()[0]!;
        sumsC[k] = sumsC[k]! + bc.dceiling.readSync()[0]!;
      }
      expectBits(y, wantY, 'per-channel shiftedRelu');
      expectBits(take(dx!), wantDx, 'per-channel shiftedRelu dx');
      expectBits(
        take(dt!),
        Float32Array.from(sums, (v) => -v),
        'per-channel dthreshold',
      );
      expectBits(yc, wantYc, 'per-channel clippedRelu');
      expectBits(take(dxc!), wantDxc, 'per-channel clippedRelu dx');
      expectBits(take(dc!), Float32Array.from(sumsC), 'per-channel dceiling');
      for (const v of [x, dy, t, c]) v.dispose();
    });

    it('dropoutWithReplacement: Philox masks, replacement gradient, identity at inference', async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const before = tf.memory().numTensors;
      const x = tf.tensor(data, shape);
      const dy = tf.tensor(dyData, shape);
      const r = tf.scalar(-0.5);
      const { y, mask } = dropoutWithReplacement(x, {
        rate: 0.3,
        replacement: r,
        seed: 42,
        stream: 7,
      });
      const px = pw.tensor(data, shape) as PwTensor;
      const want = pw.dropoutWithReplacement(px, {
        ratio: 0.3,
        replacement: -0.5,
        seed: 42n,
        stream: 7n,
      });
      expectBits(take(y), want.y.readSync(), 'dropout y');
      expect(Array.from(mask.dataSync())).toEqual(Array.from(want.mask.readSync()));
      mask.dispose();
      const [dx, dr] = tf.grads(
        (v: tf.Tensor, s: tf.Tensor) =>
          dropoutWithReplacement(v, { rate: 0.3, replacement: s, seed: 42, stream: 7 }).y,
      )([x, r], dy);
      const wb = pw.dropoutWithReplacementBackward(pw.tensor(dyData, shape) as PwTensor, {
        draw: want.draw,
        mask: want.mask,
      });
      expectBits(take(dx!), wb.dx.readSync(), 'dropout dx');
      expectBits(take(dr!), wb.dreplacement.readSync(), 'dreplacement');
      // another stream, another mask; inference is the identity
      const other = dropoutWithReplacement(x, { rate: 0.3, seed: 42, stream: 8 });
      expect(Array.from(other.mask.dataSync())).not.toEqual(Array.from(want.mask.readSync()));
      const inf = dropoutWithReplacement(x, { rate: 0.3, training: false });
      expectBits(take(inf.y), data, 'inference');
      tf.dispose([other.y, other.mask, inf.mask, x, dy, r]);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('sparseDropoutWithReplacement on int32 ids', async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const ids = Int32Array.from({ length: 40 }, (_, i) => i * 3);
      const lens = Int32Array.from([3, 0, 5, 2, 10, 1, 4, 6, 0, 9]);
      const out = sparseDropoutWithReplacement(
        tf.tensor(ids, [40], 'int32'),
        tf.tensor(lens, [10], 'int32'),
        {
          rate: 0.5,
          replacement: -1,
          seed: 3,
          stream: 1,
        },
      );
      const want = await pw.sparseDropoutWithReplacement(pw.tensor(ids), pw.tensor(lens), {
        ratio: 0.5,
        replacement: -1,
        seed: 3n,
        stream: 1n,
      });
      expect(Array.from(out.values.dataSync())).toEqual(
        Array.from(want.values.readSync() as Int32Array),
      );
      expect(Array.from(out.lengths.dataSync())).toEqual(
        Array.from(want.lengths.readSync() as Int32Array),
      );
      tf.dispose([out.values, out.lengths]);
    });
  });
}

describe('dropout masks across tfjs backends', () => {
  it('are the same bits on cpu and wasm for the same seed and stream', async () => {
    const run = async (b: string) => {
      expect(await tf.setBackend(b)).toBe(true);
      const x = tf.tensor(inputs(1001, 4));
      const { y, mask } = dropoutWithReplacement(x, { rate: 0.5, seed: 2 ** 40 + 5, stream: 99 });
      const out = { y: take(y), mask: Array.from(mask.dataSync()) };
      tf.dispose([x, mask]);
      return out;
    };
    const a = await run('cpu');
    const b = await run('wasm');
    expectBits(a.y, b.y, 'y cpu vs wasm');
    expect(a.mask).toEqual(b.mask);
  });
});

describe('argument errors', () => {
  it('are PointwiseErrors naming op, argument and value, before any work', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const x = tf.tensor([1, 2]);
    const xi = tf.tensor([1, 2], [2], 'int32');
    const cases: [() => unknown, string, RegExp][] = [
      [() => shiftedRelu(xi), 'DTYPE_MISMATCH', /shiftedRelu: x/],
      [() => shiftedRelu(x, Number.NaN), 'PARAM_OUT_OF_RANGE', /threshold/],
      [() => clippedRelu(x, 0), 'PARAM_OUT_OF_RANGE', /ceiling/],
      [() => elu(x, 1e39), 'PARAM_OUT_OF_RANGE', /elu: alpha/],
      [() => dropoutWithReplacement(x, { rate: 1.5 }), 'PARAM_OUT_OF_RANGE', /rate/],
      [() => dropoutWithReplacement(x, { seed: -1 }), 'PARAM_OUT_OF_RANGE', /seed/],
      [() => dropoutWithReplacement(x, { ratio: 0.5 } as never), 'INVALID_ARGUMENT', /ratio/],
      [() => shiftedRelu(x, tf.tensor([1, 2, 3])), 'SHAPE_MISMATCH', /threshold\.shape/],
      [() => sparseDropoutWithReplacement(x, xi), 'DTYPE_MISMATCH', /values/],
      [
        () => sparseDropoutWithReplacement(xi, tf.tensor([1], [1], 'int32')),
        'SHAPE_MISMATCH',
        /lengths/,
      ],
    ];
    for (const [f, code, msg] of cases) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PointwiseError);
      expect((err as PointwiseError).code).toBe(code);
      expect((err as Error).message).toMatch(msg);
    }
    tf.dispose([x, xi]);
    // the two tensors made inline for the shape cases
    expect(tf.memory().numTensors).toBe(before + 2);
  });
});

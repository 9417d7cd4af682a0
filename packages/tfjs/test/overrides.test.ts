// The drop-in kernels on tfjs's cpu and wasm backends, bit for bit against
// Pointwise's own js backend for the same inputs (elu within 2 ulp), including -0,
// NaN, ±Inf, subnormals and last dimensions that are and are not multiples of 4;
// the gradients Pointwise replaces; uninstall() giving tfjs's exact outputs back;
// no leaked tensors (tfjs's IS_TEST kernel leak check is on).

import { jsBackend } from '@pointwise/backend-js';
import { pointwise } from '@pointwise/core';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_KERNELS, installPointwise, KERNEL_NAMES } from '../src/index.js';
import { expectBits, expectUlp, inputs } from './helpers.js';

tf.env().set('IS_TEST', true);
const pw = await pointwise(jsBackend());
const SHAPES: number[][] = [[64], [3, 37], [2, 2, 8]];

function read(t: tf.Tensor): Float32Array {
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return v;
}

type PwTensor = Parameters<typeof pw.relu>[0];

function ref(fn: (x: PwTensor) => { readSync(): unknown }, x: Float32Array, shape: number[]) {
  const px = pw.tensor(x, shape) as PwTensor;
  const y = fn(px);
  const out = y.readSync() as Float32Array;
  return out;
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`tfjs ${backend} with Pointwise installed`, () => {
    let uninstall: () => void = () => {};
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      // every kernel and gradient, opted in on wasm too (DEFAULT_KERNELS holds the measured defaults)
      uninstall = installPointwise(tf, { kernels: KERNEL_NAMES, gradients: true }).uninstall;
    });
    afterAll(() => uninstall());

    for (const shape of SHAPES) {
      const size = shape.reduce((a, b) => a * b, 1);
      const data = inputs(size, size);
      const dyData = inputs(size, size + 7).reverse();
      const label = `[${shape}]`;

      it(`forward ops ${label}`, () => {
        const before = tf.memory().numTensors;
        const x = tf.tensor(data, shape);
        expectBits(
          read(tf.relu(x)),
          ref((t) => pw.relu(t), data, shape),
          'relu',
        );
        expectBits(
          read(tf.relu6(x)),
          ref((t) => pw.clippedRelu(t, { ceiling: 6 }), data, shape),
          'relu6',
        );
        expectBits(
          read(tf.clipByValue(x, 0, 2.5)),
          ref((t) => pw.clippedRelu(t, { ceiling: 2.5 }), data, shape),
          'clip',
        );
        for (const alpha of [0.2, 0.01, 1.5]) {
          expectBits(
            read(tf.leakyRelu(x, alpha)),
            ref((t) => pw.leakyRelu(t, { alpha }), data, shape),
            `leakyRelu ${alpha}`,
          );
        }
        const c = shape[shape.length - 1]!;
        const slopes = Float32Array.from({ length: c }, (_, i) => 0.1 + i / 8);
        const alpha = tf.tensor(slopes);
        expectBits(
          read(tf.prelu(x, alpha)),
          ref((t) => pw.prelu(t, { slope: [...slopes], channelAxis: -1 }), data, shape),
          'prelu',
        );
        alpha.dispose();
        expectUlp(
          read(tf.elu(x)),
          ref((t) => pw.elu(t), data, shape),
          2,
          'elu',
        );
        // Pointwise's own elu: same kernel, same bits
        expectBits(
          read(tf.elu(x)),
          ref((t) => pw.elu(t), data, shape),
          'elu bits',
        );
        x.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });

      it(`gradients ${label}`, () => {
        const before = tf.memory().numTensors;
        const x = tf.tensor(data, shape);
        const dy = tf.tensor(dyData, shape);
        const px = pw.tensor(data, shape) as PwTensor;
        const pdy = pw.tensor(dyData, shape) as PwTensor;
        const g = (f: (v: tf.Tensor) => tf.Tensor) => read(tf.grad(f)(x, dy));
        expectBits(
          g((v) => tf.relu(v)),
          pw.reluBackward(pdy, { x: px }).dx.readSync(),
          'relu grad',
        );
        expectBits(
          g((v) => tf.leakyRelu(v, 0.2)),
          pw.leakyReluBackward(pdy, { x: px }, { alpha: 0.2 }).dx.readSync(),
          'leakyRelu grad',
        );
        expectBits(
          g((v) => tf.relu6(v)),
          pw.clippedReluBackward(pdy, { x: px }, { ceiling: 6 }).dx.readSync(),
          'relu6 grad',
        );
        // EluGrad runs from y, like tfjs's own gradient
        const py = pw.elu(px);
        expectBits(
          g((v) => tf.elu(v)),
          pw.eluBackward(pdy, { y: py }).dx.readSync(),
          'elu grad',
        );
        const c = shape[shape.length - 1]!;
        const slopes = Float32Array.from({ length: c }, (_, i) => 0.1 + i / 8);
        const alpha = tf.tensor(slopes);
        const [dx, da] = tf.grads((v: tf.Tensor, a: tf.Tensor) => tf.prelu(v, a))([x, alpha], dy);
        const want = pw.preluBackward(pdy, { x: px }, { slope: [...slopes], channelAxis: -1 });
        expectBits(read(dx!), want.dx.readSync(), 'prelu dx');
        expectBits(read(da!), want.dslope.readSync(), 'prelu dalpha');
        for (const t of [x, dy, alpha]) t.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    it('prelu broadcasts alpha inside the shape (tfjs-wasm #7458 case) and over the middle axes', () => {
      const x = tf.tensor([-1, -2, -3, 4, -5, -6], [1, 2, 3]);
      const a = tf.tensor([0.1, 0.2], [1, 2, 1]);
      expectBits(
        read(tf.prelu(x, a)),
        Float32Array.from([-0.1, -0.2, -0.3, 4, -1, -1.2]),
        'prelu [1,2,1]',
      );
      const x2 = tf.tensor(inputs(2 * 3 * 4, 5), [2, 3, 4]);
      const a2 = tf.tensor([0.5, 0.25, 0.125, 0.75, 1, 2, 3, 4], [2, 1, 4]);
      const got = read(tf.prelu(x2, a2));
      const xs = x2.dataSync();
      const as = a2.dataSync();
      const want = Float32Array.from(xs, (v, i) => {
        const n = Math.floor(i / 12);
        const k = i % 4;
        return v < 0 ? Math.fround(as[n * 4 + k]! * v) : v;
      });
      expectBits(got, want, 'prelu [2,1,4] over [2,3,4]');
      // and its gradient, reduced to alpha's shape, through tfjs's own fallback
      const [, da] = tf.grads((v: tf.Tensor, s: tf.Tensor) => tf.prelu(v, s))([x2, a2]);
      expect(da!.shape).toEqual([2, 1, 4]);
      for (const t of [x, a, x2, a2, da!]) t.dispose();
    });

    it('int32 relu and leakyRelu still run (through tfjs kernels)', () => {
      const x = tf.tensor([-2, 3, 0], [3], 'int32');
      const r = tf.relu(x);
      expect(r.dtype).toBe('int32');
      expect(Array.from(r.dataSync())).toEqual([0, 3, 0]);
      const l = tf.leakyRelu(x, 0.5);
      expect(l.dtype).toBe('float32');
      expect(Array.from(l.dataSync())).toEqual([-1, 3, 0]);
      for (const t of [x, r, l]) t.dispose();
    });

    it('tf.memory() stays flat over 1000 training-like steps', () => {
      const x = tf.variable(tf.tensor(inputs(256, 3), [16, 16]));
      const a = tf.variable(tf.fill([16], 0.25));
      const opt = tf.train.sgd(0.001);
      const step = () =>
        opt.minimize(
          () => tf.sum(tf.elu(tf.leakyRelu(tf.prelu(tf.relu6(x), a), 0.1))) as tf.Scalar,
        );
      step();
      const before = tf.memory();
      for (let i = 0; i < 1000; i++) step();
      const after = tf.memory();
      expect(after.numTensors).toBe(before.numTensors);
      expect(after.numBytes).toBe(before.numBytes);
      opt.dispose();
      x.dispose();
      a.dispose();
    });
  });
}

describe('uninstall()', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`gives tfjs's exact kernels and outputs back on ${backend}`, async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const names = KERNEL_NAMES;
      const configs = names.map((n) => tf.getKernel(n, backend));
      const grads = ['Relu', 'Relu6', 'LeakyRelu', 'Prelu'].map((n) => tf.getGradient(n));
      const data = inputs(40, 9);
      const run = () => {
        const x = tf.tensor(data, [5, 8]);
        const a = tf.tensor([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
        const outs = [
          tf.relu(x),
          tf.relu6(x),
          tf.leakyRelu(x),
          tf.prelu(x, a),
          tf.elu(x),
          tf.step(x),
          tf.clipByValue(x, -1, 1),
          tf.grad((v: tf.Tensor) => tf.elu(v))(x),
          tf.grad((v: tf.Tensor) => tf.relu6(v))(x),
        ].map(read);
        x.dispose();
        a.dispose();
        return outs;
      };
      const tfjs = run();
      const inst = installPointwise(tf, { kernels: KERNEL_NAMES, gradients: true });
      expect(inst.kernels).toContain(`${backend}/Relu`);
      const withPw = run();
      inst.uninstall();
      inst.uninstall(); // a second call does nothing
      const back = run();
      for (const [i, n] of names.entries()) expect(tf.getKernel(n, backend)).toBe(configs[i]);
      for (const [i, n] of ['Relu', 'Relu6', 'LeakyRelu', 'Prelu'].entries())
        expect(tf.getGradient(n)).toBe(grads[i]);
      for (const [i, v] of back.entries()) expectBits(v, tfjs[i]!, `output ${i} after uninstall`);
      // and the adapter did change something where tfjs's convention differs: relu6'(6)
      const i6 = data.indexOf(6);
      expect(tfjs[8]![i6]).toBe(1);
      expect(withPw[8]![i6]).toBe(0);
    });
  }
});

describe('installPointwise defaults', () => {
  it('installs every kernel and gradient on cpu; Prelu (where tfjs-wasm is wrong), LeakyRelu and the gradients in place on wasm', async () => {
    const inst = installPointwise(tf);
    expect(DEFAULT_KERNELS.cpu).toEqual(KERNEL_NAMES);
    expect(inst.kernels).toEqual([
      ...KERNEL_NAMES.map((k) => `cpu/${k}`),
      'wasm/LeakyRelu',
      'wasm/Prelu',
    ]);
    expect(inst.gradients).toEqual(['Relu', 'Relu6', 'LeakyRelu', 'Prelu']);
    expect(await tf.setBackend('wasm')).toBe(true);
    // the leakyRelu gradient on wasm: wasm-simd's kernel in place (its bits: wasmInPlace tests)
    const x = tf.tensor([-1, 2]);
    const g = tf.grad((v: tf.Tensor) => tf.leakyRelu(v, 0.5))(x);
    expect(Array.from(g.dataSync())).toEqual([0.5, 1]);
    const x3 = tf.tensor([-1, -2, -3, 4, -5, -6], [1, 2, 3]);
    const a3 = tf.tensor([0.1, 0.2], [1, 2, 1]);
    expectBits(
      read(tf.prelu(x3, a3)),
      Float32Array.from([-0.1, -0.2, -0.3, 4, -1, -1.2]),
      'wasm prelu #7458',
    );
    inst.uninstall();
    for (const t of [x, g, x3, a3]) t.dispose();
  });
});

describe('installPointwise arguments', () => {
  it('refuses an unknown backend, kernel or non-namespace with a PointwiseError', () => {
    const relu = tf.getKernel('Relu', 'cpu');
    expect(() => installPointwise(tf, { backends: ['webgl' as 'cpu'] })).toThrow(/backends.*webgl/);
    expect(() => installPointwise(tf, { kernels: ['Sigmoid'] })).toThrow(/kernels.*Sigmoid/);
    expect(() => installPointwise({} as never)).toThrow(/INVALID_ARGUMENT/);
    // nothing was installed by the refused calls
    expect(tf.getKernel('Relu', 'cpu')).toBe(relu);
  });
});

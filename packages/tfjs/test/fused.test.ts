// Wrapped fused activations: _FusedMatMul / FusedConv2D with 'relu' or 'elu' give
// Pointwise's relu / elu of tfjs's own linear output, bit for bit against Pointwise's js
// backend (elu keeps -1e-30 and subnormals, which tfjs-cpu's fused `exp(z) - 1` loses;
// relu keeps NaN, which tfjs-wasm's fused relu turns into 0); other activations stay
// tfjs's bits; a Dense layer's predict uses it; nothing leaks; uninstall restores.

import { jsBackend } from '@pointwise/backend-js';
import { pointwise } from '@pointwise/core';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { DEFAULT_KERNELS, installPointwise } from '../src/index.js';
import { expectBits, inputs } from './helpers.js';

tf.env().set('IS_TEST', true);
const pw = await pointwise(jsBackend());
type Act = 'linear' | 'relu' | 'elu' | 'relu6' | 'leakyrelu';

/** [1,1] x [1,n]: the linear output is z exactly (one product by 1, no bias). */
const Z = [-1e-30, -1e-40, -1e-7, -3e-8, Number.NaN, 0, 1e-7, -88, -1, 5, ...inputs(40, 4)];

function matMul(act: Act): Float32Array {
  return tf.tidy(() =>
    tf.fused.matMul({ a: tf.tensor([[1]]), b: tf.tensor([Z]), activation: act }).dataSync(),
  ) as Float32Array;
}

function conv(act: Act): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor(inputs(6 * 6 * 3, 5), [1, 6, 6, 3]) as tf.Tensor4D;
    const f = tf.tensor(
      inputs(3 * 3 * 3 * 4, 6).map((v) => v / 8),
      [3, 3, 3, 4],
    ) as tf.Tensor4D;
    const bias = tf.tensor([0.5, -0.5, 0, 1]);
    return tf.fused
      .conv2d({ x, filter: f, strides: 1, pad: 'same', bias, activation: act })
      .dataSync();
  }) as Float32Array;
}

function pwAct(act: 'relu' | 'elu', z: Float32Array): Float32Array {
  const t = pw.tensor(z, [z.length]);
  const y = act === 'relu' ? pw.relu(t) : pw.elu(t);
  const out = y.readSync() as Float32Array;
  t.dispose();
  y.dispose();
  return out;
}

describe('fused activations', () => {
  it('are wrapped by default on cpu only', () => {
    expect(DEFAULT_KERNELS.cpu).toContain('_FusedMatMul');
    expect(DEFAULT_KERNELS.cpu).toContain('FusedConv2D');
    expect(DEFAULT_KERNELS.wasm).not.toContain('_FusedMatMul');
    expect(DEFAULT_KERNELS.webgpu).not.toContain('_FusedMatMul');
  });

  for (const backend of ['cpu', 'wasm'] as const)
    it(`${backend}: relu and elu are Pointwise's on tfjs's linear output, the rest tfjs's`, async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const acts: Act[] = ['linear', 'relu', 'elu', 'relu6', 'leakyrelu'];
      const own = acts.map((a) => [matMul(a), conv(a)] as const);
      const inst = installPointwise(tf, {
        backends: [backend],
        ...(backend === 'wasm' ? { kernels: ['_FusedMatMul', 'FusedConv2D'] } : {}),
      });
      expect(inst.kernels).toContain(`${backend}/_FusedMatMul`);
      const before = tf.memory().numTensors;
      const dataIds = tf.engine().backend.numDataIds();
      try {
        acts.forEach((a, i) => {
          const [m, c] = [matMul(a), conv(a)];
          if (a === 'relu' || a === 'elu') {
            const [lm, lc] = own[0]!;
            expectBits(m, pwAct(a, lm), `${backend} fused matMul ${a}`);
            expectBits(c, pwAct(a, lc), `${backend} fused conv2d ${a}`);
          } else {
            expectBits(m, own[i]![0], `${backend} fused matMul ${a}`);
            expectBits(c, own[i]![1], `${backend} fused conv2d ${a}`);
          }
        });
      } finally {
        inst.uninstall();
      }
      expect(tf.memory().numTensors).toBe(before);
      expect(tf.engine().backend.numDataIds()).toBe(dataIds);
      // uninstall gives tfjs's own fused outputs back
      acts.forEach((a, i) => {
        expectBits(matMul(a), own[i]![0], `${backend} after uninstall ${a}`);
        expectBits(conv(a), own[i]![1], `${backend} after uninstall ${a}`);
      });
    });

  it("tfjs's own fused kernels get these wrong (what wrapping fixes)", async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
    const cpuElu = matMul('elu');
    expect(cpuElu[0]).toBe(0); // elu(-1e-30): exp(z) - 1 cancels
    expect(cpuElu[1]).toBe(0); // elu(-1e-40): the subnormal is lost
    expect(await tf.setBackend('wasm')).toBe(true);
    expect(matMul('relu')[4]).toBe(0); // relu(NaN) is 0 in XNNPACK's clamp
  });

  it('a Dense layer with elu predicts Pointwise elu of its linear output on cpu', async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
    // zero weights and a bias of -1e-30: every output is elu(-1e-30), which tfjs's own
    // fused elu gives as 0
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          units: 8,
          inputShape: [4],
          activation: 'elu',
          kernelInitializer: 'zeros',
          biasInitializer: tf.initializers.constant({ value: -1e-30 }),
        }),
      ],
    });
    const x = tf.tensor(
      inputs(64, 8).map((v) => (Number.isFinite(v) ? v : 0)),
      [16, 4],
    );
    const predict = () => tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
    expect(Array.from(predict()).every((v) => v === 0)).toBe(true);
    const inst = installPointwise(tf, { backends: ['cpu'] });
    try {
      expectBits(predict(), new Float32Array(128).fill(-1e-30), 'Dense elu predict');
    } finally {
      inst.uninstall();
      x.dispose();
      model.dispose();
    }
  });
});

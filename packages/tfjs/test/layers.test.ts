// Real tfjs-layers models with the adapter: an MLP on generated data trains to the
// same loss curve as without it (relative difference <= 1e-5 per epoch), ShiftedReLU /
// PACTReLU learn their thresholds while the loss falls, DropoutWithReplacement draws a
// fresh Philox mask every step and none at inference, save/reload round-trips the
// custom layers, and tf.memory() stays flat over 1000 training steps (IS_TEST is on
// except for wasm, see below).

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPointwise, pointwiseLayers } from '../src/index.js';
import { inputs } from './helpers.js';

tf.env().set('IS_TEST', true);
const { ShiftedReLU, PACTReLU, DropoutWithReplacement, PointwiseELU } = pointwiseLayers(tf);

/** 256 points of a smooth 2-D target, generated (nothing downloaded). */
function data(): { xs: tf.Tensor; ys: tf.Tensor } {
  const x = inputs(512, 21).map((v) => (Number.isFinite(v) && Math.abs(v) < 8 ? v / 8 : 0.1));
  const y = new Float32Array(256);
  for (let i = 0; i < 256; i++) y[i] = Math.sin(3 * x[2 * i]!) * x[2 * i + 1]! + 0.5 * x[2 * i]!;
  return { xs: tf.tensor(x, [256, 2]), ys: tf.tensor(y, [256, 1]) };
}

function mlp(extra: (tf.layers.Layer | null)[] = []): tf.Sequential {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential();
  model.add(
    tf.layers.dense({ inputShape: [2], units: 16, activation: 'relu', kernelInitializer: init(1) }),
  );
  model.add(tf.layers.dense({ units: 16, kernelInitializer: init(2) }));
  for (const l of extra) if (l !== null) model.add(l);
  if (extra.length === 0) model.add(tf.layers.leakyReLU({ alpha: 0.1 }));
  model.add(tf.layers.dense({ units: 1, kernelInitializer: init(3) }));
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
  return model;
}

async function curve(epochs: number): Promise<number[]> {
  const { xs, ys } = data();
  const model = mlp();
  const h = await model.fit(xs, ys, { epochs, batchSize: 64, shuffle: false, verbose: 0 });
  tf.dispose([xs, ys]);
  model.dispose();
  return h.history.loss as number[];
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`tfjs-layers on ${backend}`, () => {
    // tfjs-wasm alone fails the engine's IS_TEST check in Dense training ("internal
    // memory leak (4 data ids) after running 'fusedMatMul__op'", with or without the
    // adapter), so on wasm these tests rely on the tf.memory() checks instead
    beforeAll(() => tf.env().set('IS_TEST', backend !== 'wasm'));
    afterAll(() => tf.env().set('IS_TEST', true));
    it('an MLP trains to the same loss curve with the adapter as without', async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const without = await curve(15);
      const inst = installPointwise(tf, {
        backends: [backend],
        kernels: ['Relu', 'LeakyRelu'],
        gradients: true,
      });
      const withPw = await curve(15);
      inst.uninstall();
      expect(withPw[14]!).toBeLessThan(withPw[0]! * 0.8);
      for (let i = 0; i < without.length; i++)
        expect(Math.abs(withPw[i]! - without[i]!)).toBeLessThanOrEqual(1e-5 * without[i]!);
    });

    it('ShiftedReLU and PACTReLU learn their thresholds while the loss falls', async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const { xs, ys } = data();
      const shifted = new ShiftedReLU({ threshold: 0.2, perChannel: true });
      const pact = new PACTReLU({ ceiling: 0.5 });
      const model = mlp([
        shifted as unknown as tf.layers.Layer,
        pact as unknown as tf.layers.Layer,
      ]);
      const h = await model.fit(xs, ys, { epochs: 20, batchSize: 64, shuffle: false, verbose: 0 });
      const loss = h.history.loss as number[];
      expect(loss[19]!).toBeLessThan(loss[0]!);
      const t = Array.from(
        (shifted as unknown as { threshold: { read(): tf.Tensor } }).threshold.read().dataSync(),
      );
      const c = Array.from(
        (pact as unknown as { ceiling: { read(): tf.Tensor } }).ceiling.read().dataSync(),
      );
      expect(t).toHaveLength(16);
      expect(t.some((v) => Math.abs(v - 0.2) > 1e-3)).toBe(true);
      expect(Math.abs(c[0]! - 0.5)).toBeGreaterThan(1e-3);
      tf.dispose([xs, ys]);
      model.dispose();
    });

    it('save and reload round-trip the custom layers', async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const model = mlp([
        new ShiftedReLU({ threshold: 0.1 }) as unknown as tf.layers.Layer,
        new PACTReLU({ ceiling: 3, perChannel: true }) as unknown as tf.layers.Layer,
        new DropoutWithReplacement({
          rate: 0.25,
          replacement: -1,
          learnableReplacement: true,
          seed: 5,
        }) as unknown as tf.layers.Layer,
        new PointwiseELU({ alpha: 0.5 }) as unknown as tf.layers.Layer,
      ]);
      let saved: tf.io.ModelArtifacts | null = null;
      await model.save(
        tf.io.withSaveHandler(async (artifacts) => {
          saved = artifacts;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
      const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
      const names = loaded.layers.map((l) => l.getClassName());
      expect(names).toEqual([
        'Dense',
        'Dense',
        'ShiftedReLU',
        'PACTReLU',
        'DropoutWithReplacement',
        'PointwiseELU',
        'Dense',
      ]);
      expect((loaded.layers[4] as unknown as { seed: number }).seed).toBe(5);
      expect((loaded.layers[5] as unknown as { alpha: number }).alpha).toBe(0.5);
      const x = tf.tensor(
        inputs(20, 3).map((v) => (Number.isFinite(v) ? v / 1e3 : 0)),
        [10, 2],
      );
      const a = model.predict(x) as tf.Tensor;
      const b = loaded.predict(x) as tf.Tensor;
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      tf.dispose([x, a, b]);
      model.dispose();
      loaded.dispose();
    });

    it('DropoutWithReplacement: a fresh mask every training call, reproducible from the seed, identity at inference', async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const x = tf.ones([4, 64]);
      const masks = (seed: number) => {
        const layer = new DropoutWithReplacement({
          rate: 0.5,
          replacement: -1,
          seed,
        }) as unknown as tf.layers.Layer;
        const out = [0, 1, 2].map(() => {
          const y = layer.apply(x, { training: true }) as tf.Tensor;
          const v = Array.from(y.dataSync());
          y.dispose();
          return v;
        });
        const inf = layer.apply(x) as tf.Tensor;
        expect(Array.from(inf.dataSync()).every((v) => v === 1)).toBe(true);
        inf.dispose();
        return out;
      };
      const a = masks(9);
      expect(a[0]).not.toEqual(a[1]);
      expect(a[1]).not.toEqual(a[2]);
      expect(masks(9)).toEqual(a);
      expect(masks(10)[0]).not.toEqual(a[0]);
      x.dispose();
    });

    it('tf.memory() is the same before and after 1000 training steps', async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const inst = installPointwise(tf, { backends: [backend] });
      const { xs, ys } = data();
      const model = mlp([
        new ShiftedReLU({ threshold: 0.1 }) as unknown as tf.layers.Layer,
        new DropoutWithReplacement({
          rate: 0.1,
          learnableReplacement: true,
          seed: 1,
        }) as unknown as tf.layers.Layer,
      ]);
      await model.trainOnBatch(xs, ys);
      const before = tf.memory();
      for (let i = 0; i < 1000; i++) await model.trainOnBatch(xs, ys);
      const after = tf.memory();
      expect(after.numTensors).toBe(before.numTensors);
      expect(after.numBytes).toBe(before.numBytes);
      inst.uninstall();
      tf.dispose([xs, ys]);
      model.dispose();
    });
  });
}

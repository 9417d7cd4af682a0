// tfjs wasm with the `wasmSimd` option and `wasmRoute: 'copy'`: the one-pass gradients
// copy into a @pointwise/backend-wasm-simd heap and run its SIMD kernels; the results are the bits
// Pointwise's own wasm-simd backend gives for the same inputs, uninstall() puts the
// js kernels and tfjs's gradients back, and nothing leaks.

import { wasmSimdBackend } from '@pointwise/backend-wasm-simd';
import { pointwise } from '@pointwise/core';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { expect, it } from 'vitest';
import { installPointwise, type WasmSimdLike } from '../src/index.js';
import { expectBits, inputs } from './helpers.js';

tf.env().set('IS_TEST', true);

it('relu, relu6, leakyRelu and prelu gradients on tfjs wasm run wasm-simd, bit for bit', async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  const simd = await wasmSimdBackend({ threads: 1 }).create();
  const pw = await pointwise(wasmSimdBackend({ threads: 1 }));
  type PwTensor = Parameters<typeof pw.relu>[0];
  const gradKernels = [
    'PointwiseReluGrad',
    'PointwiseLeakyReluGrad',
    'PointwiseClippedReluGrad',
    'PointwisePreluGrad',
  ];
  const leakyGrad = tf.getGradient('LeakyRelu');
  expect(() => installPointwise(tf, { backends: ['wasm'], wasmRoute: 'copy' })).toThrow(
    /wasmRoute.*needs a created wasm-simd backend/,
  );
  expect(() => installPointwise(tf, { wasmRoute: 'fast' as never })).toThrow(/wasmRoute/);
  const inst = installPointwise(tf, {
    backends: ['wasm'],
    wasmSimd: simd as unknown as WasmSimdLike,
    wasmRoute: 'copy',
  });
  expect(inst.gradients).toEqual(['Relu', 'Relu6', 'LeakyRelu', 'Prelu']);
  const jsKernels = gradKernels.map((k) => tf.getKernel(k, 'cpu'));
  // while installed, wasm runs other (wasm-simd) kernels than the js ones
  for (const [i, k] of gradKernels.entries())
    expect(tf.getKernel(k, 'wasm')?.kernelFunc).not.toBe(jsKernels[i]?.kernelFunc);
  for (const shape of [[4096], [3, 37], [64, 48]]) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = inputs(size, size);
    const dyData = inputs(size, size + 1).reverse();
    const before = tf.memory().numTensors;
    const x = tf.tensor(data, shape);
    const dy = tf.tensor(dyData, shape);
    const px = pw.tensor(data, shape) as PwTensor;
    const pdy = pw.tensor(dyData, shape) as PwTensor;
    const g = (f: (v: tf.Tensor) => tf.Tensor) => {
      const t = tf.grad(f)(x, dy);
      const v = Float32Array.from(t.dataSync());
      t.dispose();
      return v;
    };
    expectBits(
      g((v) => tf.relu(v)),
      pw.reluBackward(pdy, { x: px }).dx.readSync(),
      'relu',
    );
    expectBits(
      g((v) => tf.leakyRelu(v, 0.2)),
      pw.leakyReluBackward(pdy, { x: px }, { alpha: 0.2 }).dx.readSync(),
      'leakyRelu',
    );
    expectBits(
      g((v) => tf.relu6(v)),
      pw.clippedReluBackward(pdy, { x: px }, { ceiling: 6 }).dx.readSync(),
      'relu6',
    );
    const c = shape[shape.length - 1]!;
    const slopes = Float32Array.from({ length: c }, (_, i) => 0.1 + i / 64);
    const alpha = tf.tensor(slopes);
    const [dx, da] = tf.grads((v: tf.Tensor, a: tf.Tensor) => tf.prelu(v, a))([x, alpha], dy);
    const want = pw.preluBackward(pdy, { x: px }, { slope: [...slopes], channelAxis: -1 });
    expectBits(dx!.dataSync(), want.dx.readSync(), 'prelu dx');
    expectBits(da!.dataSync(), want.dslope.readSync(), 'prelu dalpha');
    tf.dispose([x, dy, alpha, dx!, da!]);
    expect(tf.memory().numTensors).toBe(before);
  }
  inst.uninstall();
  // the js kernels (what registerNewKernels put on wasm) and tfjs's gradient are back
  for (const [i, k] of gradKernels.entries())
    expect(tf.getKernel(k, 'wasm')?.kernelFunc).toBe(jsKernels[i]?.kernelFunc);
  expect(tf.getGradient('LeakyRelu')).toBe(leakyGrad);
  simd.destroy?.();
  await pw.destroy();
});

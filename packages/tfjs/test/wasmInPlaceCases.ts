// The in-place wasm gradient checks, shared by the SIMD-build and plain-build test
// files (each loads tfjs-wasm's build in its own process): the one-pass gradients of a
// default install run wasm-simd's kernels on tfjs's heap, with Pointwise's bits (its
// wasm-simd and js backends) on special values and odd shapes, across heap growth
// between and during calls; uninstall gives tfjs's exact outputs back; nothing leaks.

import { jsBackend } from '@pointwise/backend-js';
import { wasmSimdBackend } from '@pointwise/backend-wasm-simd';
import { pointwise } from '@pointwise/core';
import type * as tfNs from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { installPointwise, registerNewKernels, wasmGradientRoute } from '../src/index.js';
import { expectBits, inputs } from './helpers.js';

type Tf = typeof tfNs;
const GRAD_KERNELS = [
  'PointwiseReluGrad',
  'PointwiseLeakyReluGrad',
  'PointwiseClippedReluGrad',
  'PointwisePreluGrad',
];
const SHAPES = [[1], [5], [4096], [3, 37], [64, 48], [7, 3], [2, 3, 33]];

/** tfjs-wasm's WebAssembly.Memory, found the way the adapter finds it. */
function memoryOf(tf: Tf): WebAssembly.Memory {
  const wasm = (tf.backend() as unknown as { wasm: Record<string, unknown> }).wasm;
  const m = (wasm.wasmMemory ?? (wasm.asm as { memory?: unknown })?.memory) as WebAssembly.Memory;
  expect(typeof m?.grow).toBe('function');
  return m;
}

/** Every gradient the adapter replaces, for one shape (dx and, for prelu, dalpha). */
function gradients(tf: Tf, data: Float32Array, dyData: Float32Array, shape: number[]) {
  const x = tf.tensor(data, shape);
  const dy = tf.tensor(dyData, shape);
  const c = shape[shape.length - 1]!;
  const alpha = tf.tensor(
    Float32Array.from({ length: c }, (_, i) => (i % 3 === 2 ? -0.5 : 0.1 + i / 64)),
  );
  const read = (t: tfNs.Tensor) => Float32Array.from(t.dataSync());
  const g = (f: (v: tfNs.Tensor) => tfNs.Tensor) => {
    const t = tf.grad(f)(x, dy);
    const v = read(t);
    t.dispose();
    return v;
  };
  const out = {
    relu: g((v) => tf.relu(v)),
    leakyRelu: g((v) => tf.leakyRelu(v, 0.2)),
    relu6: g((v) => tf.relu6(v)),
    leakyForward: (() => {
      const y = tf.leakyRelu(x, 0.2);
      const v = read(y);
      y.dispose();
      return v;
    })(),
    prelu: [] as Float32Array[],
    alpha: read(alpha),
  };
  const [dx, da] = tf.grads((v: tfNs.Tensor, a: tfNs.Tensor) => tf.prelu(v, a))([x, alpha], dy);
  out.prelu = [read(dx!), read(da!)];
  tf.dispose([x, dy, alpha, dx!, da!]);
  return out;
}

export function defineInPlaceCases(tf: Tf, build: 'simd' | 'plain'): void {
  it(`tfjs-wasm ${build} build: a default install runs the gradients in place, with Pointwise's bits`, async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    expect(wasmGradientRoute(tf.backend())).toBe('in-place');
    const simdPw = await pointwise(wasmSimdBackend({ threads: 1 }));
    const jsPw = await pointwise(jsBackend());
    const tfjsOwn = SHAPES.map((shape) => {
      const size = shape.reduce((a, b) => a * b, 1);
      return gradients(tf, inputs(size, size), inputs(size, size + 1).reverse(), shape);
    });
    registerNewKernels(tf); // the js kernels a first install puts on wasm (and leaves)
    const jsKernels = GRAD_KERNELS.map((k) => tf.getKernel(k, 'wasm'));
    expect(jsKernels.every((k) => k !== undefined)).toBe(true);
    const inst = installPointwise(tf);
    expect(inst.gradients).toEqual(['Relu', 'Relu6', 'LeakyRelu', 'Prelu']);
    expect(inst.kernels).toContain('wasm/LeakyRelu');
    for (const [i, k] of GRAD_KERNELS.entries())
      expect(tf.getKernel(k, 'wasm')).not.toBe(jsKernels[i]);
    for (const shape of SHAPES) {
      const size = shape.reduce((a, b) => a * b, 1);
      const data = inputs(size, size);
      const dyData = inputs(size, size + 1).reverse();
      const before = tf.memory().numTensors;
      const got = gradients(tf, data, dyData, shape);
      expect(tf.memory().numTensors).toBe(before);
      for (const pw of [simdPw, jsPw]) {
        type PwTensor = Parameters<typeof pw.relu>[0];
        const px = pw.tensor(data, shape) as PwTensor;
        const pdy = pw.tensor(dyData, shape) as PwTensor;
        const name = `${pw.backend.name} ${shape}`;
        expectBits(got.relu, pw.reluBackward(pdy, { x: px }).dx.readSync(), `relu ${name}`);
        expectBits(
          got.leakyRelu,
          pw.leakyReluBackward(pdy, { x: px }, { alpha: 0.2 }).dx.readSync(),
          `leakyRelu ${name}`,
        );
        expectBits(
          got.leakyForward,
          pw.leakyRelu(px, { alpha: 0.2 }).readSync(),
          `leakyRelu forward ${name}`,
        );
        expectBits(
          got.relu6,
          pw.clippedReluBackward(pdy, { x: px }, { ceiling: 6 }).dx.readSync(),
          `relu6 ${name}`,
        );
        const want = pw.preluBackward(pdy, { x: px }, { slope: [...got.alpha], channelAxis: -1 });
        expectBits(got.prelu[0]!, want.dx.readSync(), `prelu dx ${name}`);
        // dalpha is a sum: wasm-simd's bits exactly (the same kernel); js sums in element order
        if (pw === simdPw)
          expectBits(got.prelu[1]!, want.dslope.readSync(), `prelu dalpha ${name}`);
      }
    }
    inst.uninstall();
    for (const [i, k] of GRAD_KERNELS.entries()) expect(tf.getKernel(k, 'wasm')).toBe(jsKernels[i]);
    // tfjs's exact outputs are back
    for (const [j, shape] of SHAPES.entries()) {
      const size = shape.reduce((a, b) => a * b, 1);
      const again = gradients(tf, inputs(size, size), inputs(size, size + 1).reverse(), shape);
      for (const key of ['relu', 'leakyRelu', 'relu6', 'leakyForward'] as const)
        expectBits(again[key], tfjsOwn[j]![key], `tfjs ${key} after uninstall ${shape}`);
      expectBits(again.prelu[0]!, tfjsOwn[j]!.prelu[0]!, `tfjs prelu dx after uninstall ${shape}`);
      expectBits(
        again.prelu[1]!,
        tfjsOwn[j]!.prelu[1]!,
        `tfjs prelu dalpha after uninstall ${shape}`,
      );
    }
    await simdPw.destroy();
    await jsPw.destroy();
  });

  it(`tfjs-wasm ${build} build: in-place gradients survive heap growth between and during calls, and leak nothing`, async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const jsPw = await pointwise(jsBackend());
    const memory = memoryOf(tf);
    const inst = installPointwise(tf);
    const start = tf.memory();
    let grewDuring = 0;
    let grewBetween = 0;
    const held: tfNs.Tensor[] = [];
    for (let step = 0; step < 8; step++) {
      const size = 2 ** (16 + (step % 4) * 2) + 3; // 2^16 .. 2^22 elements, odd lengths
      const data = inputs(size, step + 1);
      const dyData = inputs(size, step + 7).reverse();
      const x = tf.tensor(data);
      const dy = tf.tensor(dyData);
      const before = memory.buffer.byteLength;
      // the kernel alone: the only malloc in the call is its output's
      const dx = tf
        .engine()
        .runKernel('PointwiseLeakyReluGrad', { dy, x }, { alpha: 0.2 }) as tfNs.Tensor;
      if (memory.buffer.byteLength > before) grewDuring++;
      // grow the heap between calls: tensors tfjs keeps while the old offsets stay live
      const mid = memory.buffer.byteLength;
      held.push(tf.zeros([2 ** 22 + step]));
      if (memory.buffer.byteLength > mid) grewBetween++;
      const alpha = tf.tensor([0.25]);
      const prelu = tf.grads((v: tfNs.Tensor, a: tfNs.Tensor) => tf.prelu(v, a))([x, alpha], dy);
      const px = jsPw.tensor(data);
      const pdy = jsPw.tensor(dyData);
      expectBits(
        dx.dataSync(),
        jsPw.leakyReluBackward(pdy, { x: px }, { alpha: 0.2 }).dx.readSync(),
        `leakyRelu ${size}`,
      );
      expectBits(
        prelu[0]!.dataSync(),
        jsPw.leakyReluBackward(pdy, { x: px }, { alpha: 0.25 }).dx.readSync(),
        `prelu dx ${size}`,
      );
      tf.dispose([x, dy, dx, alpha, ...prelu]);
      px.dispose();
      pdy.dispose();
    }
    tf.dispose(held);
    expect(grewDuring).toBeGreaterThan(0);
    expect(grewBetween).toBeGreaterThan(0);
    // 10^3 more training-like steps leave tfjs's tensor and byte counts where they were
    const x = tf.tensor(inputs(999, 5));
    const dy = tf.tensor(inputs(999, 6));
    const base = tf.memory();
    for (let i = 0; i < 1000; i++) {
      const g = tf.grad((v: tfNs.Tensor) => tf.leakyRelu(tf.relu6(v), 0.1))(x, dy);
      g.dispose();
    }
    expect(tf.memory().numTensors).toBe(base.numTensors);
    expect(tf.memory().numBytes).toBe(base.numBytes);
    tf.dispose([x, dy]);
    expect(tf.memory().numTensors).toBe(start.numTensors);
    inst.uninstall();
    await jsPw.destroy();
  });
}

// No leaks over 10^4 training steps on tfjs wasm: tf.memory() and the backend's live
// data ids are the same before and after 10^4 trainOnBatch steps of the leak model
// (leakRun.ts) with every override as js kernels on tfjs-wasm's heap and the one-pass
// gradients through wasmSimd (copies into a wasm-simd heap and back); 10^3 steps with the
// js gradients instead. IS_TEST stays off: tfjs-wasm's own fusedMatMul fails it
// (DECISIONS #207). Timeouts are 10 minutes: a loaded machine slows each step many times
// over. leaks.test.ts shows a planted leak failing this check on wasm.

import { wasmSimdBackend } from '@pointwise/backend-wasm-simd';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { expect, it } from 'vitest';
import { installPointwise, KERNEL_NAMES, type WasmSimdLike } from '../src/index.js';
import { leakRun } from './leakRun.js';

tf.env().set('IS_TEST', false);

it('wasm, 10^4 steps: every override on its heap, wasmSimd gradients', async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  const simd = await wasmSimdBackend({ threads: 1 }).create();
  const inst = installPointwise(tf, {
    backends: ['wasm'],
    kernels: KERNEL_NAMES,
    wasmSimd: simd as unknown as WasmSimdLike,
  });
  try {
    expect(inst.gradients.length).toBeGreaterThan(0);
    const r = await leakRun(tf, 10_000);
    expect(r.after).toEqual(r.before);
    expect(r.lastLoss).toBeLessThan(r.firstLoss);
  } finally {
    inst.uninstall();
  }
}, 600_000);

it('wasm, 10^3 steps: every override and the js one-pass gradients on its heap', async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  const inst = installPointwise(tf, { backends: ['wasm'], kernels: KERNEL_NAMES, gradients: true });
  try {
    const r = await leakRun(tf, 1000);
    expect(r.after).toEqual(r.before);
    expect(r.lastLoss).toBeLessThan(r.firstLoss);
  } finally {
    inst.uninstall();
  }
});

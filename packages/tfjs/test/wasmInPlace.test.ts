// In-place gradients on tfjs-wasm's SIMD build (the one tfjs picks in Node), and the
// detection: a backend whose memory is out of reach (or another memory) gets no
// in-place kernels, so a default install leaves its gradients to tfjs.

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { expect, it } from 'vitest';
import { installPointwise, wasmGradientRoute } from '../src/index.js';
import { defineInPlaceCases } from './wasmInPlaceCases.js';

tf.env().set('IS_TEST', false); // tfjs-wasm trips its own leak check in some ops (DECISIONS #207); tf.memory() is checked instead

defineInPlaceCases(tf, 'simd');

it('a wasm backend without a reachable memory, or with another one, is not run in place', () => {
  const heap = new Uint8Array(1024);
  const fake = (extra: Record<string, unknown>) => ({
    wasm: { HEAPU8: heap, _malloc: () => 64, _free: () => {}, ...extra },
  });
  expect(wasmGradientRoute(fake({}))).toBe('fallback');
  expect(wasmGradientRoute(fake({ wasmMemory: new WebAssembly.Memory({ initial: 1 }) }))).toBe(
    'fallback',
  );
  expect(wasmGradientRoute(fake({ asm: { memory: {} } }))).toBe('fallback');
  expect(wasmGradientRoute(null)).toBe('fallback');
  // the same memory as HEAPU8: in place
  const memory = new WebAssembly.Memory({ initial: 1 });
  expect(
    wasmGradientRoute({
      wasm: {
        HEAPU8: new Uint8Array(memory.buffer),
        _malloc: () => 64,
        _free: () => {},
        asm: { memory },
      },
    }),
  ).toBe('in-place');
  // the threaded build's layout: a shared memory as `wasmMemory` (the shared twin module)
  const shared = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  expect(
    wasmGradientRoute({
      wasm: {
        HEAPU8: new Uint8Array(shared.buffer),
        _malloc: () => 64,
        _free: () => {},
        wasmMemory: shared,
      },
    }),
  ).toBe('in-place');
});

it("gradients: false keeps tfjs-wasm's own gradients and kernels", async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  const leaky = tf.getGradient('LeakyRelu');
  const k = tf.getKernel('PointwiseLeakyReluGrad', 'wasm');
  const inst = installPointwise(tf, { gradients: false });
  expect(tf.getGradient('LeakyRelu')).toBe(leaky);
  expect(tf.getKernel('PointwiseLeakyReluGrad', 'wasm')).toBe(k);
  inst.uninstall();
});

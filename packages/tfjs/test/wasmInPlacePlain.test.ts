// In-place gradients on tfjs-wasm's plain (non-SIMD) build: tfjs is told the engine
// lacks SIMD, so it loads tfjs-backend-wasm.wasm, whose memory is `asm.memory`;
// Pointwise's kernels still use the engine's SIMD, on that memory.

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { expect, it } from 'vitest';
import { defineInPlaceCases } from './wasmInPlaceCases.js';

tf.env().set('IS_TEST', false);
tf.env().set('WASM_HAS_SIMD_SUPPORT', false);

it('tfjs is told the engine has no SIMD (so it loads the plain build)', async () => {
  expect(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')).toBe(false);
});

defineInPlaceCases(tf, 'plain');

// Deterministic inputs shared by every target: x and dy uniform in [-2, 2) from a
// small LCG, so Pointwise and peers see the same values in the same run, and
// prelu's per-channel slopes.

import { PRELU_CHANNELS } from './cases.js';

export function uniformInputs(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32) * 4 - 2;
  }
  return out;
}

export function preluSlopes(): Float32Array {
  return Float32Array.from({ length: PRELU_CHANNELS }, (_, c) => 0.05 + c * 0.01);
}

/** Shape [size / C, C] used everywhere so prelu's channel axis is 1 (PyTorch layout). */
export function benchShape(size: number): [number, number] {
  return [size / PRELU_CHANNELS, PRELU_CHANNELS];
}

// Times tfjs-webgpu's own kernels against the Pointwise overrides on tfjs's webgpu
// backend (Dawn in Node; on a machine without a GPU that is SwiftShader, a CPU
// emulation: the ratios then say nothing about a real GPU). Median of 5 batches,
// each synchronised by reading the last output back.
//   node scripts/measure-webgpu.mjs 65536,1048576   (after `pnpm build`)
import { webgpuBackend } from '@pointwise/backend-webgpu';
import { pointwise } from '@pointwise/core';
import * as tf from '@tensorflow/tfjs';
import { create, globals } from 'webgpu';
import { installPointwise } from '../dist/index.js';
import { compare, opCases } from './harness.mjs';

process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
Object.assign(globalThis, globals);
Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true });
await import('@tensorflow/tfjs-backend-webgpu');

const sizes = (process.argv[2] ?? '65536,1048576').split(',').map(Number);
tf.env().set('PROD', true);
await tf.setBackend('webgpu');
const pw = await pointwise(webgpuBackend({ device: tf.backend().device }));

// the cases tfjs-webgpu has kernels for
const skip = new Set(['step', 'relu6 grad', 'prelu grad']);
const cases = Object.fromEntries(Object.entries(opCases(tf)).filter(([name]) => !skip.has(name)));

const rows = await compare(tf, {
  sizes,
  cases,
  install: () => installPointwise(tf, { backends: ['webgpu'], webgpu: pw }),
  readBack: true,
  digits: 3,
});
console.table(rows);
pw.destroy();
process.exit(0);

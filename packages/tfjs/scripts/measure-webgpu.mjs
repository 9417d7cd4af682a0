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

process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
Object.assign(globalThis, globals);
Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true });
await import('@tensorflow/tfjs-backend-webgpu');

const sizes = (process.argv[2] ?? '65536,1048576').split(',').map(Number);
tf.env().set('PROD', true);
await tf.setBackend('webgpu');
const pw = await pointwise(webgpuBackend({ device: tf.backend().device }));

const cases = {
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.relu6(x),
  leakyRelu: (x) => tf.leakyRelu(x, 0.2),
  prelu: (x, a) => tf.prelu(x, a),
  elu: (x) => tf.elu(x),
  clip: (x) => tf.clipByValue(x, 0, 3),
  'relu grad': (x, _a, dy) => tf.grad((v) => tf.relu(v))(x, dy),
  'leakyRelu grad': (x, _a, dy) => tf.grad((v) => tf.leakyRelu(v, 0.2))(x, dy),
  'elu grad': (_x, _a, dy, y) => tf.engine().runKernel('EluGrad', { dy, y }),
};

async function time(fn, size) {
  const reps = Math.max(3, Math.min(40, Math.round(2 ** 22 / size)));
  const samples = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps - 1; i++) tf.dispose(fn());
    const last = fn();
    await last.data();
    tf.dispose(last);
    samples.push((performance.now() - t0) / reps);
  }
  samples.sort((a, b) => a - b);
  return samples[2];
}

const rows = [];
for (const size of sizes) {
  const shape = [size / 64, 64];
  const x = tf.randomUniform(shape, -4, 4, 'float32', 1);
  const dy = tf.randomUniform(shape, -1, 1, 'float32', 2);
  const a = tf.fill([64], 0.25);
  const y = tf.elu(x);
  for (const [name, f] of Object.entries(cases)) {
    const call = () => f(x, a, dy, y);
    await time(call, size);
    const base = await time(call, size);
    const inst = installPointwise(tf, { backends: ['webgpu'], webgpu: pw });
    await time(call, size);
    const pwt = await time(call, size);
    inst.uninstall();
    rows.push({
      size,
      op: name,
      tfjs_ms: base.toFixed(3),
      pointwise_ms: pwt.toFixed(3),
      speedup: (base / pwt).toFixed(2),
    });
  }
  tf.dispose([x, dy, a, y]);
}
console.table(rows);
pw.destroy();
process.exit(0);

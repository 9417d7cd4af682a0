// Times tfjs's own kernels against the Pointwise overrides on one tfjs backend:
// forward and gradient per op at the given sizes, median of repeated calls.
//   node scripts/measure.mjs wasm 65536,1048576   (after `pnpm build`)
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { installPointwise } from '../dist/index.js';

const backend = process.argv[2] ?? 'wasm';
const sizes = (process.argv[3] ?? '65536,1048576').split(',').map(Number);
tf.env().set('PROD', true);
await tf.setBackend(backend);

const cases = {
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.relu6(x),
  leakyRelu: (x) => tf.leakyRelu(x, 0.2),
  prelu: (x, a) => tf.prelu(x, a),
  elu: (x) => tf.elu(x),
  step: (x) => tf.step(x),
  clip: (x) => tf.clipByValue(x, 0, 3),
  'relu grad': (x, _a, dy) => tf.grad((v) => tf.relu(v))(x, dy),
  'relu6 grad': (x, _a, dy) => tf.grad((v) => tf.relu6(v))(x, dy),
  'leakyRelu grad': (x, _a, dy) => tf.grad((v) => tf.leakyRelu(v, 0.2))(x, dy),
  'prelu grad': (x, a, dy) => tf.grads((v, s) => tf.prelu(v, s))([x, a], dy),
  'elu grad': (_x, _a, dy, y) => tf.engine().runKernel('EluGrad', { dy, y }),
};

function time(fn, size) {
  const reps = Math.max(3, Math.min(40, Math.round(2 ** 22 / size)));
  const samples = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) tf.dispose(fn());
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
    tf.dispose(call());
    const base = time(call, size);
    const inst = installPointwise(tf, { backends: [backend] });
    tf.dispose(call());
    const pwt = time(call, size);
    inst.uninstall();
    rows.push({
      backend,
      size,
      op: name,
      tfjs_ms: base.toFixed(4),
      pointwise_ms: pwt.toFixed(4),
      speedup: (base / pwt).toFixed(2),
    });
  }
  tf.dispose([x, dy, a, y]);
}
console.table(rows);

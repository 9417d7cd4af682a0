// A tfjs model learning a shifted-ReLU threshold: max(0, x - t) with t trained by
// Pointwise's one-pass gradient, on the tfjs cpu backend with Pointwise installed.
//   pnpm --filter @pointwise/tfjs build && node packages/tfjs/examples/shifted-relu.mjs
import * as tf from '@tensorflow/tfjs';
import { installPointwise, pointwiseLayers } from '../dist/index.js';

await tf.setBackend('cpu');
const pw = installPointwise(tf);
const { ShiftedReLU } = pointwiseLayers(tf);

// Target: y = max(0, x - 0.6). The layer starts at t = 0 and must find 0.6.
const xs = tf.linspace(-2, 2, 512).reshape([512, 1]);
const ys = tf.relu(tf.sub(xs, 0.6));
const shifted = new ShiftedReLU({ threshold: 0 });
const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [1] }), shifted] });
model.compile({ optimizer: tf.train.adam(0.005), loss: 'meanSquaredError' });

for (let epoch = 0; epoch < 8; epoch++) {
  const h = await model.fit(xs, ys, { epochs: 5, batchSize: 64, verbose: 0 });
  const t = shifted.threshold.read().dataSync()[0];
  const loss = h.history.loss.at(-1);
  console.log(`epoch ${(epoch + 1) * 5}: threshold ${t.toFixed(4)}, loss ${loss.toExponential(2)}`);
}
pw.uninstall();

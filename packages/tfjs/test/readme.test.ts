// The README's first example, run as written (tfjs-core plus the cpu backend, no
// gradient registrations): Pointwise's elu keeps -1e-30, shiftedRelu's threshold
// gradient counts the passing elements, and uninstall() brings tfjs's elu back.

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { expect, it } from 'vitest';
import { installPointwise, shiftedRelu } from '../src/index.js';

it('the README example gives the values it states', async () => {
  await tf.setBackend('cpu');
  const pw = installPointwise(tf);
  const x = tf.tensor([-1e-30, -0, 0.5, 2]);
  expect(tf.elu(x).dataSync()[0]).toBe(Math.fround(-1e-30));
  const t = tf.variable(tf.scalar(0.25));
  const dt = tf.grad((v: tf.Tensor) => shiftedRelu(x, v))(t);
  expect(Array.from(dt.dataSync())).toEqual([-2]);
  pw.uninstall();
  expect(tf.elu(x).dataSync()[0]).toBe(0); // tfjs's own cpu elu: exp(x) - 1
});

// The tfjs-adapter target's training step: a small MLP (64 -> 256 relu -> 256 leakyReLU
// -> 256 PReLU -> 256 ELU -> 10 softmax, batch 256) on generated data, one
// `trainOnBatch` per call, so every overridden kernel and gradient runs in a real step.

import { uniformInputs } from '@pointwise/bench-cases';

type Tf = typeof import('@tensorflow/tfjs');

export interface TrainingStep {
  step(): Promise<void>;
  dispose(): void;
}

export function trainingStep(tf: Tf, batch = 256): TrainingStep {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [64],
        units: 256,
        activation: 'relu',
        kernelInitializer: 'glorotUniform',
      }),
      tf.layers.dense({ units: 256 }),
      tf.layers.leakyReLU({ alpha: 0.1 }),
      tf.layers.dense({ units: 256 }),
      tf.layers.prelu({ alphaInitializer: tf.initializers.constant({ value: 0.25 }) }),
      tf.layers.dense({ units: 256 }),
      tf.layers.elu(),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
  const xs = tf.tensor(uniformInputs(batch * 64, 3), [batch, 64]);
  const labels = tf.tensor1d(
    Array.from({ length: batch }, (_, i) => i % 10),
    'int32',
  );
  const ys = tf.oneHot(labels, 10);
  labels.dispose();
  return {
    step: async () => {
      await model.trainOnBatch(xs, ys);
    },
    dispose: () => {
      tf.dispose([xs, ys]);
      model.dispose();
    },
  };
}

// The long leak check's model and loop: a tiny tfjs-layers MLP that trains through the
// adapter's overridden kernels and one-pass gradients (relu, leakyRelu, prelu, elu) and
// its own layers (ShiftedReLU, PACTReLU, DropoutWithReplacement with a learnable
// replacement), stepped with trainOnBatch; tf.memory() is read after a warm-up step and
// again after the run.

import type * as tfNs from '@tensorflow/tfjs';
import { pointwiseLayers } from '../src/index.js';
import { inputs } from './helpers.js';

type Tf = typeof tfNs;

/** tf.memory()'s tensor and byte counts and the backend's own count of live data ids. */
export interface MemorySnapshot {
  numTensors: number;
  numDataBuffers: number;
  numBytes: number;
  /** `backend.numDataIds()`: also counts storage a kernel allocated and never returned. */
  backendDataIds: number;
}

export interface LeakRun {
  before: MemorySnapshot;
  after: MemorySnapshot;
  /** `probe()` at the two snapshots (e.g. Pointwise's own memory() on webgpu). */
  probeBefore: unknown;
  probeAfter: unknown;
  firstLoss: number;
  lastLoss: number;
  ms: number;
}

function snapshot(tf: Tf): MemorySnapshot {
  const m = tf.memory() as tfNs.MemoryInfo & { numDataBuffers: number };
  return {
    numTensors: m.numTensors,
    numDataBuffers: m.numDataBuffers,
    numBytes: m.numBytes,
    backendDataIds: tf.engine().backend.numDataIds(),
  };
}

/** The model: 2 -> 8 relu -> leakyReLU -> PReLU -> ShiftedReLU -> PACTReLU -> dropout -> ELU -> 1. */
export function leakModel(tf: Tf, perChannel: boolean): tfNs.Sequential {
  const { ShiftedReLU, PACTReLU, DropoutWithReplacement } = pointwiseLayers(tf);
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential();
  model.add(
    tf.layers.dense({ inputShape: [2], units: 8, activation: 'relu', kernelInitializer: init(1) }),
  );
  model.add(tf.layers.leakyReLU({ alpha: 0.1 }));
  model.add(tf.layers.prelu({ alphaInitializer: tf.initializers.constant({ value: 0.25 }) }));
  model.add(new ShiftedReLU({ threshold: -0.5, perChannel }) as unknown as tfNs.layers.Layer);
  model.add(new PACTReLU({ ceiling: 4, perChannel }) as unknown as tfNs.layers.Layer);
  model.add(
    new DropoutWithReplacement({
      rate: 0.1,
      replacement: 0.5,
      learnableReplacement: true,
      seed: 7,
    }) as unknown as tfNs.layers.Layer,
  );
  model.add(tf.layers.elu());
  model.add(tf.layers.dense({ units: 1, kernelInitializer: init(2) }));
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
  return model;
}

/** 16 generated points of a smooth 2-D target (nothing downloaded). */
function batch(tf: Tf): { xs: tfNs.Tensor; ys: tfNs.Tensor } {
  const x = inputs(64, 11)
    .subarray(32)
    .map((v) => v / 8);
  const y = new Float32Array(16);
  for (let i = 0; i < 16; i++) y[i] = Math.sin(3 * x[2 * i]!) * x[2 * i + 1]! + 0.5 * x[2 * i]!;
  return { xs: tf.tensor(x, [16, 2]), ys: tf.tensor(y, [16, 1]) };
}

/**
 * Builds the model, runs one warm-up step (optimizer slots and weights exist after it),
 * snapshots tf.memory(), runs `steps` more trainOnBatch calls, snapshots again after
 * disposing nothing, then disposes the model and data.
 */
export async function leakRun(
  tf: Tf,
  steps: number,
  { perChannel = true, probe = () => null }: { perChannel?: boolean; probe?: () => unknown } = {},
): Promise<LeakRun> {
  const { xs, ys } = batch(tf);
  const model = leakModel(tf, perChannel);
  try {
    const firstLoss = (await model.trainOnBatch(xs, ys)) as number;
    const before = snapshot(tf);
    const probeBefore = probe();
    const start = performance.now();
    let lastLoss = firstLoss;
    for (let i = 0; i < steps; i++) lastLoss = (await model.trainOnBatch(xs, ys)) as number;
    const ms = performance.now() - start;
    return {
      before,
      after: snapshot(tf),
      probeBefore,
      probeAfter: probe(),
      firstLoss,
      lastLoss,
      ms,
    };
  } finally {
    tf.dispose([xs, ys]);
    model.dispose();
  }
}

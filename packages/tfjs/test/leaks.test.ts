// No leaks over 10^4 training steps on tfjs cpu: tf.memory() (tensors, data buffers,
// bytes) and the backend's live data ids are the same before and after 10^4
// trainOnBatch steps of a tiny model using the adapter's kernels, one-pass gradients and
// layers (leakRun.ts), with the engine's IS_TEST per-kernel leak check on. A planted
// leak (one output a kernel never disposes) fails both checks, on cpu and on wasm
// (leaksWasm.test.ts runs wasm's 10^4 steps), so these tests can fail. The 10^4-step
// test may take 10 minutes on a loaded machine.

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterEach, describe, expect, it } from 'vitest';
import { installPointwise, KERNEL_NAMES } from '../src/index.js';
import { leakRun } from './leakRun.js';

const STEPS = 10_000;

/** Replaces a registered kernel by one that also allocates an output it never disposes. */
function plantLeak(kernelName: string, backendName: string): () => void {
  const original = tf.getKernel(kernelName, backendName);
  if (original === undefined) throw new Error(`no ${kernelName} on ${backendName}`);
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const out = original.kernelFunc(args);
      // cpu: makeTensorInfo; wasm: makeOutput (allocates on its heap)
      const b = args.backend as unknown as Record<string, (s: number[], d: string) => unknown>;
      (b.makeTensorInfo ?? b.makeOutput)!.call(b, [4], 'float32');
      return out;
    },
  });
  return () => {
    tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel(original);
  };
}

afterEach(() => tf.env().set('IS_TEST', false));

describe('10^4 training steps leak nothing', () => {
  it('cpu, every override and one-pass gradient, IS_TEST on', async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
    tf.env().set('IS_TEST', true);
    const inst = installPointwise(tf, { backends: ['cpu'] });
    try {
      const r = await leakRun(tf, STEPS);
      expect(r.after).toEqual(r.before);
      expect(r.lastLoss).toBeLessThan(r.firstLoss);
    } finally {
      inst.uninstall();
    }
  }, 600_000);
});

describe('a planted leak fails these checks', () => {
  it('cpu: IS_TEST throws on the leaking kernel', async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
    tf.env().set('IS_TEST', true);
    const inst = installPointwise(tf, { backends: ['cpu'] });
    const unplant = plantLeak('PointwiseShiftedRelu', 'cpu');
    try {
      await expect(leakRun(tf, 2)).rejects.toThrow(/memory leak.*PointwiseShiftedRelu/);
    } finally {
      unplant();
      inst.uninstall();
    }
  });

  for (const backend of ['cpu', 'wasm'] as const)
    it(`${backend}: tf.memory() grows by one data id per step`, async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const inst = installPointwise(tf, {
        backends: [backend],
        kernels: KERNEL_NAMES,
        gradients: true,
      });
      const unplant = plantLeak('Relu', backend);
      try {
        const r = await leakRun(tf, 20);
        expect(r.after.numTensors).toBe(r.before.numTensors);
        expect(r.after.backendDataIds - r.before.backendDataIds).toBe(20);
      } finally {
        unplant();
        inst.uninstall();
      }
    });
});

// What wrapping tfjs's fused kernels would cost and change at inference: per tfjs
// backend, a Dense layer ([64, 256] x [256, 256] + bias) and a Conv2D layer
// ([1, 32, 32, 32] NHWC, 3x3x32x32 'same' + bias) with activation 'relu' / 'elu',
// tfjs's `_FusedMatMul` / `FusedConv2D` with that activation against the same kernel
// with 'linear' followed by Pointwise's activation kernel (installed for the call only).
// Timing alternates the sides like compare(); values compare both against a float64
// reference of the linear output (elu: expm1 rounded once).

import { uniformInputs } from '@pointwise/bench-cases';
import { ulpDistance } from '@pointwise/core';
import { installPointwise } from '@pointwise/tfjs';
import { median } from '../stats.js';
import type { AdapterMeasureOptions, AdapterRow } from './measure.js';

type Tf = typeof import('@tensorflow/tfjs');
type T = import('@tensorflow/tfjs').Tensor;

export const FUSED_LAYERS = ['dense', 'conv2d'] as const;
export const FUSED_ACTIVATIONS = ['relu', 'elu'] as const;
export type FusedLayer = (typeof FUSED_LAYERS)[number];
export type FusedActivation = (typeof FUSED_ACTIVATIONS)[number];

/** Output values of both sides against the float64 reference, for one layer and activation. */
export interface FusedValues {
  backend: string;
  case: string;
  size: number;
  /** Elements whose float32 bits differ between tfjs's fused output and the wrapped one. */
  differing: number;
  /** Largest ulp distance from the reference: tfjs's fused activation. */
  tfjsMaxUlp: number;
  /** The same for Pointwise's activation after the linear kernel. */
  pointwiseMaxUlp: number;
  /** One differing element, if any: linear output z, tfjs's value, Pointwise's. */
  example?: { z: number; tfjs: number; pointwise: number };
}

/** Scaled like a glorot-initialised layer, so outputs are of order 1. */
function scaled(n: number, seed: number, fanIn: number): Float32Array {
  const s = 1 / Math.sqrt(fanIn);
  return uniformInputs(n, seed).map((v) => v * s);
}

/** One fused layer call: `activation` inside the fused kernel. */
export function fusedLayer(tf: Tf, layer: FusedLayer) {
  const held: T[] = [];
  const keep = <U extends T>(t: U): U => {
    held.push(t);
    return t;
  };
  let run: (activation: 'linear' | FusedActivation) => T;
  let size: number;
  if (layer === 'dense') {
    const a = keep(tf.tensor(uniformInputs(64 * 256, 11), [64, 256]));
    const b = keep(tf.tensor(scaled(256 * 256, 12, 256), [256, 256]));
    const bias = keep(tf.tensor(scaled(256, 13, 16), [256]));
    run = (activation) => tf.fused.matMul({ a, b, bias, activation });
    size = 64 * 256;
  } else {
    const x = keep(tf.tensor(uniformInputs(32 * 32 * 32, 21), [1, 32, 32, 32]));
    const filter = keep(tf.tensor(scaled(3 * 3 * 32 * 32, 22, 288), [3, 3, 32, 32]));
    const bias = keep(tf.tensor(scaled(32, 23, 16), [32]));
    run = (activation) =>
      tf.fused.conv2d({
        x: x as never,
        filter: filter as never,
        strides: 1,
        pad: 'same',
        bias,
        activation,
      });
    size = 32 * 32 * 32;
  }
  return { run, size, dispose: () => tf.dispose(held) };
}

function timeBatch(call: () => void, reps: number): number {
  const start = performance.now();
  for (let i = 0; i < reps; i++) call();
  return (performance.now() - start) / reps;
}

/** float32 reference of the activation applied to the linear output. */
function reference(activation: FusedActivation, z: number): number {
  if (Number.isNaN(z)) return z;
  if (activation === 'relu') return z > 0 ? z : 0;
  return Math.fround(z > 0 ? z : Math.expm1(z));
}

function maxUlp(values: Float32Array, ref: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < values.length; i++) {
    const d = ulpDistance(values[i]!, ref[i]!);
    if (d > worst) worst = d;
  }
  return worst;
}

/** Times and compares every fused layer and activation on the current tfjs backend. */
export async function measureFused(
  tf: Tf,
  backend: string,
  options: AdapterMeasureOptions,
  onRow: (row: AdapterRow) => void,
  onValues: (values: FusedValues) => void,
): Promise<void> {
  const install = () =>
    installPointwise(tf, { backends: [backend as 'cpu'], kernels: ['Relu', 'Elu'] });
  for (const layer of FUSED_LAYERS) {
    const l = fusedLayer(tf, layer);
    try {
      for (const activation of FUSED_ACTIVATIONS) {
        const fusedCall = () => tf.dispose(l.run(activation));
        const act = (z: T) => (activation === 'relu' ? tf.relu(z) : tf.elu(z));
        const wrappedCall = () => tf.dispose(tf.tidy(() => act(l.run('linear'))));
        // values: both sides and the reference from the same linear output
        const z = l.run('linear');
        const zs = z.dataSync() as Float32Array;
        const fused = l.run(activation);
        const fv = fused.dataSync() as Float32Array;
        let inst = install();
        const wrapped = act(z);
        const wv = wrapped.dataSync() as Float32Array;
        inst.uninstall();
        const ref = zs.map((v) => reference(activation, v));
        let differing = 0;
        let example: FusedValues['example'];
        for (let i = 0; i < fv.length; i++)
          if (!Object.is(fv[i], wv[i]) && !(Number.isNaN(fv[i]) && Number.isNaN(wv[i]))) {
            differing++;
            example ??= { z: zs[i]!, tfjs: fv[i]!, pointwise: wv[i]! };
          }
        tf.dispose([z, fused, wrapped]);
        const name = `fused ${layer} ${activation}`;
        onValues({
          backend,
          case: name,
          size: l.size,
          differing,
          tfjsMaxUlp: maxUlp(fv, ref),
          pointwiseMaxUlp: maxUlp(wv, ref),
          ...(example ? { example } : {}),
        });
        // timing: warm both, size a batch from the fused side, alternate which goes first
        fusedCall();
        inst = install();
        wrappedCall();
        inst.uninstall();
        let reps = 1;
        while (timeBatch(fusedCall, reps) * reps < options.minSampleMs && reps < 1 << 12) reps *= 2;
        const base: number[] = [];
        const pw: number[] = [];
        const timeWrapped = () => {
          inst = install();
          try {
            pw.push(timeBatch(wrappedCall, reps));
          } finally {
            inst.uninstall();
          }
        };
        for (let s = 0; s < options.samples; s++) {
          if (s % 2 === 0) {
            base.push(timeBatch(fusedCall, reps));
            timeWrapped();
          } else {
            timeWrapped();
            base.push(timeBatch(fusedCall, reps));
          }
        }
        const tfjsMs = median(base);
        const adapterMs = median(pw);
        onRow({
          backend,
          variant: 'wrapped fused',
          case: name,
          size: l.size,
          tfjsMs,
          adapterMs,
          ratio: tfjsMs / adapterMs,
        });
      }
    } finally {
      l.dispose();
    }
  }
}

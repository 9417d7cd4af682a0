// TensorFlow.js peers (cpu and wasm backends of tfjs 4.22.0) on the same inputs.
// Forward uses the matching tf op; backward from x uses tf.grad / tf.grads (which runs the
// forward too, as a tfjs user would); elu's backward from y calls the EluGrad kernel via
// runKernel. Cases tfjs has no equivalent for are reported as skipped.

import {
  type BenchCase,
  benchShape,
  PARAMS,
  preluSlopes,
  uniformInputs,
} from '@pointwise/bench-cases';
import { COPY_HOOKS } from '../copy.js';
import type { Preparation, Target } from '../targets/target.js';

type Tf = typeof import('@tensorflow/tfjs');
type T = import('@tensorflow/tfjs').Tensor;

function disposeAll(result: unknown): void {
  if (Array.isArray(result)) for (const t of result) (t as T).dispose();
  else (result as T | undefined)?.dispose?.();
}

/** The tfjs call for a case, or the reason there is none. */
function tfCall(
  tf: Tf,
  c: BenchCase,
  x: T,
  dy: T,
  alpha: T,
): { call: () => unknown; note?: string; owned?: T[] } | string {
  const grad = (f: (v: T) => T) => tf.grad(f as never) as unknown as (v: T, d: T) => T;
  const fwd: Record<string, (v: T) => T> = {
    relu: (v) => tf.relu(v),
    leakyRelu: (v) => tf.leakyRelu(v, PARAMS.leakyRelu.alpha),
    prelu: (v) => tf.prelu(v, alpha),
    clippedRelu: (v) => tf.clipByValue(v, 0, PARAMS.clippedRelu.ceiling),
    elu: (v) => tf.elu(v),
    thresholdedRelu: (v) =>
      tf.where(tf.greater(v, PARAMS.thresholdedRelu.alpha), v, tf.zerosLike(v)),
    shiftedRelu: (v) => tf.relu(tf.sub(v, PARAMS.shiftedRelu.threshold)),
  };
  if (c.op === 'dropout') {
    if (c.direction === 'forward' && !c.mask) {
      return {
        call: () => tf.dropout(x, PARAMS.dropout.ratio),
        note: 'tf.dropout, own RNG, no mask',
      };
    }
    if (c.direction === 'backward' && c.mask && !c.dreplacement) {
      const keep = tf.cast(tf.greater(tf.randomUniform(x.shape), PARAMS.dropout.ratio), 'float32');
      const scaled = tf.mul(keep, 1 / (1 - PARAMS.dropout.ratio));
      return { call: () => tf.mul(dy, scaled), note: 'composed dy * mask * scale' };
    }
    return 'no tfjs equivalent';
  }
  if (c.direction === 'forward') {
    const f = fwd[c.op];
    if (c.op === 'thresholdedRelu')
      return { call: () => tf.tidy(() => f(x)), note: 'composed where(x > alpha)' };
    if (c.op === 'shiftedRelu')
      return { call: () => tf.tidy(() => f(x)), note: 'composed relu(x - t)' };
    return { call: () => f(x) };
  }
  if (c.op === 'elu' && c.fromY) {
    // dy * (y + 1) where y < 0: the kernel tf.grad(tf.elu) runs after its forward
    const y = tf.elu(x);
    return {
      call: () => tf.engine().runKernel('EluGrad', { dy, y }),
      note: 'EluGrad kernel from y (dx; no forward)',
      owned: [y],
    };
  }
  if (c.op === 'prelu') {
    const g = tf.grads((v: T, a: T) => tf.prelu(v, a));
    return { call: () => g([x, alpha], dy), note: 'tf.grads (dx, dslope; includes forward)' };
  }
  if (c.op === 'thresholdedRelu') return 'no tfjs gradient for the composed form';
  if (c.op === 'shiftedRelu') {
    const t = tf.scalar(PARAMS.shiftedRelu.threshold);
    const g = tf.grads((v: T, s: T) => tf.relu(tf.sub(v, s)));
    return {
      call: () => g([x, t], dy),
      note: 'tf.grads of relu(x - t) (dx, dt; includes forward)',
    };
  }
  const g = grad(fwd[c.op]);
  return { call: () => g(x, dy), note: 'tf.grad from x (dx; includes the forward)' };
}

/** `tfjs-cpu` or `tfjs-wasm`. */
export async function tfjsTarget(name: 'tfjs-cpu' | 'tfjs-wasm'): Promise<Target> {
  // The umbrella package registers the gradients tf.grad needs.
  const tf: Tf = await import('@tensorflow/tfjs');
  if (name === 'tfjs-wasm') await import('@tensorflow/tfjs-backend-wasm');
  else await import('@tensorflow/tfjs-backend-cpu');
  const ok = await tf.setBackend(name === 'tfjs-wasm' ? 'wasm' : 'cpu');
  if (!ok) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();

  async function prepare(c: BenchCase, size: number): Promise<Preparation> {
    const shape = benchShape(size);
    const x = tf.tensor(uniformInputs(size, 1), shape);
    const dy = tf.tensor(uniformInputs(size, 2), shape);
    const alpha = tf.tensor(preluSlopes());
    const made = tfCall(tf, c, x, dy, alpha);
    const inputs = [x, dy, alpha, ...(typeof made === 'string' ? [] : (made.owned ?? []))];
    if (typeof made === 'string') {
      for (const t of inputs) t.dispose();
      return { skip: made };
    }
    return {
      op: { call: () => disposeAll(made.call()), settle: async () => {} },
      note: made.note,
      dispose: () => {
        for (const t of inputs) t.dispose();
      },
    };
  }

  return {
    name,
    kind: 'peer',
    copy: (bytes) => COPY_HOOKS.cpu(bytes, null),
    prepare,
    close: () => tf.disposeVariables(),
  };
}

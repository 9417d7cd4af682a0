// The tfjs-adapter target's cases: each op of @pointwise/tfjs's drop-in kernels, forward
// and gradient, as a tfjs user calls them (tf.grad / tf.grads include the forward;
// elu's gradient is the EluGrad kernel from y), on the bench's shared inputs.

import { benchShape, PARAMS, preluSlopes, uniformInputs } from '@pointwise/bench-cases';

type Tf = typeof import('@tensorflow/tfjs');
type T = import('@tensorflow/tfjs').Tensor;

export const ADAPTER_OPS = ['relu', 'relu6', 'leakyRelu', 'prelu', 'elu', 'clipByValue'] as const;
export type AdapterOp = (typeof ADAPTER_OPS)[number];
export type AdapterDirection = 'forward' | 'gradient';

export interface AdapterCall {
  /** One call; its result tensors are disposed. */
  call(): void;
  dispose(): void;
}

/** The tfjs call for one op and direction at `size` elements ([size/16, 16], as the bench). */
export function adapterCall(
  tf: Tf,
  op: AdapterOp,
  direction: AdapterDirection,
  size: number,
): AdapterCall {
  const shape = benchShape(size);
  const x = tf.tensor(uniformInputs(size, 1), shape);
  const dy = tf.tensor(uniformInputs(size, 2), shape);
  const alpha = tf.tensor(preluSlopes());
  const held: T[] = [x, dy, alpha];
  const fwd: Record<AdapterOp, (v: T) => T> = {
    relu: (v) => tf.relu(v),
    relu6: (v) => tf.relu6(v),
    leakyRelu: (v) => tf.leakyRelu(v, PARAMS.leakyRelu.alpha),
    prelu: (v) => tf.prelu(v, alpha),
    elu: (v) => tf.elu(v),
    // the range Pointwise's ClipByValue takes (a lower bound of 0)
    clipByValue: (v) => tf.clipByValue(v, 0, 2.5),
  };
  let run: () => T | T[];
  if (direction === 'forward') run = () => fwd[op](x);
  else if (op === 'elu') {
    const y = tf.elu(x);
    held.push(y);
    run = () => tf.engine().runKernel('EluGrad', { dy, y }) as T;
  } else if (op === 'prelu') {
    const g = tf.grads((v: T, a: T) => tf.prelu(v, a));
    run = () => g([x, alpha], dy);
  } else {
    const g = tf.grad(fwd[op]);
    run = () => g(x, dy);
  }
  return {
    call: () => tf.dispose(run()),
    dispose: () => tf.dispose(held),
  };
}

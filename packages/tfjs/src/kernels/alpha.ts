// The float32 kernels of Pointwise's ops whose one parameter is tfjs's `alpha` attr
// (elu, leakyRelu, thresholdedRelu): forward on x and backward from x, each running
// Pointwise's js kernel with alpha rounded to float32 once per call.

import { jsKernels } from '@pointwise/backend-js';
import type { NamedAttrMap } from '../tfTypes.js';
import { f32, gradFloat, type NewKernel } from './common.js';

type AlphaOp = 'elu' | 'leakyRelu' | 'thresholdedRelu';

const alphaOf = (attrs: NamedAttrMap) => ({ alpha: f32(Number(attrs.alpha)) });

/** y = op(x) with the `alpha` attr: the `run` of unaryFloat. */
export function alphaForward(
  op: AlphaOp,
): (x: Float32Array, y: Float32Array, size: number, attrs: NamedAttrMap) => void {
  return (x, y, size, attrs) => jsKernels[op].forward({ x, y, size, params: alphaOf(attrs) });
}

/** The gradient kernel dx = op'(x) * dy with the `alpha` attr, backward from x. */
export function alphaGrad(kernelName: string, op: AlphaOp): NewKernel {
  return gradFloat(kernelName, 'x', (dy, x, dx, size, attrs) =>
    jsKernels[op].backward({ dy, source: x, from: 'x', dx, size, params: alphaOf(attrs) }),
  );
}

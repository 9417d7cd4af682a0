// shiftedRelu with a learnable threshold (max(0, x - t)) as tfjs kernels:
// PointwiseShiftedRelu (x, threshold) -> y and PointwiseShiftedReluGrad
// (dy, x, threshold) -> [dx, dthreshold], dthreshold = -(sum of dy where x > t),
// shaped like threshold. Scalar thresholds run Pointwise's js kernel itself.

import { jsKernels } from '@pointwise/backend-js';
import type { NewKernel } from './common.js';
import { type ParamOp, paramForward, paramGrad } from './paramKernels.js';

const shifted: ParamOp = {
  op: 'shiftedRelu',
  arg: 'threshold',
  scalar: (x, y, size, t) =>
    jsKernels.shiftedRelu.forward({ x, y, size, params: { threshold: 0, thresholdBuffer: t } }),
  perChannel: (s, th) => (s <= th ? 0 : s - th),
  scalarGrad: (dy, x, dx, size, t, dt) =>
    jsKernels.shiftedRelu.backward({
      dy,
      source: x,
      from: 'x',
      dx,
      size,
      params: { threshold: 0, thresholdBuffer: t },
      dthreshold: dt,
    }),
  dxPerChannel: (s, th, d) => (s <= th ? 0 : d),
  dpPerChannel: (s, th, d) => (s <= th ? 0 : d),
  dpOfSum: (sum) => -sum,
};

export const shiftedRelu: NewKernel = paramForward('PointwiseShiftedRelu', shifted);
export const shiftedReluGrad: NewKernel = paramGrad('PointwiseShiftedReluGrad', shifted);

// clippedRelu with a learnable ceiling (PACT) as tfjs kernels: PointwiseClippedRelu
// (x, ceiling) -> y = x <= 0 ? +0 : min(x, c) and PointwiseClippedReluFullGrad
// (dy, x, ceiling) -> [dx, dceiling], dceiling = sum of dy where x >= c, shaped like
// ceiling. Scalar ceilings run Pointwise's js kernel itself.

import { jsKernels } from '@pointwise/backend-js';
import type { NewKernel } from './common.js';
import { type ParamOp, paramForward, paramGrad } from './paramKernels.js';

const clippedRelu: ParamOp = {
  op: 'clippedRelu',
  arg: 'ceiling',
  scalar: (x, y, size, c) =>
    jsKernels.clippedRelu.forward({ x, y, size, params: { ceiling: 0, ceilingBuffer: c } }),
  perChannel: (s, top) => (s <= 0 ? 0 : s >= top ? top : s),
  scalarGrad: (dy, x, dx, size, c, dc) =>
    jsKernels.clippedRelu.backward({
      dy,
      source: x,
      from: 'x',
      dx,
      size,
      params: { ceiling: 0, ceilingBuffer: c },
      dceiling: dc,
    }),
  dxPerChannel: (s, top, d) => (s <= 0 || s >= top ? 0 : d),
  dpPerChannel: (s, top, d) => (s >= top ? d : 0),
  dpOfSum: (sum) => sum,
};

export const pact: NewKernel = paramForward('PointwiseClippedRelu', clippedRelu);
export const pactGrad: NewKernel = paramGrad('PointwiseClippedReluFullGrad', clippedRelu);

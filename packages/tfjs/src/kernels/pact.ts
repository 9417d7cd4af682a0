// clippedRelu with a learnable ceiling (PACT) as tfjs kernels: PointwiseClippedRelu
// (x, ceiling) -> y = x <= 0 ? +0 : min(x, c) and PointwiseClippedReluFullGrad
// (dy, x, ceiling) -> [dx, dceiling], dceiling = sum of dy where x >= c, shaped like
// ceiling. Scalar ceilings run Pointwise's js kernel itself.

import { jsKernels } from '@pointwise/backend-js';
import { requireStorage, sizeOf } from '../storage.js';
import type { TensorInfo } from '../tfTypes.js';
import { channelsOf } from './channelParam.js';
import { type NewKernel, withViews } from './common.js';

export const pact: NewKernel = {
  kernelName: 'PointwiseClippedRelu',
  kernelFunc: (args) => {
    const x = args.inputs.x as TensorInfo;
    const ceiling = args.inputs.ceiling as TensorInfo;
    const channels = channelsOf('clippedRelu', 'ceiling', x, ceiling);
    const storage = requireStorage(args.backend, 'clippedRelu');
    const size = sizeOf(x.shape);
    const { out, v, o } = withViews(storage, { x, ceiling }, [
      { shape: x.shape, dtype: 'float32' },
    ]);
    const y = o[0] as Float32Array;
    if (channels === 1) {
      jsKernels.clippedRelu.forward({
        x: v.x,
        y,
        size,
        params: { ceiling: 0, ceilingBuffer: v.ceiling },
      });
    } else {
      const xs = v.x;
      const cs = v.ceiling;
      for (let i = 0, c = 0; i < size; i++, c = c + 1 === channels ? 0 : c + 1) {
        const s = xs[i]!;
        const top = cs[c]!;
        y[i] = s <= 0 ? 0 : s >= top ? top : s;
      }
    }
    return out[0] as TensorInfo;
  },
};

export const pactGrad: NewKernel = {
  kernelName: 'PointwiseClippedReluFullGrad',
  kernelFunc: (args) => {
    const dy = args.inputs.dy as TensorInfo;
    const x = args.inputs.x as TensorInfo;
    const ceiling = args.inputs.ceiling as TensorInfo;
    const channels = channelsOf('clippedRelu', 'ceiling', x, ceiling);
    const storage = requireStorage(args.backend, 'clippedReluBackward');
    const size = sizeOf(x.shape);
    const { out, v, o } = withViews(storage, { dy, x, ceiling }, [
      { shape: x.shape, dtype: 'float32' },
      { shape: ceiling.shape, dtype: 'float32' },
    ]);
    const dx = o[0] as Float32Array;
    const dc = o[1] as Float32Array;
    if (channels === 1) {
      jsKernels.clippedRelu.backward({
        dy: v.dy,
        source: v.x,
        from: 'x',
        dx,
        size,
        params: { ceiling: 0, ceilingBuffer: v.ceiling },
        dceiling: dc,
      });
    } else {
      const sums = new Float64Array(channels);
      const xs = v.x;
      const g = v.dy;
      const cs = v.ceiling;
      for (let i = 0, c = 0; i < size; i++, c = c + 1 === channels ? 0 : c + 1) {
        const s = xs[i]!;
        const d = g[i]!;
        const top = cs[c]!;
        dx[i] = s <= 0 || s >= top ? 0 : d;
        if (s >= top) sums[c] = sums[c]! + d;
      }
      dc.set(sums);
    }
    return out;
  },
};

// shiftedRelu with a learnable threshold (max(0, x - t)) as tfjs kernels:
// PointwiseShiftedRelu (x, threshold) -> y and PointwiseShiftedReluGrad
// (dy, x, threshold) -> [dx, dthreshold], dthreshold = -(sum of dy where x > t),
// shaped like threshold. Scalar thresholds run Pointwise's js kernel itself.

import { jsKernels } from '@pointwise/backend-js';
import { requireStorage, sizeOf } from '../storage.js';
import type { TensorInfo } from '../tfTypes.js';
import { channelsOf } from './channelParam.js';
import { type NewKernel, withViews } from './common.js';

export const shiftedRelu: NewKernel = {
  kernelName: 'PointwiseShiftedRelu',
  kernelFunc: (args) => {
    const x = args.inputs.x as TensorInfo;
    const t = args.inputs.threshold as TensorInfo;
    const channels = channelsOf('shiftedRelu', 'threshold', x, t);
    const storage = requireStorage(args.backend, 'shiftedRelu');
    const size = sizeOf(x.shape);
    const { out, v, o } = withViews(storage, { x, t }, [{ shape: x.shape, dtype: 'float32' }]);
    const y = o[0] as Float32Array;
    if (channels === 1) {
      jsKernels.shiftedRelu.forward({
        x: v.x,
        y,
        size,
        params: { threshold: 0, thresholdBuffer: v.t },
      });
    } else {
      const xs = v.x;
      const ts = v.t;
      for (let i = 0, c = 0; i < size; i++, c = c + 1 === channels ? 0 : c + 1) {
        const s = xs[i]!;
        const th = ts[c]!;
        y[i] = s <= th ? 0 : s - th;
      }
    }
    return out[0] as TensorInfo;
  },
};

export const shiftedReluGrad: NewKernel = {
  kernelName: 'PointwiseShiftedReluGrad',
  kernelFunc: (args) => {
    const dy = args.inputs.dy as TensorInfo;
    const x = args.inputs.x as TensorInfo;
    const t = args.inputs.threshold as TensorInfo;
    const channels = channelsOf('shiftedRelu', 'threshold', x, t);
    const storage = requireStorage(args.backend, 'shiftedReluBackward');
    const size = sizeOf(x.shape);
    const { out, v, o } = withViews(storage, { dy, x, t }, [
      { shape: x.shape, dtype: 'float32' },
      { shape: t.shape, dtype: 'float32' },
    ]);
    const dx = o[0] as Float32Array;
    const dt = o[1] as Float32Array;
    if (channels === 1) {
      jsKernels.shiftedRelu.backward({
        dy: v.dy,
        source: v.x,
        from: 'x',
        dx,
        size,
        params: { threshold: 0, thresholdBuffer: v.t },
        dthreshold: dt,
      });
    } else {
      const sums = new Float64Array(channels);
      const xs = v.x;
      const g = v.dy;
      const ts = v.t;
      for (let i = 0, c = 0; i < size; i++, c = c + 1 === channels ? 0 : c + 1) {
        const d = g[i]!;
        if (xs[i]! <= ts[c]!) dx[i] = 0;
        else {
          dx[i] = d;
          sums[c] = sums[c]! + d;
        }
      }
      for (let c = 0; c < channels; c++) dt[c] = -sums[c]!;
    }
    return out;
  },
};

// Dense dropout with replacement as tfjs kernels: PointwiseDropout (x, replacement)
// -> [y, mask (bool, 1 = kept)] with Pointwise's Philox4x32-10 draw for (seed,
// stream), the same bits on every backend; PointwiseDropoutGrad (dy, mask) -> [dx,
// dreplacement] (sum of dy over dropped elements, shaped like replacement).

import { jsKernels } from '@pointwise/backend-js';
import { makeDropoutDraw } from '@pointwise/core';
import { requireStorage, sizeOf } from '../storage.js';
import type { NamedAttrMap, TensorInfo } from '../tfTypes.js';
import { f32, type NewKernel, withViews } from './common.js';

function params(attrs: NamedAttrMap | undefined, replacement: Float32Array) {
  const rate = Number(attrs?.rate);
  const scale = attrs?.scale === false ? null : f32(1 / (1 - rate));
  return {
    ...makeDropoutDraw(rate, Number(attrs?.seed), Number(attrs?.stream)),
    replacement: 0,
    replacementBuffer: replacement,
    scale,
  };
}

export const dropout: NewKernel = {
  kernelName: 'PointwiseDropout',
  kernelFunc: (args) => {
    const x = args.inputs.x as TensorInfo;
    const r = args.inputs.replacement as TensorInfo;
    const storage = requireStorage(args.backend, 'dropoutWithReplacement');
    const size = sizeOf(x.shape);
    const { out, v, o } = withViews(storage, { x, r }, [
      { shape: x.shape, dtype: 'float32' },
      { shape: x.shape, dtype: 'bool' },
    ]);
    jsKernels.dropout.forward({
      x: v.x,
      y: o[0],
      mask: o[1],
      size,
      params: params(args.attrs, v.r),
    });
    return out;
  },
};

export const dropoutGrad: NewKernel = {
  kernelName: 'PointwiseDropoutGrad',
  kernelFunc: (args) => {
    const dy = args.inputs.dy as TensorInfo;
    const mask = args.inputs.mask as TensorInfo;
    const r = args.inputs.replacement as TensorInfo;
    const storage = requireStorage(args.backend, 'dropoutWithReplacementBackward');
    const size = sizeOf(dy.shape);
    const { out, v, o } = withViews(storage, { dy, mask, r }, [
      { shape: dy.shape, dtype: 'float32' },
      { shape: r.shape, dtype: 'float32' },
    ]);
    jsKernels.dropout.backward({
      dy: v.dy,
      mask: v.mask as unknown as Uint8Array,
      dx: o[0],
      dreplacement: o[1],
      size,
      params: params(args.attrs, v.r),
    });
    return out;
  },
};

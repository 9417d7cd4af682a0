// Prelu: Pointwise's prelu (`x < 0 ? s*x : x`) on tfjs's broadcasting. alpha is
// aligned to x's trailing axes; its non-1 axes span one block [first, last] of x, so
// element i uses slope floor(i / inner) mod channels, with the slopes tiled when alpha
// has size-1 axes inside that block (x [1,2,3], alpha [1,2,1]: tfjs-wasm's #7458 case).
// A broadcast that makes the output bigger than x goes to tfjs's kernel.
// PointwisePreluGrad: dx and dalpha (alpha's shape, reduced over the broadcast axes)
// in one pass, for untiled layouts.

import { jsKernels } from '@pointwise/backend-js';
import { requireStorage, sizeOf } from '../storage.js';
import type { TensorInfo } from '../tfTypes.js';
import {
  type KernelArgs,
  type NewKernel,
  type Override,
  runOriginal,
  withViews,
} from './common.js';

export interface PreluLayout {
  channels: number;
  inner: number;
  /** For alpha with size-1 axes inside the channel block: alpha index of each channel. */
  tile: Int32Array | null;
}

/** How alpha broadcasts over x, or null when the output would not have x's shape. */
export function preluLayout(
  xShape: readonly number[],
  aShape: readonly number[],
): PreluLayout | null {
  const r = xShape.length;
  if (aShape.length > r) return null;
  const a = new Array<number>(r).fill(1);
  for (let i = 0; i < aShape.length; i++) a[r - aShape.length + i] = aShape[i]!;
  let first = -1;
  let last = -1;
  for (let i = 0; i < r; i++) {
    if (a[i] === 1) continue;
    if (a[i] !== xShape[i]) return null;
    if (first < 0) first = i;
    last = i;
  }
  if (first < 0) return { channels: 1, inner: sizeOf(xShape), tile: null };
  let channels = 1;
  let tiled = false;
  for (let i = first; i <= last; i++) {
    channels *= xShape[i]!;
    if (a[i] === 1 && xShape[i] !== 1) tiled = true;
  }
  const inner = sizeOf(xShape.slice(last + 1));
  if (!tiled) return { channels, inner, tile: null };
  // alpha's strides over the block; axes where alpha is 1 contribute nothing
  const tile = new Int32Array(channels);
  for (let c = 0; c < channels; c++) {
    let rest = c;
    let index = 0;
    let stride = 1;
    for (let i = last; i >= first; i--) {
      const coord = rest % xShape[i]!;
      rest = Math.floor(rest / xShape[i]!);
      if (a[i] !== 1) index += coord * stride;
      stride *= a[i]!;
    }
    tile[c] = index;
  }
  return { channels, inner, tile };
}

/** PointwisePreluGrad's inputs and their untiled layout (gradients.ts never sends any other). */
export function preluGradInputs(args: KernelArgs): {
  dy: TensorInfo;
  x: TensorInfo;
  alpha: TensorInfo;
  layout: PreluLayout;
} {
  const dy = args.inputs.dy as TensorInfo;
  const x = args.inputs.x as TensorInfo;
  const alpha = args.inputs.alpha as TensorInfo;
  const layout = preluLayout(x.shape, alpha.shape);
  if (layout === null || layout.tile !== null)
    throw new Error('PointwisePreluGrad: layout needs tfjs gradient');
  return { dy, x, alpha, layout };
}

/** x viewed as [outer, channels, inner] for an untiled layout. */
export function preluShape3(xShape: readonly number[], layout: PreluLayout): number[] {
  const size = sizeOf(xShape);
  return [size / (layout.channels * layout.inner) || 0, layout.channels, layout.inner];
}

export const preluOverride: Override = {
  kernelName: 'Prelu',
  make: (original, _backendName, fixOnly) => (args) => {
    const x = args.inputs.x as TensorInfo;
    const alpha = args.inputs.alpha as TensorInfo;
    const layout =
      x.dtype === 'float32' && alpha.dtype === 'float32' ? preluLayout(x.shape, alpha.shape) : null;
    if (layout === null) return runOriginal(original, args, 'Prelu');
    // fixOnly (wasm's default): XNNPACK's prelu is right up to the sign of zero
    // (prelu(-0) = +0 there) and faster when alpha covers x's trailing axes
    if (fixOnly && original !== undefined && layout.inner === 1 && layout.tile === null)
      return runOriginal(original, args, 'Prelu');
    const storage = requireStorage(args.backend, 'Prelu');
    const size = sizeOf(x.shape);
    const { out, v, o } = withViews(storage, { x, alpha }, [{ shape: x.shape, dtype: 'float32' }]);
    const slope =
      layout.tile === null ? v.alpha : Float32Array.from(layout.tile, (k) => v.alpha[k]!);
    if (size > 0)
      jsKernels.prelu.forward({
        x: v.x,
        y: o[0],
        size,
        params: { slope, channels: layout.channels, inner: layout.inner },
      });
    return out[0] as TensorInfo;
  },
};

export const preluGrad: NewKernel = {
  kernelName: 'PointwisePreluGrad',
  kernelFunc: (args) => {
    const { dy, x, alpha, layout } = preluGradInputs(args);
    const storage = requireStorage(args.backend, 'PointwisePreluGrad');
    const size = sizeOf(x.shape);
    const { out, v, o } = withViews(storage, { dy, x, alpha }, [
      { shape: x.shape, dtype: 'float32' },
      { shape: alpha.shape, dtype: 'float32' },
    ]);
    if (size > 0)
      jsKernels.prelu.backward({
        dy: v.dy,
        source: v.x,
        from: 'x',
        dx: o[0],
        size,
        params: { slope: v.alpha, channels: layout.channels, inner: layout.inner },
        dslope: o[1] as Float32Array,
      });
    else (o[1] as Float32Array).fill(0);
    return out;
  },
};

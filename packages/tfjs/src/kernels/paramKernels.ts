// The tfjs kernel pair of an op with one learnable parameter tensor (shiftedRelu's
// threshold, clippedRelu's ceiling): inputs, shape check, output allocation and the
// dispatch to Pointwise's js kernel (scalar parameter) or the op's per-channel loop.

import { requireStorage, sizeOf } from '../storage.js';
import type { TensorInfo } from '../tfTypes.js';
import { channelsOf } from './channelParam.js';
import { type NewKernel, withViews } from './common.js';

export interface ParamOp {
  /** Pointwise's op name (in errors); the backward's storage is asked for as `${op}Backward`. */
  readonly op: string;
  /** The parameter's input name. */
  readonly arg: string;
  /** Pointwise's js kernel with a one-value parameter p. */
  scalar(x: Float32Array, y: Float32Array, size: number, p: Float32Array): void;
  /** y for one element s with its channel's parameter p. */
  perChannel(s: number, p: number): number;
  /** Pointwise's js backward with a one-value parameter p, writing dx and dp. */
  scalarGrad(
    dy: Float32Array,
    x: Float32Array,
    dx: Float32Array,
    size: number,
    p: Float32Array,
    dp: Float32Array,
  ): void;
  /** dx for one element s with gradient d and its channel's parameter p. */
  dxPerChannel(s: number, p: number, d: number): number;
  /** What one element adds to its channel's parameter gradient sum (0 for none). */
  dpPerChannel(s: number, p: number, d: number): number;
  /** The parameter gradient from a channel's float64 sum. */
  dpOfSum(sum: number): number;
}

/** The forward kernel (x, param) -> y. */
export function paramForward(kernelName: string, spec: ParamOp): NewKernel {
  return {
    kernelName,
    kernelFunc: (args) => {
      const x = args.inputs.x as TensorInfo;
      const param = args.inputs[spec.arg] as TensorInfo;
      const channels = channelsOf(spec.op, spec.arg, x, param);
      const storage = requireStorage(args.backend, spec.op);
      const size = sizeOf(x.shape);
      const { out, v, o } = withViews(storage, { x, param }, [
        { shape: x.shape, dtype: 'float32' },
      ]);
      const y = o[0] as Float32Array;
      if (channels === 1) spec.scalar(v.x, y, size, v.param);
      else {
        const xs = v.x;
        const ps = v.param;
        for (let i = 0, c = 0; i < size; i++, c = c + 1 === channels ? 0 : c + 1)
          y[i] = spec.perChannel(xs[i]!, ps[c]!);
      }
      return out[0] as TensorInfo;
    },
  };
}

/** The backward kernel (dy, x, param) -> [dx, dparam], dparam shaped like param. */
export function paramGrad(kernelName: string, spec: ParamOp): NewKernel {
  return {
    kernelName,
    kernelFunc: (args) => {
      const dy = args.inputs.dy as TensorInfo;
      const x = args.inputs.x as TensorInfo;
      const param = args.inputs[spec.arg] as TensorInfo;
      const channels = channelsOf(spec.op, spec.arg, x, param);
      const storage = requireStorage(args.backend, `${spec.op}Backward`);
      const size = sizeOf(x.shape);
      const { out, v, o } = withViews(storage, { dy, x, param }, [
        { shape: x.shape, dtype: 'float32' },
        { shape: param.shape, dtype: 'float32' },
      ]);
      const dx = o[0] as Float32Array;
      const dp = o[1] as Float32Array;
      if (channels === 1) spec.scalarGrad(v.dy, v.x, dx, size, v.param, dp);
      else {
        const sums = new Float64Array(channels);
        const xs = v.x;
        const g = v.dy;
        const ps = v.param;
        for (let i = 0, c = 0; i < size; i++, c = c + 1 === channels ? 0 : c + 1) {
          const s = xs[i]!;
          const d = g[i]!;
          const p = ps[c]!;
          dx[i] = spec.dxPerChannel(s, p, d);
          sums[c] = sums[c]! + spec.dpPerChannel(s, p, d);
        }
        for (let c = 0; c < channels; c++) dp[c] = spec.dpOfSum(sums[c]!);
      }
      return out;
    },
  };
}

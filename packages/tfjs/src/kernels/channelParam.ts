// Learnable parameters of shiftedRelu and clippedRelu (PACT) as tfjs tensors: one
// value (shape [] or [1]) runs Pointwise's js kernel as is; C values (shape [C], C =
// x's last axis, tfjs's NHWC channels) run the same formulas per channel, with the
// parameter gradient summed per channel in float64 in element order.

import { PointwiseError } from '@pointwise/core';
import type { TensorInfo } from '../tfTypes.js';

/** 1 for a scalar parameter, else the channel count (the last axis of x). */
export function channelsOf(op: string, arg: string, x: TensorInfo, p: TensorInfo): number {
  const size = p.shape.reduce((a, b) => a * b, 1);
  if (p.shape.length <= 1 && size === 1) return 1;
  const last = x.shape[x.shape.length - 1];
  if (p.shape.length === 1 && size === last) return size;
  throw new PointwiseError(
    'SHAPE_MISMATCH',
    { op, arg: `${arg}.shape`, value: p.shape },
    `must be [] or [1], or [${last}] (one per channel on x's last axis)`,
  );
}

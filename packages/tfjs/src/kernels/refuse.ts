// A stand-in "original kernel" for Pointwise's own ops: a non-float32 input is a
// typed PointwiseError naming the op, never a silent cast.

import { PointwiseError } from '@pointwise/core';
import type { KernelConfig } from '../tfTypes.js';

export function refuseNonFloat(op: string): KernelConfig {
  return {
    kernelName: op,
    backendName: 'any',
    kernelFunc: ({ inputs }) => {
      const x = (inputs as Record<string, { dtype: string }>).x;
      throw new PointwiseError(
        'DTYPE_MISMATCH',
        { op, arg: 'x', value: x?.dtype },
        'must be a float32 tensor',
      );
    },
  };
}

// Caffe2's sparse dropout with replacement on int32 ids as a tfjs kernel:
// PointwiseSparseDropout (values, lengths) -> [values, lengths], one Philox draw per
// segment (the dense draw's index j), a dropped segment becoming one replacement id.
// int32 only: tfjs has no int64 dtype.

import { jsKernels } from '@pointwise/backend-js';
import { makeDropoutDraw } from '@pointwise/core';
import { requireStorage } from '../storage.js';
import type { TensorInfo } from '../tfTypes.js';
import type { NewKernel } from './common.js';

export const sparseDropout: NewKernel = {
  kernelName: 'PointwiseSparseDropout',
  kernelFunc: (args) => {
    const values = args.inputs.values as TensorInfo;
    const lengths = args.inputs.lengths as TensorInfo;
    const storage = requireStorage(args.backend, 'sparseDropoutWithReplacement');
    const a = args.attrs ?? {};
    const segments = lengths.shape[0]!;
    const hostLengths = Int32Array.from(storage.view(lengths) as Int32Array);
    const result = jsKernels.sparseDropout.forward({
      values: Int32Array.from(storage.view(values) as Int32Array),
      valuesDtype: 'int32',
      valuesSize: values.shape[0]!,
      lengths: hostLengths,
      segments,
      hostLengths,
      params: {
        ...makeDropoutDraw(Number(a.rate), Number(a.seed), Number(a.stream)),
        replacement: BigInt(Number(a.replacement)),
      },
      alloc: (_dtype, size) => new Int32Array(size),
    }) as { values: Int32Array; valuesSize: number; lengths: Int32Array };
    const outValues = storage.alloc([result.valuesSize], 'int32');
    const outLengths = storage.alloc([segments], 'int32');
    (storage.view(outValues) as Int32Array).set(result.values.subarray(0, result.valuesSize));
    (storage.view(outLengths) as Int32Array).set(result.lengths);
    return [outValues, outLengths];
  },
};

// Interop with other CUDA code in the same process: wrap a device pointer you own as a
// tensor (Pointwise never frees it), and get the device pointer and stream of ours.
// Work is queued on the instance's stream: `await pw.flush()` (or synchronise on
// `cudaStream(pw)`) before other code reads a result, and finish your own writes before
// handing a pointer in.

import {
  adoptBuffer,
  BYTES_PER_ELEMENT,
  type DType,
  type Pointwise,
  PointwiseError,
  type Shape,
  Tensor,
} from '@pointwise/core';
import type { CudaBackend } from './backend.js';
import type { CudaBuffer } from './pool.js';

function cudaBackendOf(pw: Pointwise, op: string): CudaBackend {
  const backend = pw.backend as Partial<CudaBackend>;
  if (typeof backend.wrap !== 'function' || backend.device === undefined) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'pw', value: pw.backendName },
      'needs a Pointwise instance on the node-cuda backend',
    );
  }
  if (pw.destroyed) {
    throw new PointwiseError(
      'INSTANCE_DESTROYED',
      { op, arg: 'pw', value: 'node-cuda' },
      'this Pointwise instance was destroyed; create a new one with pointwise()',
    );
  }
  return backend as CudaBackend;
}

/** A tensor over `shape` elements of `dtype` at device address `ptr` (not owned). */
export function wrapDevicePointer<D extends DType>(
  pw: Pointwise,
  ptr: bigint,
  dtype: D,
  shape: Shape,
): Tensor<D> {
  const op = 'wrapDevicePointer';
  const backend = cudaBackendOf(pw, op);
  if (typeof ptr !== 'bigint' || ptr < 0n || ptr >= 1n << 64n) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'ptr', value: ptr },
      'must be a uint64 bigint',
    );
  }
  // own keys only: 'toString' or '__proto__' must not pass (their byte count is NaN)
  if (typeof dtype !== 'string' || !Object.hasOwn(BYTES_PER_ELEMENT, dtype)) {
    throw new PointwiseError('DTYPE_MISMATCH', { op, arg: 'dtype', value: dtype }, 'unknown dtype');
  }
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new PointwiseError(
      'SHAPE_MISMATCH',
      { op, arg: 'shape', value: shape },
      'must be an array of non-negative integers',
    );
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const bytes = size * BYTES_PER_ELEMENT[dtype];
  if (ptr === 0n && bytes > 0) {
    throw new PointwiseError('INVALID_ARGUMENT', { op, arg: 'ptr', value: ptr }, 'is null');
  }
  return adoptBuffer(pw, backend.wrap(ptr, bytes), dtype, shape);
}

/** The device address of a node-cuda tensor's data (valid until it is disposed). */
export function devicePointer(tensor: Tensor): bigint {
  if (!(tensor instanceof Tensor)) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op: 'devicePointer', arg: 'tensor', value: tensor },
      'must be a Tensor',
    );
  }
  const buffer = tensor.bufferFor('devicePointer', 'tensor') as Partial<CudaBuffer>;
  if (typeof buffer?.ptr !== 'bigint') {
    throw new PointwiseError(
      'FOREIGN_TENSOR',
      { op: 'devicePointer', arg: 'tensor', value: tensor },
      `tensor lives on backend ${tensor.backendName}, not node-cuda`,
    );
  }
  return buffer.ptr;
}

/** The CUstream (as a bigint) that the instance queues its work on. */
export function cudaStream(pw: Pointwise): bigint {
  return cudaBackendOf(pw, 'cudaStream').device.stream;
}

// What to say when something that is not a Pointwise Tensor is passed where one is
// expected: name what it is (a tfjs tf.Tensor, a typed array, a plain array, a
// GPUBuffer, a Tensor of another copy of @pointwise/core) and how to convert it,
// instead of a bare "must be a Tensor".

import { isTfjsTensor } from './errors.js';

/** The reason for an INVALID_ARGUMENT when `value` is not a Tensor of this package. */
export function notATensorReason(value: unknown): string {
  if (isTfjsTensor(value)) {
    const t = value as { dtype: string; shape: readonly number[] };
    return `must be a Pointwise Tensor, not a TensorFlow.js tf.Tensor ${t.dtype} [${t.shape.join(',')}]; use @pointwise/tfjs, or pw.tensor(await t.data(), t.shape)`;
  }
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name;
    return `must be a Pointwise Tensor, not a ${name}; upload it with pw.tensor(data, shape)`;
  }
  if (Array.isArray(value)) {
    return 'must be a Pointwise Tensor, not a plain array; upload it with pw.tensor(array)';
  }
  if (isGpuBuffer(value)) {
    return 'must be a Pointwise Tensor, not a GPUBuffer; Pointwise tensors own their storage: upload the data with pw.tensor(data, shape)';
  }
  if (isOtherCoreTensor(value)) {
    return 'must be a Tensor of this copy of @pointwise/core; this one comes from another copy (two installs of the package): make every package resolve one @pointwise/core';
  }
  return 'must be a Tensor (make one with pw.tensor(data, shape))';
}

function isGpuBuffer(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (typeof GPUBufferLike !== 'undefined' && value instanceof GPUBufferLike) return true;
  return 'mapAsync' in value && 'usage' in value && 'size' in value && 'unmap' in value;
}

// the global GPUBuffer where WebGPU exists (browsers, Deno), absent in plain Node
const GPUBufferLike: (abstract new (...args: never[]) => object) | undefined = (
  globalThis as { GPUBuffer?: abstract new (...args: never[]) => object }
).GPUBuffer;

function isOtherCoreTensor(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    'bufferFor' in value &&
    'owner' in value &&
    'dtype' in value &&
    'shape' in value
  );
}

// Tensor writes, device copies and the SGD step on the js backend: plain typed-array
// copies, and `param = f32(param - f32(lr * grad))` (two roundings, Math.fround each).

import type { HostArray, UpdateKernel } from '@pointwise/core';

export const update: UpdateKernel = {
  write(buffer, _dtype, data) {
    (buffer as HostArray).set(data as never);
  },
  copy(src, dst, _dtype, size) {
    (dst as HostArray).set((src as HostArray).subarray(0, size) as never);
  },
  sgdStep({ param, grad, size, lr }) {
    const p = param as Float32Array;
    const g = grad as Float32Array;
    for (let i = 0; i < size; i++) p[i] = p[i]! - Math.fround(lr * g[i]!);
  },
};

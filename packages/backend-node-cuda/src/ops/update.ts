// Tensor writes, device copies and the SGD step on node-cuda: writes and copies are
// async memcpys on the instance's stream (ordered after the kernels already queued),
// the SGD step one element-wise kernel (cuda/update.cu).
import { BYTES_PER_ELEMENT, type UpdateKernel } from '@pointwise/core';
import { type CudaContext, launch, ptr, tiles } from '../context.js';

export function update(ctx: CudaContext): UpdateKernel {
  return {
    write(buffer, _dtype, data) {
      if (data.byteLength > 0) ctx.device.upload(ptr(buffer), data);
    },
    copy(src, dst, dtype, size) {
      ctx.device.copy(ptr(dst), ptr(src), size * BYTES_PER_ELEMENT[dtype]);
    },
    sgdStep({ param, grad, size, lr }) {
      launch(ctx, 'pw_sgd_step', tiles(size), [ptr(param), ptr(grad), size, lr]);
    },
  };
}

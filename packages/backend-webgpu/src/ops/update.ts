// Tensor writes, device copies and the SGD step on the webgpu backend. A write
// submits the open encoder first, so the queue's writeBuffer lands after every kernel
// already issued (they see the old values) and before every later one. A copy is an
// element-wise kernel over 32-bit words (so its buffers' lifetimes are tracked like
// any kernel's). The SGD step is `param = f32(param - f32(lr * grad))` from mul_exact
// and add_exact: correctly rounded on any device, never fused, nothing flushed.

import { BYTES_PER_ELEMENT, type DType, type UpdateKernel } from '@pointwise/core';
import type { WebGpuBuffer, WebGpuDevice } from '../backend.js';
import { runElementwise } from './elementwise.js';
import { bitsOf } from './wgsl.js';

const COPY = `fn f(x: u32, gi: u32) -> u32 { return x; }`;

// P0: f32 bits of lr. q = -(lr * g); p + q with IEEE's special cases spelled out
// (add_exact takes finite operands); two zeros give -0 only when both are -0.
const SGD = `fn f(p: u32, g: u32, gi: u32) -> u32 {
  let q = mul_exact(P0(), g) ^ 0x80000000u;
  if (is_nan(p)) { return quiet(p); }
  if (is_nan(q)) { return quiet(q); }
  let pInf = (p & 0x7fffffffu) == 0x7f800000u;
  let qInf = (q & 0x7fffffffu) == 0x7f800000u;
  if (pInf && qInf) { if (p != q) { return 0x7fc00000u; } return p; }
  if (pInf) { return p; }
  if (qInf) { return q; }
  if (((p | q) & 0x7fffffffu) == 0u) { return p & q; }
  return add_exact(p, q);
}`;

function words(dtype: DType, size: number): number {
  return Math.ceil((size * BYTES_PER_ELEMENT[dtype]) / 4);
}

export function updateKernel(dev: WebGpuDevice): UpdateKernel {
  return {
    write(buffer, _dtype, data) {
      dev.check('write');
      // a queue write lands before a host's unsubmitted encoder: refused while recording
      dev.refuseWhileRecording('write');
      const view = data as unknown as ArrayBufferView;
      if (view.byteLength === 0) return;
      dev.submit();
      const handle = buffer as WebGpuBuffer;
      const padded = Math.ceil(view.byteLength / 4) * 4;
      if (padded === view.byteLength) {
        dev.device.queue.writeBuffer(handle.buffer, 0, view.buffer, view.byteOffset, padded);
      } else {
        // the last word's other bytes are the tensor's padding (its size class)
        const copy = new Uint8Array(padded);
        copy.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
        dev.device.queue.writeBuffer(handle.buffer, 0, copy.buffer, 0, padded);
      }
    },
    copy(src, dst, dtype, size) {
      runElementwise(
        dev,
        'clone',
        'update/copy',
        COPY,
        words(dtype, size),
        [src as WebGpuBuffer],
        dst as WebGpuBuffer,
        [],
      );
    },
    sgdStep({ param, grad, size, lr }) {
      runElementwise(
        dev,
        'sgdStep',
        'update/sgd',
        SGD,
        size,
        [param as WebGpuBuffer, grad as WebGpuBuffer],
        param as WebGpuBuffer,
        [bitsOf(lr)],
      );
    },
  };
}

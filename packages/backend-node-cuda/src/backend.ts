// The node-cuda Backend over a Device: tensors are pooled device allocations, uploads and
// kernels are queued on the device's stream and return at once, reads await the stream
// (the event loop stays free). destroy() releases the pool and the device (context,
// stream, modules). Also the interop hooks: wrap a caller's device pointer, expose ours.

import {
  allocHostArray,
  type Backend,
  BYTES_PER_ELEMENT,
  type DType,
  type HostArrayOf,
  PointwiseError,
} from '@pointwise/core';
import type { CudaContext } from './context.js';
import type { Device, DevicePtr } from './device.js';
import { createCudaKernels } from './kernels.js';
import { BufferPool, type CudaBuffer } from './pool.js';

export const BACKEND_NAME = 'node-cuda';

export interface CudaBackend extends Backend {
  readonly device: Device;
  readonly pool: BufferPool;
  /** A buffer for a caller's device pointer (never freed by Pointwise). */
  wrap(ptr: DevicePtr, bytes: number): CudaBuffer;
}

export function createCudaBackend(device: Device, name = BACKEND_NAME): CudaBackend {
  const pool = new BufferPool(device);
  const ctx: CudaContext = { device, pool };
  let destroyed = false;
  const live = () => {
    if (destroyed) {
      // the contract's code for any use after destroy(); core names the op called
      throw new PointwiseError(
        'INSTANCE_DESTROYED',
        { op: name, value: 'destroyed' },
        'this Pointwise instance was destroyed',
      );
    }
  };
  return {
    name,
    device,
    pool,
    kernels: createCudaKernels(ctx),
    alloc(dtype, size) {
      live();
      return pool.alloc(dtype, size);
    },
    upload(dtype, data) {
      live();
      const buffer = pool.alloc(dtype, data.length, 'tensor');
      if (buffer.bytes > 0) device.upload(buffer.ptr, data);
      return buffer;
    },
    async read<D extends DType>(buffer: unknown, dtype: D, size: number): Promise<HostArrayOf[D]> {
      live();
      const out = allocHostArray(dtype, size);
      const bytes = size * BYTES_PER_ELEMENT[dtype];
      if (bytes > 0) {
        await device.download(
          (buffer as CudaBuffer).ptr,
          new Uint8Array(out.buffer, out.byteOffset, bytes),
        );
      }
      return out;
    },
    free(buffer) {
      if (!destroyed) pool.free(buffer as CudaBuffer);
    },
    memory: () => pool.memory(),
    async flush() {
      live();
      await device.synchronize();
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      try {
        device.drain?.();
        pool.releaseAll();
      } finally {
        device.destroy();
      }
    },
    wrap(ptr, bytes) {
      live();
      if (device.isDevicePointer && ptr !== 0n && !device.isDevicePointer(ptr)) {
        throw new PointwiseError(
          'INVALID_ARGUMENT',
          { op: 'wrapDevicePointer', arg: 'ptr', value: ptr },
          'is not device memory of this CUDA context',
        );
      }
      return { ptr, bytes, block: 0, external: true };
    },
  };
}

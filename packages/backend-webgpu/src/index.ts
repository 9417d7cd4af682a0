// @pointwise/backend-webgpu: every Pointwise op as WGSL compute shaders on WebGPU,
// bit-exact like the CPU backends even on devices that flush subnormals. Browser:
// navigator.gpu. Node: the optional `webgpu` package (Dawn). Usage:
//   const pw = await pointwise(webgpuBackend());

import type { Backend, BackendFactory, Pointwise, Tensor } from '@pointwise/core';
import { adoptBuffer, PointwiseError } from '@pointwise/core';
import {
  type BackendOptions,
  createWebGpuBackend,
  type WebGpuBuffer,
  WebGpuDevice,
} from './backend.js';
import { type DeviceOptions, openDevice } from './device.js';
import { webgpuKernels } from './kernels.js';

export interface WebGpuBackendOptions extends DeviceOptions, BackendOptions {}

export function webgpuBackend(options: WebGpuBackendOptions = {}): BackendFactory {
  let probe: Promise<string | null> | null = null;
  return {
    name: 'webgpu',
    isAvailable() {
      probe ??= (async () => {
        if (options.device) return null;
        try {
          const opened = await openDevice(options);
          if ('reason' in opened) return opened.reason;
          opened.device.destroy();
          return null;
        } catch (error) {
          return `WebGPU device creation failed: ${(error as Error).message}`;
        }
      })();
      return probe.then((reason) =>
        reason === null ? { available: true as const } : { available: false as const, reason },
      );
    },
    async create() {
      const opened = await openDevice(options);
      if ('reason' in opened) {
        throw new PointwiseError(
          'BACKEND_UNAVAILABLE',
          { op: 'pointwise', arg: 'backend', value: 'webgpu' },
          opened.reason,
        );
      }
      const dev = new WebGpuDevice(opened.device, opened.gpu, options, opened.ownsDevice);
      return createWebGpuBackend(dev, webgpuKernels(dev));
    },
  };
}

/** The factory under the name every backend package exports (used by the conformance CLI). */
export const pointwiseBackend = webgpuBackend;

function deviceOfInstance(pw: Pointwise): WebGpuDevice {
  const backend = pw.backend as Backend & { webgpu?: WebGpuDevice };
  if (!backend.webgpu) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op: 'webgpu', arg: 'pw', value: backend.name },
      'not a webgpu Pointwise instance',
    );
  }
  return backend.webgpu;
}

/** The GPUDevice a webgpu instance runs on (typed `object`: cast to GPUDevice), to build your own pipelines on it. */
export function gpuDeviceOf(pw: Pointwise): object {
  return deviceOfInstance(pw).device;
}

/** The GPUBuffer holding a tensor (no copy; typed `object`: cast to GPUBuffer). Its first `tensor.size * bytesPerElement` bytes are the data. */
export function gpuBufferOf(tensor: Tensor): object {
  return (tensor.bufferFor('gpuBufferOf', 'tensor') as WebGpuBuffer).buffer;
}

/**
 * Wrap an existing GPUBuffer (created on this instance's device with STORAGE |
 * COPY_SRC | COPY_DST usage) as a tensor, without a copy. Disposing the tensor
 * leaves the buffer to its owner.
 */
export function wrapGPUBuffer<D extends 'float32' | 'uint8' | 'int32' | 'int64'>(
  pw: Pointwise,
  gpuBuffer: object,
  dtype: D,
  shape: readonly number[],
): Tensor<D> {
  const dev = deviceOfInstance(pw);
  const buffer = gpuBuffer as GPUBuffer;
  const size = shape.reduce((a, b) => a * b, 1);
  const bytes = size * { float32: 4, uint8: 1, int32: 4, int64: 8 }[dtype];
  const needed = 0x80 | 0x4 | 0x8;
  if ((buffer.usage & needed) !== needed || buffer.size < Math.ceil(bytes / 4) * 4) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op: 'wrapGPUBuffer', arg: 'buffer', value: buffer.size },
      `needs STORAGE | COPY_SRC | COPY_DST usage and at least ${Math.ceil(bytes / 4) * 4} bytes`,
    );
  }
  return adoptBuffer(pw, dev.wrap(buffer, bytes), dtype, shape);
}

export type { BackendOptions } from './backend.js';
export type { DeviceOptions } from './device.js';

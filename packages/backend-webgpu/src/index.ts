// @pointwise/backend-webgpu: every Pointwise op as WGSL compute shaders on WebGPU,
// bit-exact like the CPU backends even on devices that flush subnormals. Browser:
// navigator.gpu. Node: the optional `webgpu` package (Dawn). Usage:
//   const pw = await pointwise(webgpuBackend());

import type { Backend, BackendFactory, Pointwise } from '@pointwise/core';
import { adoptBuffer, checkShape, PointwiseError, type Tensor } from '@pointwise/core';
import {
  type BackendOptions,
  createWebGpuBackend,
  USAGE,
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

/** The webgpu device of `pw`, or a typed error naming `op` (not a webgpu instance, destroyed). */
function deviceOfInstance(op: string, pw: Pointwise): WebGpuDevice {
  if (
    pw === null ||
    typeof pw !== 'object' ||
    !('backend' in pw) ||
    typeof (pw as { destroyed?: unknown }).destroyed !== 'boolean'
  ) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'pw', value: pw },
      'must be a Pointwise instance created with webgpuBackend()',
    );
  }
  const backend = pw.backend as Backend & { webgpu?: WebGpuDevice };
  if (!backend.webgpu) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'pw', value: backend.name },
      `needs a webgpu Pointwise instance, not one on the ${backend.name} backend`,
    );
  }
  if (pw.destroyed) {
    throw new PointwiseError(
      'INSTANCE_DESTROYED',
      { op, arg: 'pw', value: 'webgpu' },
      'this Pointwise instance was destroyed; create a new one with pointwise()',
    );
  }
  return backend.webgpu;
}

/** The GPUDevice a webgpu instance runs on (typed `object`: cast to GPUDevice), to build your own pipelines on it. */
export function gpuDeviceOf(pw: Pointwise): object {
  return deviceOfInstance('gpuDeviceOf', pw).device;
}

/** The GPUBuffer holding a tensor (no copy; typed `object`: cast to GPUBuffer). Its first `tensor.size * bytesPerElement` bytes are the data. */
export function gpuBufferOf(tensor: Tensor): object {
  // duck-typed: a tensor of another copy of core (a bundle) is still a tensor
  if (
    tensor === null ||
    typeof tensor !== 'object' ||
    typeof (tensor as Partial<Tensor>).bufferFor !== 'function'
  ) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op: 'gpuBufferOf', arg: 'tensor', value: tensor },
      'must be a Tensor',
    );
  }
  const handle = tensor.bufferFor('gpuBufferOf', 'tensor') as Partial<WebGpuBuffer>;
  if (tensor.backendName !== 'webgpu' || typeof handle !== 'object' || !('owned' in handle)) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op: 'gpuBufferOf', arg: 'tensor', value: tensor },
      `needs a tensor of a webgpu instance, not one on the ${tensor.backendName} backend`,
    );
  }
  return handle.buffer as GPUBuffer;
}

const WRAP_DTYPES = { float32: 4, uint8: 1, int32: 4, int64: 8 } as const;

/** A GPUBuffer of this WebGPU implementation (a look-alike object is not one). */
function isGpuBuffer(value: unknown): value is GPUBuffer {
  const ctor = (globalThis as { GPUBuffer?: abstract new () => unknown }).GPUBuffer;
  if (typeof ctor === 'function') return value instanceof ctor;
  if (value === null || typeof value !== 'object') return false;
  // no GPUBuffer global (Node without the webgpu globals): the buffer's own prototype methods
  const proto = Object.getPrototypeOf(value) as Record<string, unknown> | null;
  return (
    proto !== null &&
    proto !== Object.prototype &&
    ['mapAsync', 'getMappedRange', 'unmap', 'destroy'].every(
      (m) => typeof proto[m] === 'function',
    ) &&
    typeof (value as GPUBuffer).size === 'number' &&
    typeof (value as GPUBuffer).usage === 'number'
  );
}

export interface WrapOptions {
  /**
   * Who answers for the buffer being alive and on this instance's device, which WebGPU
   * shows only on the device timeline. `'pointwise'` (default): the wrap probes it
   * there (a 4-byte copy in its own submission) and ops refuse a tensor whose probe
   * failed. `'caller'`: no probe, for hosts that own the buffer and vouch for it (a
   * library wrapping its own live tensors on every call); a buffer that is destroyed
   * or foreign anyway makes the submission that uses it fail device validation: none
   * of that submission's work runs, and the next `read()` / `flush()` rejects with
   * `INVALID_ARGUMENT` naming the first op that used it (within `recordInto`, the
   * host's submission fails and the device reports the error to the host).
   */
  liveness?: 'pointwise' | 'caller';
}

/**
 * Wrap an existing GPUBuffer (created on this instance's device with STORAGE |
 * COPY_SRC | COPY_DST usage, not mapped) as a tensor, without a copy. Disposing the
 * tensor leaves the buffer to its owner. dtype and shape are validated as `tensor()`
 * does, and the buffer's type, map state, usage and size at the call, whatever
 * `options.liveness` says; a buffer the device reports destroyed or foreign is refused
 * by the op that uses it (a PointwiseError naming that op).
 */
export function wrapGPUBuffer<D extends 'float32' | 'uint8' | 'int32' | 'int64'>(
  pw: Pointwise,
  gpuBuffer: object,
  dtype: D,
  shape: readonly number[],
  options: WrapOptions = {},
): Tensor<D> {
  const op = 'wrapGPUBuffer';
  const dev = deviceOfInstance(op, pw);
  const liveness = options?.liveness ?? 'pointwise';
  if (liveness !== 'pointwise' && liveness !== 'caller') {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'options.liveness', value: liveness },
      "must be 'pointwise' (probe the buffer) or 'caller' (the caller vouches for it)",
    );
  }
  if (typeof dtype !== 'string' || !Object.hasOwn(WRAP_DTYPES, dtype)) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'dtype', value: dtype },
      `must be one of ${Object.keys(WRAP_DTYPES).join(', ')}`,
    );
  }
  const size = checkShape(op, shape, null);
  const bytes = size * WRAP_DTYPES[dtype];
  if (!Number.isSafeInteger(bytes)) {
    throw new PointwiseError('SHAPE_MISMATCH', { op, arg: 'shape', value: shape }, 'too large');
  }
  if (!isGpuBuffer(gpuBuffer)) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'buffer', value: gpuBuffer },
      'must be a GPUBuffer',
    );
  }
  const buffer = gpuBuffer;
  if (buffer.mapState !== 'unmapped') {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'buffer', value: buffer.mapState },
      'is mapped (or a map is pending): unmap it before wrapping',
    );
  }
  const needed = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;
  const padded = Math.ceil(bytes / 4) * 4;
  if ((buffer.usage & needed) !== needed || buffer.size < padded) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'buffer', value: buffer.size },
      `needs STORAGE | COPY_SRC | COPY_DST usage and at least ${padded} bytes`,
    );
  }
  return adoptBuffer(pw, dev.wrap(buffer, bytes, liveness === 'pointwise'), dtype, shape);
}

/** What `recordInto` returns: the body's result, and the call that ends the recording's hold. */
export interface Recording<T> {
  result: T;
  /**
   * Call once the encoder has been submitted (`queue.submit([encoder.finish()])`):
   * until then the uniforms and temporary buffers of the recorded work are held, never
   * reused. A second call does nothing; never calling it only keeps them.
   */
  submitted(): void;
}

/**
 * Records the GPU work of every Pointwise call in `body` into the caller's
 * `GPUCommandEncoder` (on this instance's device, no pass open), for a host that owns
 * the command stream: no submission of Pointwise's own, so the work runs in the
 * host's order when the host submits. Pointwise's earlier pending work is submitted
 * first. Inside `body`, reads, flushes and tensor writes are refused (their data is
 * not on the queue yet), as is a nested recordInto. Results are the same bits as
 * outside: the same kernels, in the same order.
 */
export function recordInto<T>(pw: Pointwise, encoder: object, body: () => T): Recording<T> {
  const op = 'recordInto';
  const dev = deviceOfInstance(op, pw);
  const ctor = (globalThis as { GPUCommandEncoder?: abstract new () => unknown }).GPUCommandEncoder;
  const looksLikeEncoder =
    typeof ctor === 'function'
      ? encoder instanceof ctor
      : encoder !== null &&
        typeof encoder === 'object' &&
        ['beginComputePass', 'copyBufferToBuffer', 'finish'].every(
          (m) => typeof (encoder as Record<string, unknown>)[m] === 'function',
        );
  if (!looksLikeEncoder) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'encoder', value: encoder },
      'must be a GPUCommandEncoder',
    );
  }
  if (typeof body !== 'function') {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'body', value: body },
      'must be a function',
    );
  }
  return dev.record(encoder as GPUCommandEncoder, body);
}

export type { BackendOptions } from './backend.js';
export type { DeviceOptions } from './device.js';

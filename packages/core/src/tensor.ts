// A tensor: a shape, a dtype and a backend-owned buffer. Tensors belong to one
// Pointwise instance; using one with another instance, or after dispose(), is a
// typed error. Reads are async everywhere; readSync() works on CPU backends.

import type { Backend, DeviceBuffer } from './backend.js';
import type { DType, HostArrayOf } from './dtypes.js';
import { PointwiseError } from './errors.js';

export type Shape = readonly number[];

export class Tensor<D extends DType = DType> {
  readonly dtype: D;
  readonly shape: Shape;
  readonly size: number;
  /** The Pointwise instance that owns this tensor (compared by identity). */
  readonly owner: object;
  #backend: Backend;
  #buffer: DeviceBuffer;
  #disposed = false;

  constructor(owner: object, backend: Backend, buffer: DeviceBuffer, dtype: D, shape: Shape) {
    this.owner = owner;
    this.#backend = backend;
    this.#buffer = buffer;
    this.dtype = dtype;
    this.shape = Object.freeze([...shape]);
    this.size = shape.reduce((a, b) => a * b, 1);
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** The backend name this tensor lives on. */
  get backendName(): string {
    return this.#backend.name;
  }

  /** The device buffer, for kernels. Throws if disposed. */
  bufferFor(op: string, arg: string): DeviceBuffer {
    if (this.#disposed) {
      throw new PointwiseError(
        'TENSOR_DISPOSED',
        { op, arg, value: this },
        'tensor was already disposed',
      );
    }
    return this.#buffer;
  }

  /** Copy the contents to a new host array once queued work has finished. */
  async read(): Promise<HostArrayOf[D]> {
    return this.#backend.read(this.bufferFor('read', 'tensor'), this.dtype, this.size);
  }

  /** Synchronous read; only backends whose memory the host sees support it. */
  readSync(): HostArrayOf[D] {
    const buffer = this.bufferFor('readSync', 'tensor');
    if (!this.#backend.readSync) {
      throw new PointwiseError(
        'SYNC_READ_UNSUPPORTED',
        { op: 'readSync', arg: 'tensor', value: this.#backend.name },
        'this backend only supports `await tensor.read()`',
      );
    }
    return this.#backend.readSync(buffer, this.dtype, this.size);
  }

  /** Release the storage. Disposing twice is a no-op. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#backend.free(this.#buffer);
  }
}

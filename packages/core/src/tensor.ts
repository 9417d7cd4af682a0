// A tensor: a shape, a dtype and a backend-owned buffer. Tensors belong to one
// Pointwise instance; using one with another instance, after dispose(), or after
// the instance's destroy() is a typed error. dtype, shape and size are frozen at
// run time, not only in the .d.ts: kernels trust `size`, so a writable one would
// let a caller overwrite a neighbouring tensor. Reads are async everywhere;
// readSync() works on CPU backends.

import type { Backend, DeviceBuffer } from './backend.js';
import type { DType, HostArrayOf } from './dtypes.js';
import { PointwiseError } from './errors.js';

export type Shape = readonly number[];

// `using t = pw.tensor(...)` needs Symbol.dispose in the consumer's types; declare it
// the way @types/node does, so projects without lib "esnext.disposable" compile too.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

/** What a tensor needs from the instance that made it (the lifetime bookkeeping). */
export interface TensorOwner {
  /** True once `destroy()` ran: every use of the instance's tensors is then an error. */
  readonly destroyed: boolean;
  /** Called when a tensor's storage is released, so the owner stops tracking it. */
  forget(tensor: Tensor): void;
}

/**
 * Internal: keep a tensor's storage alive across an await (an async op or a read).
 * `dispose()` during the pin marks the tensor disposed at once and frees the storage
 * when the last pin is released. Not exported from the package entry.
 */
export const pinTensor: unique symbol = Symbol('pointwise.pinTensor');
/** Internal: release the storage now, whatever the pins (the owner's destroy()). */
export const releaseTensor: unique symbol = Symbol('pointwise.releaseTensor');

export interface TensorPin {
  readonly buffer: DeviceBuffer;
  unpin(): void;
}

export class Tensor<D extends DType = DType> {
  readonly dtype: D;
  readonly shape: Shape;
  readonly size: number;
  /** The Pointwise instance that owns this tensor (compared by identity). */
  readonly owner: TensorOwner;
  #backend: Backend;
  #buffer: DeviceBuffer;
  #disposed = false;
  #released = false;
  #pins = 0;

  constructor(owner: TensorOwner, backend: Backend, buffer: DeviceBuffer, dtype: D, shape: Shape) {
    this.owner = owner;
    this.#backend = backend;
    this.#buffer = buffer;
    this.dtype = dtype;
    this.shape = Object.freeze([...shape]);
    this.size = this.shape.reduce((a, b) => a * b, 1);
    Object.freeze(this);
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** The backend name this tensor lives on. */
  get backendName(): string {
    return this.#backend.name;
  }

  /** The device buffer, for kernels. Throws if disposed or the instance was destroyed. */
  bufferFor(op: string, arg: string): DeviceBuffer {
    if (this.owner.destroyed) {
      throw new PointwiseError(
        'INSTANCE_DESTROYED',
        { op, arg, value: this },
        'the Pointwise instance that owns this tensor was destroyed',
      );
    }
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
    const pin = this[pinTensor]('read', 'tensor');
    try {
      return await this.#backend.read(pin.buffer, this.dtype, this.size);
    } catch (error) {
      throw asOutOfMemory(error, 'read', 'tensor', this.size);
    } finally {
      pin.unpin();
    }
  }

  /** Synchronous read; only backends whose memory the host sees support it. */
  readSync(): HostArrayOf[D] {
    const buffer = this.bufferFor('readSync', 'tensor');
    const readSync = this.#backend.readSync;
    if (!readSync) {
      throw new PointwiseError(
        'SYNC_READ_UNSUPPORTED',
        { op: 'readSync', arg: 'tensor', value: this.#backend.name },
        'this backend only supports `await tensor.read()`',
      );
    }
    return guardHostCopy(
      'readSync',
      this.size,
      () => readSync.call(this.#backend, buffer, this.dtype, this.size) as HostArrayOf[D],
    );
  }

  /**
   * Release the storage. Disposing twice is a no-op, and so is disposing after the
   * instance's destroy() (which already released everything), so cleanup code in
   * `finally` blocks never throws. Work already issued that uses the tensor (a
   * pending read or async op) still completes with the data it had.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#pins === 0) this[releaseTensor]();
  }

  /** `using t = pw.tensor(...)` disposes `t` at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** What `console.log(t)` / `util.inspect(t)` show: dtype, shape, backend, first values. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  toString(): string {
    const head = `Tensor<${this.dtype}>[${this.shape.join(', ')}] on ${this.#backend.name}`;
    if (this.owner.destroyed) return `${head} (instance destroyed)`;
    if (this.#disposed) return `${head} (disposed)`;
    if (!this.#backend.readSync) return `${head} (values on the device: await t.read())`;
    const shown = Math.min(this.size, 8);
    let values: string[];
    try {
      const all = this.#backend.readSync(this.#buffer, this.dtype, shown) as ArrayLike<
        number | bigint
      >;
      values = Array.from(all, (v) =>
        typeof v === 'bigint' ? `${v}n` : Object.is(v, -0) ? '-0' : String(v),
      );
    } catch {
      return head;
    }
    return `${head} [${values.join(', ')}${this.size > shown ? ', …' : ''}]`;
  }

  [pinTensor](op: string, arg: string): TensorPin {
    const buffer = this.bufferFor(op, arg);
    this.#pins++;
    let pinned = true;
    return {
      buffer,
      unpin: () => {
        if (!pinned) return;
        pinned = false;
        this.#pins--;
        if (this.#pins === 0 && this.#disposed) this[releaseTensor]();
      },
    };
  }

  [releaseTensor](): void {
    if (this.#released) return;
    this.#released = true;
    this.#disposed = true;
    const buffer = this.#buffer;
    this.#buffer = null;
    this.owner.forget(this);
    if (!this.owner.destroyed) this.#backend.free(buffer);
  }
}

/** A host copy that the engine cannot allocate is OUT_OF_MEMORY, not a raw RangeError. */
function guardHostCopy<T>(op: string, size: number, copy: () => T): T {
  try {
    return copy();
  } catch (error) {
    throw asOutOfMemory(error, op, 'tensor', size);
  }
}

/**
 * Turn an engine's allocation failure (RangeError) or a backend's OUT_OF_MEMORY
 * into an OUT_OF_MEMORY that names the op the user called; other errors pass.
 */
export function asOutOfMemory(error: unknown, op: string, arg: string, size: unknown): unknown {
  const isEngine = error instanceof RangeError;
  const isBackend = error instanceof PointwiseError && error.code === 'OUT_OF_MEMORY';
  if (!isEngine && !isBackend) return error;
  if (isBackend && error.op === op) return error;
  const reason = isEngine ? error.message : (error as PointwiseError).reason;
  return new PointwiseError(
    'OUT_OF_MEMORY',
    { op, arg, value: size },
    typeof size === 'number'
      ? `cannot allocate ${size} elements: ${reason}`
      : `cannot allocate: ${reason}`,
  );
}

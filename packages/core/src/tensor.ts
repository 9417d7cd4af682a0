// A tensor: a shape, a dtype and a backend-owned buffer. Tensors belong to one
// Pointwise instance; using one with another instance, after dispose(), or after
// the instance's destroy() is a typed error. dtype, shape and size are frozen at
// run time, not only in the .d.ts: kernels trust `size`, so a writable one would
// let a caller overwrite a neighbouring tensor. Reads are async everywhere;
// readSync() works on CPU backends. Tensors made by reshape() share one Storage
// with the tensor they view: the storage is freed when the last of them is disposed,
// and it carries what a training loop needs to stay honest: the forward op that last
// wrote it (so a backward from y can use, or refuse, its parameters) and a version
// counter bumped by every write.

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
  /** Called when a tensor is disposed or released, so the owner stops tracking it. */
  forget(tensor: Tensor): void;
  /** `t.write(data)`: validate and copy host data into the tensor's storage. */
  writeTensor?(tensor: Tensor, data: unknown): void;
  /** `t.clone()`: a new tensor with a copy of the contents. */
  cloneTensor?(tensor: Tensor): Tensor;
  /** `t.reshape(shape)`: a view sharing storage. */
  reshapeTensor?(tensor: Tensor, shape: unknown): Tensor;
}

/**
 * What a forward call recorded on the storage it wrote (its y): the op, the params as
 * the user gave them, the resolved params, and the version of every device parameter
 * it read. Internal.
 */
export interface ForwardRecord {
  readonly op: string;
  readonly given: Readonly<Record<string, unknown>>;
  readonly resolved: unknown;
  readonly deviceParams: readonly { arg: string; tensor: Tensor; version: number }[];
}

/** Internal: the storage one or more tensors (a tensor and its reshape views) share. */
export class Storage {
  buffer: DeviceBuffer;
  /** Undisposed tensors on this storage plus pins (pending reads, async ops). */
  refs = 0;
  released = false;
  /** Bumped by every write (forward out, backward out, write(), sgdStep). */
  version = 0;
  /** The forward op whose y this storage holds, or null (written by anything else). */
  origin: ForwardRecord | null = null;
  constructor(buffer: DeviceBuffer) {
    this.buffer = buffer;
  }
  /** Record a write: a forward's y gets its record, any other write clears it. */
  written(origin: ForwardRecord | null = null): void {
    this.version++;
    this.origin = origin;
  }
}

/** Internal: a tensor's storage (for aliasing checks and forward records). */
export const storageOf: unique symbol = Symbol('pointwise.storageOf');

/** True when both are Tensors on one storage (the same tensor, or views of each other). */
export function sameStorage(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return a instanceof Tensor && b instanceof Tensor && a[storageOf] === b[storageOf];
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
  #storage: Storage;
  #disposed = false;

  /** `buffer` is a fresh handle, or (internal, for views) the Storage to share. */
  constructor(
    owner: TensorOwner,
    backend: Backend,
    buffer: DeviceBuffer | Storage,
    dtype: D,
    shape: Shape,
  ) {
    this.owner = owner;
    this.#backend = backend;
    this.#storage = buffer instanceof Storage ? buffer : new Storage(buffer);
    this.#storage.refs++;
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
    return this.#storage.buffer;
  }

  /** Internal: the shared storage (identity for aliasing checks, the forward record). */
  get [storageOf](): Storage {
    return this.#storage;
  }

  /**
   * Copy host data into this tensor's storage: the same data `pw.tensor()` accepts, of
   * this tensor's dtype and element count. Synchronous on CPU backends, enqueued on GPU
   * ones (work already queued sees the old values). A tensor a forward wrote forgets
   * that forward: backward from it then needs the params given again. Returns `this`.
   */
  write(data: unknown): this {
    this.#ownerOp('write').writeTensor?.(this, data);
    return this;
  }

  /** A new tensor with a copy of the contents (same dtype and shape), on the device. */
  clone(): Tensor<D> {
    return this.#ownerOp('clone').cloneTensor?.(this) as Tensor<D>;
  }

  /**
   * A view with another shape of the same element count (one dimension may be -1),
   * sharing this tensor's storage: a write through either is seen by both. Disposing
   * one leaves the other usable; the storage is freed when every view is disposed.
   */
  reshape(shape: readonly number[]): Tensor<D> {
    return this.#ownerOp('reshape').reshapeTensor?.(this, shape) as Tensor<D>;
  }

  #ownerOp(op: string): TensorOwner {
    this.bufferFor(op, 'tensor');
    return this.owner;
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
    this.owner.forget(this);
    this.#unref();
  }

  #unref(): void {
    const storage = this.#storage;
    storage.refs--;
    if (storage.refs > 0 || storage.released) return;
    storage.released = true;
    const buffer = storage.buffer;
    storage.buffer = null;
    storage.origin = null;
    if (!this.owner.destroyed) this.#backend.free(buffer);
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
    const buffer = this.#storage.buffer;
    if (this.owner.destroyed) return `${head} (instance destroyed)`;
    if (this.#disposed) return `${head} (disposed)`;
    if (!this.#backend.readSync) return `${head} (values on the device: await t.read())`;
    const shown = Math.min(this.size, 8);
    let values: string[];
    try {
      const all = this.#backend.readSync(buffer, this.dtype, shown) as ArrayLike<number | bigint>;
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
    this.#storage.refs++;
    let pinned = true;
    return {
      buffer,
      unpin: () => {
        if (!pinned) return;
        pinned = false;
        this.#unref();
      },
    };
  }

  /** The owner's destroy(): mark disposed and drop the storage (the backend frees all). */
  [releaseTensor](): void {
    this.#disposed = true;
    this.owner.forget(this);
    const storage = this.#storage;
    if (storage.released) return;
    storage.released = true;
    storage.buffer = null;
    storage.origin = null;
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

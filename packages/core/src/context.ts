// The internal context of a Pointwise instance: tensor creation with validation
// before any allocation, ownership and lifetime checks (dispose, destroy), the
// transactional scope of one op call (a rejected call releases what it allocated),
// and the per-instance source of dropout seeds. Op methods run with it as `this`.

import type { Backend, DeviceBuffer, MemoryInfo } from './backend.js';
import { allocHostArray, DTYPES, type DType, isDType } from './dtypes.js';
import { PointwiseError } from './errors.js';
import { hostArrayFrom } from './hostData.js';
import type { KernelSet, OpName } from './kernels.js';
import type { OpCallScope, OpContext } from './op.js';
import { DropoutSeedSource } from './seeds.js';
import { asOutOfMemory, releaseTensor, type Shape, Tensor, type TensorOwner } from './tensor.js';

/**
 * The internal side of an instance: what op methods run against (`this` in every
 * op), the live-tensor bookkeeping and the transactional call scope. Users see the
 * `Pointwise` facade instead, so these helpers stay off its autocomplete.
 */
export class PointwiseContext implements OpContext, TensorOwner {
  readonly backend: Backend;
  #destroyed = false;
  /** Every tensor whose storage is held, so destroy() can release them all. */
  readonly #live = new Set<Tensor>();

  /** Supplies (seed, stream) to dropout calls that give neither. */
  readonly seeds: DropoutSeedSource;
  /** Open `scope()` calls, innermost last: each collects the tensors made inside it. */
  readonly #scopes: Set<Tensor>[] = [];

  constructor(backend: Backend, seed?: bigint | number) {
    this.backend = backend;
    this.seeds = new DropoutSeedSource(seed);
    this.freshDraw = () => this.seeds.take();
  }

  readonly freshDraw: () => { seed: bigint; stream: bigint };

  /** The backend's name, e.g. `js`. */
  get backendName(): string {
    return this.backend.name;
  }

  /** True once destroy() ran. */
  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** Throws INSTANCE_DESTROYED once destroy() ran. */
  checkAlive(op: string): void {
    if (this.#destroyed) {
      throw new PointwiseError(
        'INSTANCE_DESTROYED',
        { op, value: this.backend.name },
        'this Pointwise instance was destroyed; create a new one with pointwise()',
      );
    }
  }

  /**
   * Upload host data: a typed array, or a (nested) array of numbers whose shape is
   * inferred. `shape` (same element count) and `dtype` (for plain arrays) are optional.
   */
  tensor(data: unknown, shape?: Shape, dtype?: DType): Tensor {
    this.checkAlive('tensor');
    if (dtype !== undefined) checkDType('tensor', dtype);
    const { host, shape: natural, dtype: hostDtype } = hostArrayFrom(data, dtype);
    const finalShape = shape === undefined ? natural : shape;
    checkShape('tensor', finalShape, host.length);
    const buffer = guardAllocation('tensor', 'data', host.length, () =>
      this.backend.upload(hostDtype, host as never),
    );
    return this.adopt(buffer, hostDtype, finalShape);
  }

  /** A tensor of zeros. */
  zeros<D extends DType = 'float32'>(shape: Shape, dtype: D = 'float32' as D): Tensor<D> {
    this.checkAlive('zeros');
    checkDType('zeros', dtype);
    const size = checkShape('zeros', shape, null);
    const buffer = guardAllocation('zeros', 'shape', size, () =>
      this.backend.upload(dtype, allocHostArray(dtype, size)),
    );
    return this.adopt(buffer, dtype, shape);
  }

  /** A tensor with unspecified contents (for backend authors and op implementations). */
  empty<D extends DType>(dtype: D, shape: Shape, op = 'empty', arg = 'shape'): Tensor<D> {
    this.checkAlive(op);
    checkDType(op, dtype);
    const size = checkShape(op, shape, null);
    const buffer = guardAllocation(op, arg, size, () => this.backend.alloc(dtype, size));
    return this.adopt(buffer, dtype, shape);
  }

  /** Wrap a buffer the backend already allocated; the tensor owns it from now on. */
  adopt<D extends DType>(buffer: DeviceBuffer, dtype: D, shape: Shape): Tensor<D> {
    this.checkAlive('adopt');
    const tensor = new Tensor(this, this.backend, buffer, dtype, shape);
    this.#live.add(tensor);
    this.#scopes.at(-1)?.add(tensor);
    return tensor;
  }

  /** @internal Called by a tensor whose storage was released. */
  forget(tensor: Tensor): void {
    this.#live.delete(tensor);
  }

  bufferOf(op: string, arg: string, tensor: unknown, dtypes?: readonly DType[]): DeviceBuffer {
    this.checkAlive(op);
    if (!(tensor instanceof Tensor)) {
      throw new PointwiseError('INVALID_ARGUMENT', { op, arg, value: tensor }, 'must be a Tensor');
    }
    if (tensor.owner !== this) {
      throw new PointwiseError(
        'FOREIGN_TENSOR',
        { op, arg, value: tensor },
        `tensor belongs to another Pointwise instance (backend ${tensor.backendName})`,
      );
    }
    const buffer = tensor.bufferFor(op, arg);
    if (dtypes && !dtypes.includes(tensor.dtype)) {
      throw new PointwiseError(
        'DTYPE_MISMATCH',
        { op, arg, value: tensor },
        `dtype must be ${dtypes.join(' or ')}`,
      );
    }
    return buffer;
  }

  kernel<K extends OpName>(op: K): KernelSet[K] {
    this.checkAlive(op);
    const kernel = this.backend.kernels[op];
    if (!kernel) {
      throw new PointwiseError(
        'KERNEL_MISSING',
        { op, value: this.backend.name },
        'the backend does not implement this op',
      );
    }
    return kernel as KernelSet[K];
  }

  /**
   * Run one op call so that a rejection changes nothing: every tensor and buffer
   * allocated through `scope` is released if the body throws (or its promise
   * rejects), and an allocation failure names `op`.
   */
  call<T>(op: string, body: (scope: CallScope) => T): T {
    const scope = new CallScope(this, op);
    let result: T;
    try {
      result = body(scope);
    } catch (error) {
      scope.rollback();
      throw relabelLifetime(relabelOutOfMemory(error, op), op);
    }
    if (result instanceof Promise) {
      return result.catch((error: unknown) => {
        scope.rollback();
        throw relabelLifetime(relabelOutOfMemory(error, op), op);
      }) as T;
    }
    return result;
  }

  /** Bytes and buffers currently held by live tensors. */
  memory(): MemoryInfo {
    this.checkAlive('memory');
    return this.backend.memory();
  }

  /** Resolve once all queued work has finished. */
  async flush(): Promise<void> {
    this.checkAlive('flush');
    await this.backend.flush?.();
  }

  /**
   * Runs `fn` and disposes every tensor created inside it except those it returns
   * (found in returned arrays and plain objects) and those passed to `keep()`.
   * Synchronous, like tf.tidy: a function that returns a promise is refused.
   */
  scope<T>(fn: () => T): T {
    this.checkAlive('scope');
    if (typeof fn !== 'function') {
      throw new PointwiseError(
        'INVALID_ARGUMENT',
        { op: 'scope', arg: 'fn', value: fn },
        'must be a function',
      );
    }
    const made = new Set<Tensor>();
    this.#scopes.push(made);
    let result: T;
    try {
      result = fn();
    } catch (error) {
      this.#scopes.pop();
      for (const t of made) t.dispose();
      throw error;
    }
    this.#scopes.pop();
    if (result instanceof Promise) {
      for (const t of made) t.dispose();
      result.catch(() => {});
      throw new PointwiseError(
        'INVALID_ARGUMENT',
        { op: 'scope', arg: 'fn', value: 'async function' },
        'scope(fn) takes a synchronous function (like tf.tidy); dispose tensors of async work yourself',
      );
    }
    const returned = new Set<Tensor>();
    collectTensors(result, returned, 0);
    const outer = this.#scopes.at(-1);
    for (const t of made) {
      if (returned.has(t)) outer?.add(t);
      else t.dispose();
    }
    return result;
  }

  /** Exempts a tensor from every enclosing `scope()`; returns it. */
  keep<T extends Tensor>(tensor: T): T {
    for (const scope of this.#scopes) scope.delete(tensor);
    return tensor;
  }

  /**
   * Release the backend and every tensor's storage. Afterwards every call on this
   * instance or its tensors throws INSTANCE_DESTROYED (dispose() stays a no-op).
   * Calling destroy() twice is a no-op.
   */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const tensor of [...this.#live]) tensor[releaseTensor]();
    this.#live.clear();
    this.backend.destroy?.();
  }
}

/** The allocations of one op call, released together if the call is rejected. */
export class CallScope implements OpCallScope {
  readonly #owner: PointwiseContext;
  readonly #op: string;
  readonly #tensors: Tensor[] = [];
  readonly #buffers: DeviceBuffer[] = [];

  constructor(owner: PointwiseContext, op: string) {
    this.#owner = owner;
    this.#op = op;
  }

  /** A new output tensor; `arg` names it in an OUT_OF_MEMORY error. */
  empty<D extends DType>(dtype: D, shape: Shape, arg: string): Tensor<D> {
    const tensor = this.#owner.empty(dtype, shape, this.#op, arg);
    this.#tensors.push(tensor);
    return tensor;
  }

  /** A raw buffer (a kernel's output before it is adopted); freed on rollback until adopted. */
  alloc(dtype: DType, size: number, arg: string): DeviceBuffer {
    const buffer = guardAllocation(this.#op, arg, size, () =>
      this.#owner.backend.alloc(dtype, size),
    );
    this.#buffers.push(buffer);
    return buffer;
  }

  /** Wrap a buffer from `alloc` as a tensor (no longer freed on rollback: the tensor is). */
  adopt<D extends DType>(buffer: DeviceBuffer, dtype: D, shape: Shape): Tensor<D> {
    const index = this.#buffers.indexOf(buffer);
    if (index >= 0) this.#buffers.splice(index, 1);
    const tensor = this.#owner.adopt(buffer, dtype, shape);
    this.#tensors.push(tensor);
    return tensor;
  }

  rollback(): void {
    for (const tensor of this.#tensors) tensor.dispose();
    if (!this.#owner.destroyed)
      for (const buffer of this.#buffers) this.#owner.backend.free(buffer);
    this.#tensors.length = 0;
    this.#buffers.length = 0;
  }
}

/** An OUT_OF_MEMORY from deeper down (a kernel's scratch) re-labelled with the user's op, keeping its size. */
function relabelOutOfMemory(error: unknown, op: string): unknown {
  // the backend's value as it is (an element count, or e.g. the shape a plan refused)
  const size = error instanceof PointwiseError ? error.value : undefined;
  const arg = error instanceof PointwiseError && error.arg !== undefined ? error.arg : 'size';
  return asOutOfMemory(error, op, arg, size);
}

/**
 * A DEVICE_LOST or INSTANCE_DESTROYED from deeper down (a backend's alloc, upload or
 * read, a pending copy) re-labelled with the user's op: the contract's errors name
 * the call, not the backend's internals. Code, argument, value and reason are kept.
 */
function relabelLifetime(error: unknown, op: string): unknown {
  if (
    !(error instanceof PointwiseError) ||
    (error.code !== 'DEVICE_LOST' && error.code !== 'INSTANCE_DESTROYED') ||
    error.op === op
  )
    return error;
  const details =
    error.arg === undefined
      ? { op, value: error.value }
      : { op, arg: error.arg, value: error.value };
  return new PointwiseError(error.code, details, error.reason);
}

/** Tensors inside a scope's result: the value itself, arrays and plain objects (depth-limited). */
function collectTensors(value: unknown, into: Set<Tensor>, depth: number): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  if (value instanceof Tensor) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, into, depth + 1);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null)
    for (const v of Object.values(value)) collectTensors(v, into, depth + 1);
}

function guardAllocation(
  op: string,
  arg: string,
  size: number,
  allocate: () => DeviceBuffer,
): DeviceBuffer {
  try {
    return allocate();
  } catch (error) {
    throw relabelLifetime(asOutOfMemory(error, op, arg, size), op);
  }
}

function checkDType(op: string, dtype: unknown): void {
  if (!isDType(dtype)) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'dtype', value: dtype },
      `must be one of ${DTYPES.join(', ')}`,
    );
  }
}

/** Validates a shape (and its element count against `length`); returns the element count. */
function checkShape(op: string, shape: unknown, length: number | null): number {
  if (
    !Array.isArray(shape) ||
    shape.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)
  ) {
    throw new PointwiseError(
      'SHAPE_MISMATCH',
      { op, arg: 'shape', value: shape },
      'must be an array of non-negative integers',
    );
  }
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(size)) {
    throw new PointwiseError(
      'SHAPE_MISMATCH',
      { op, arg: 'shape', value: shape },
      'holds more than 2^53 elements',
    );
  }
  if (length !== null && size !== length) {
    throw new PointwiseError(
      'SHAPE_MISMATCH',
      { op, arg: 'shape', value: shape },
      `holds ${size} elements but data has ${length}`,
    );
  }
  return size;
}

// The user API: `const pw = await pointwise(jsBackend())`. An instance owns one
// backend, creates tensors on it and carries one method per op (from the op
// registry), plus memory and lifetime helpers.

import type { Backend, BackendFactory, DeviceBuffer, MemoryInfo } from './backend.js';
import {
  allocHostArray,
  DTYPES,
  type DType,
  dtypeOfHostArray,
  type HostArrayOf,
  isDType,
} from './dtypes.js';
import { PointwiseError } from './errors.js';
import type { KernelSet, OpName } from './kernels.js';
import type { OpCallScope, OpContext, OpMethod } from './op.js';
import { ops } from './ops/index.js';
import { asOutOfMemory, releaseTensor, type Shape, Tensor, type TensorOwner } from './tensor.js';

type UnionToIntersection<U> = (U extends unknown ? (k: U) => void : never) extends (
  k: infer I,
) => void
  ? I
  : never;
type RegistryMethods = UnionToIntersection<(typeof ops)[number]['methods']>;
type Bound<M> = {
  [K in keyof M]: M[K] extends (this: OpContext, ...args: infer A) => infer R
    ? (...args: A) => R
    : never;
};

/** Host data accepted by `tensor()`: a typed array, or plain numbers (float32). */
export type TensorData = Float32Array | Uint8Array | Int32Array | BigInt64Array | readonly number[];

type DTypeOf<T> = T extends Uint8Array
  ? 'uint8'
  : T extends Int32Array
    ? 'int32'
    : T extends BigInt64Array
      ? 'int64'
      : 'float32';

export class PointwiseBase implements OpContext, TensorOwner {
  readonly backend: Backend;
  #destroyed = false;
  /** Every tensor whose storage is held, so destroy() can release them all. */
  readonly #live = new Set<Tensor>();

  constructor(backend: Backend) {
    this.backend = backend;
  }

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

  /** Upload host data. `shape` defaults to [data.length]. */
  tensor<T extends TensorData>(data: T, shape?: Shape): Tensor<DTypeOf<T>> {
    this.checkAlive('tensor');
    const host = Array.isArray(data) ? Float32Array.from(data as readonly number[]) : data;
    const dtype = dtypeOfHostArray(host);
    if (dtype === null) {
      throw new PointwiseError(
        'DTYPE_MISMATCH',
        { op: 'tensor', arg: 'data', value: data },
        'expected Float32Array, Uint8Array, Int32Array, BigInt64Array or number[]',
      );
    }
    const finalShape = shape === undefined ? [host.length] : shape;
    checkShape('tensor', finalShape, host.length);
    const buffer = guardAllocation('tensor', 'data', host.length, () =>
      this.backend.upload(dtype, host as HostArrayOf[typeof dtype]),
    );
    return this.adopt(buffer, dtype, finalShape) as Tensor<DTypeOf<T>>;
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
      throw asOutOfMemory(error, op, 'size', Number.NaN);
    }
    if (result instanceof Promise) {
      return result.catch((error: unknown) => {
        scope.rollback();
        throw asOutOfMemory(error, op, 'size', Number.NaN);
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
  readonly #owner: PointwiseBase;
  readonly #op: string;
  readonly #tensors: Tensor[] = [];
  readonly #buffers: DeviceBuffer[] = [];

  constructor(owner: PointwiseBase, op: string) {
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

function guardAllocation(
  op: string,
  arg: string,
  size: number,
  allocate: () => DeviceBuffer,
): DeviceBuffer {
  try {
    return allocate();
  } catch (error) {
    throw asOutOfMemory(error, op, arg, size);
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

export type Pointwise = PointwiseBase & Bound<RegistryMethods>;

/** Wrap an already-created backend (tests, advanced use). */
export function pointwiseWith(backend: Backend): Pointwise {
  const instance = new PointwiseBase(backend) as Pointwise;
  for (const op of ops) {
    for (const [name, method] of Object.entries(op.methods as Record<string, OpMethod>)) {
      Object.defineProperty(instance, name, { value: method.bind(instance), enumerable: false });
    }
  }
  return instance;
}

/** Create a Pointwise instance on a backend; rejects with BACKEND_UNAVAILABLE and the reason. */
export async function pointwise(factory: BackendFactory): Promise<Pointwise> {
  const availability = await factory.isAvailable();
  if (!availability.available) {
    throw new PointwiseError(
      'BACKEND_UNAVAILABLE',
      { op: 'pointwise', arg: 'backend', value: factory.name },
      availability.reason,
    );
  }
  return pointwiseWith(await factory.create());
}

// The user API: `const pw = await pointwise(jsBackend())`. An instance owns one
// backend, creates tensors on it and carries one method per op (from the op
// registry), plus memory and lifetime helpers.

import type { Backend, BackendFactory, DeviceBuffer, MemoryInfo } from './backend.js';
import { allocHostArray, type DType, dtypeOfHostArray, type HostArrayOf } from './dtypes.js';
import { PointwiseError } from './errors.js';
import type { KernelSet, OpName } from './kernels.js';
import type { OpContext, OpMethod } from './op.js';
import { ops } from './ops/index.js';
import { type Shape, Tensor } from './tensor.js';

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

export class PointwiseBase implements OpContext {
  readonly backend: Backend;

  constructor(backend: Backend) {
    this.backend = backend;
  }

  /** The backend's name, e.g. `js`. */
  get backendName(): string {
    return this.backend.name;
  }

  /** Upload host data. `shape` defaults to [data.length]. */
  tensor<T extends TensorData>(data: T, shape?: Shape): Tensor<DTypeOf<T>> {
    const host = Array.isArray(data) ? Float32Array.from(data as readonly number[]) : data;
    const dtype = dtypeOfHostArray(host);
    if (dtype === null) {
      throw new PointwiseError(
        'DTYPE_MISMATCH',
        { op: 'tensor', arg: 'data', value: data },
        'expected Float32Array, Uint8Array, Int32Array, BigInt64Array or number[]',
      );
    }
    const finalShape = shape ?? [host.length];
    checkShape('tensor', finalShape, host.length);
    const buffer = guardAllocation('tensor', host.length, () =>
      this.backend.upload(dtype, host as HostArrayOf[typeof dtype]),
    );
    return new Tensor(this, this.backend, buffer, dtype, finalShape) as Tensor<DTypeOf<T>>;
  }

  /** A tensor of zeros. */
  zeros<D extends DType = 'float32'>(shape: Shape, dtype: D = 'float32' as D): Tensor<D> {
    checkShape('zeros', shape, null);
    const size = shape.reduce((a, b) => a * b, 1);
    const buffer = guardAllocation('zeros', size, () =>
      this.backend.upload(dtype, allocHostArray(dtype, size)),
    );
    return new Tensor(this, this.backend, buffer, dtype, shape);
  }

  empty<D extends DType>(dtype: D, shape: Shape): Tensor<D> {
    const size = shape.reduce((a, b) => a * b, 1);
    const buffer = guardAllocation('alloc', size, () => this.backend.alloc(dtype, size));
    return new Tensor(this, this.backend, buffer, dtype, shape);
  }

  adopt<D extends DType>(buffer: DeviceBuffer, dtype: D, shape: Shape): Tensor<D> {
    return new Tensor(this, this.backend, buffer, dtype, shape);
  }

  bufferOf(op: string, arg: string, tensor: unknown, dtypes?: readonly DType[]): DeviceBuffer {
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

  /** Bytes and buffers currently held by live tensors. */
  memory(): MemoryInfo {
    return this.backend.memory();
  }

  /** Resolve once all queued work has finished. */
  async flush(): Promise<void> {
    await this.backend.flush?.();
  }

  /** Release the backend. Tensors of this instance must not be used afterwards. */
  destroy(): void {
    this.backend.destroy?.();
  }
}

/** Turn an engine's allocation failure (RangeError) into OUT_OF_MEMORY. */
function guardAllocation(op: string, size: number, allocate: () => DeviceBuffer): DeviceBuffer {
  try {
    return allocate();
  } catch (error) {
    if (error instanceof PointwiseError) throw error;
    if (error instanceof RangeError) {
      throw new PointwiseError(
        'OUT_OF_MEMORY',
        { op, arg: 'size', value: size },
        `cannot allocate: ${error.message}`,
      );
    }
    throw error;
  }
}

function checkShape(op: string, shape: Shape, length: number | null): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new PointwiseError(
      'SHAPE_MISMATCH',
      { op, arg: 'shape', value: shape },
      'must be an array of non-negative integers',
    );
  }
  const size = shape.reduce((a: number, b: number) => a * b, 1);
  if (length !== null && size !== length) {
    throw new PointwiseError(
      'SHAPE_MISMATCH',
      { op, arg: 'shape', value: shape },
      `holds ${size} elements but data has ${length}`,
    );
  }
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

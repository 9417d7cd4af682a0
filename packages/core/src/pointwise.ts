// The user API: `const pw = await pointwise(wasmSimdBackend())`. An instance owns one
// backend, creates tensors on it and carries one method per op (from the op
// registry), plus scopes, memory and lifetime helpers. The internals op methods use
// are in context.ts, off the instance's autocomplete.

import type { Backend, BackendFactory, DeviceBuffer, MemoryInfo } from './backend.js';
import {
  type ActivationName,
  type ActivationParamsOf,
  type BoundActivation,
  bindActivation,
} from './boundActivation.js';
import { PointwiseContext } from './context.js';
import type { DType } from './dtypes.js';
import { PointwiseError } from './errors.js';
import type { NestedNumbers } from './hostData.js';
import type { OpContext, OpMethod } from './op.js';
import { ops } from './ops/index.js';
import { checkKnownKeys } from './params.js';
import type { Shape, Tensor } from './tensor.js';
import { fillTensor, sgdStep } from './update.js';

type UnionToIntersection<U> = (U extends unknown ? (k: U) => void : never) extends (
  k: infer I,
) => void
  ? I
  : never;
/** An op's user-facing methods: its declared `api`, else its methods without `this`. */
type ApiOf<O> = O extends { methods: infer M; api?: unknown }
  ? unknown extends NonNullable<O['api']>
    ? Bound<M>
    : NonNullable<O['api']>
  : never;
type RegistryMethods = UnionToIntersection<ApiOf<(typeof ops)[number]>>;
type Bound<M> = {
  [K in keyof M]: M[K] extends (this: OpContext, ...args: infer A) => infer R
    ? (...args: A) => R
    : never;
};

/** Host data accepted by `tensor()`: a typed array, or (nested) plain numbers. */
export type TensorData = Float32Array | Uint8Array | Int32Array | BigInt64Array | NestedNumbers;

type DTypeOf<T> = T extends Uint8Array
  ? 'uint8'
  : T extends Int32Array
    ? 'int32'
    : T extends BigInt64Array
      ? 'int64'
      : 'float32';

/** Internal accessor of an instance's context; not exported from the package entry. */
export const contextOf: unique symbol = Symbol('pointwise.context');

/** Options of `pointwise(backend, options)`. */
export interface PointwiseOptions {
  /**
   * Seed of the instance's dropout generator (unsigned 64-bit): dropout calls that give
   * no seed and stream draw (this seed, next stream). Default: from a random source.
   */
  seed?: bigint | number;
}

/** Options of `pw.tensor(data, options)`. */
export interface TensorOptions<D extends DType = DType> {
  /** Shape with the same element count (default: the data's own, nested arrays included). */
  shape?: Shape;
  /** Element type for plain arrays (default float32); must match a typed array's own. */
  dtype?: D;
}

/**
 * A Pointwise instance: one backend, the tensors made on it, and one method per op.
 * Internals (allocation, ownership checks, kernels) live in a context object that op
 * methods run against, not on this class.
 */
export class PointwiseBase {
  readonly #ctx: PointwiseContext;

  constructor(ctx: PointwiseContext) {
    this.#ctx = ctx;
  }

  /** Internal: the context op methods run against (conformance cases, backend tests). */
  [contextOf](): PointwiseContext {
    return this.#ctx;
  }

  /** The backend this instance runs on (for backend authors and tests). */
  get backend(): Backend {
    return this.#ctx.backend;
  }

  /** The backend's name, e.g. `js`. */
  get backendName(): string {
    return this.#ctx.backend.name;
  }

  /** True once destroy() ran. */
  get destroyed(): boolean {
    return this.#ctx.destroyed;
  }

  /** The seed of this instance's dropout generator (see `PointwiseOptions.seed`). */
  get seed(): bigint {
    return this.#ctx.seeds.seed;
  }

  /**
   * Upload host data. Typed arrays keep their dtype; plain arrays of numbers (nested to
   * any depth, shape inferred) become float32 unless `dtype` says otherwise. Anything a
   * tensor cannot hold (strings, null, holes, ragged rows, bigints in float) is an error
   * naming the index. The second argument is a shape or `{ shape, dtype }`.
   */
  tensor<T extends Float32Array | Uint8Array | Int32Array | BigInt64Array>(
    data: T,
    shape?: Shape | TensorOptions<DTypeOf<T>>,
  ): Tensor<DTypeOf<T>>;
  tensor<D extends DType = 'float32'>(
    data: NestedNumbers,
    shape?: Shape | TensorOptions<D>,
  ): Tensor<D>;
  tensor(data: unknown, shape?: Shape | TensorOptions): Tensor {
    if (shape === undefined || Array.isArray(shape))
      return this.#ctx.tensor(data, shape as Shape | undefined);
    if (shape === null || typeof shape !== 'object') {
      throw new PointwiseError(
        'SHAPE_MISMATCH',
        { op: 'tensor', arg: 'shape', value: shape },
        'must be an array of non-negative integers or { shape, dtype }',
      );
    }
    const options = shape as TensorOptions;
    checkKnownKeys('tensor', options, ['shape', 'dtype']);
    return this.#ctx.tensor(data, options.shape, options.dtype);
  }

  /** A tensor of zeros. */
  zeros<D extends DType = 'float32'>(shape: Shape, dtype: D = 'float32' as D): Tensor<D> {
    return this.#ctx.zeros(shape, dtype);
  }

  /**
   * A tensor with every element `value` (float32: any number, NaN and ±Inf included;
   * integer dtypes: an integer in range; int64: a bigint or a safe integer).
   */
  fill<D extends DType = 'float32'>(
    shape: Shape,
    value: number | bigint,
    dtype: D = 'float32' as D,
  ): Tensor<D> {
    return fillTensor(this.#ctx, 'fill', shape, value, dtype);
  }

  /** A tensor of ones. */
  ones<D extends DType = 'float32'>(shape: Shape, dtype: D = 'float32' as D): Tensor<D> {
    return fillTensor(this.#ctx, 'ones', shape, dtype === 'int64' ? 1n : 1, dtype);
  }

  /**
   * Plain SGD, in place on the device: `param[i] = f32(param[i] - f32(f32(lr) * grad[i]))`
   * (two roundings, tfjs's `tf.train.sgd` bits; see the contract). `grad` has param's
   * shape and is not param; `lr` >= 0. Returns `param`, which forgets any forward record.
   */
  sgdStep(param: Tensor<'float32'>, grad: Tensor<'float32'>, lr: number): Tensor<'float32'> {
    return sgdStep(this.#ctx, param, grad, lr);
  }

  /**
   * An activation with its params bound once (like `torch.nn.ELU(alpha)`): `forward(x)`
   * and `backward(dy, { x } | { y })` use them every call. Device-tensor params (a learned
   * slope, ceiling or threshold) are bound by reference, not owned: update them in place
   * (`pw.sgdStep`) and the next call uses the new values.
   */
  activation<N extends ActivationName>(
    name: N,
    params?: ActivationParamsOf[N],
  ): BoundActivation<N> {
    return bindActivation(this.#ctx, name, params);
  }

  /**
   * Runs `fn` and disposes every tensor created inside it, except the ones it returns
   * (directly, or inside returned arrays and plain objects) and those passed to
   * `keep()` (like tf.tidy). `fn` must be synchronous.
   */
  scope<T>(fn: () => T): T {
    return this.#ctx.scope(fn);
  }

  /** Keeps a tensor alive past the enclosing `scope()` calls; returns it. */
  keep<T extends Tensor>(tensor: T): T {
    return this.#ctx.keep(tensor);
  }

  /** Bytes and buffers currently held by live tensors. */
  memory(): MemoryInfo {
    return this.#ctx.memory();
  }

  /** Resolve once all queued work has finished. */
  flush(): Promise<void> {
    return this.#ctx.flush();
  }

  /**
   * Release the backend and every tensor's storage. Afterwards every call on this
   * instance or its tensors throws INSTANCE_DESTROYED (dispose() stays a no-op).
   */
  destroy(): void {
    this.#ctx.destroy();
  }
}

export type Pointwise = PointwiseBase & RegistryMethods;

/**
 * For backend packages' interop helpers: a tensor of `pw` over `buffer`, a handle the
 * instance's backend made or accepts (e.g. a wrapped device pointer). The tensor frees it
 * through `backend.free` on dispose, like any other; the backend decides what that means.
 */
export function adoptBuffer<D extends DType>(
  pw: Pointwise,
  buffer: DeviceBuffer,
  dtype: D,
  shape: Shape,
): Tensor<D> {
  return pw[contextOf]().adopt(buffer, dtype, shape);
}

/** Wrap an already-created backend (tests, advanced use). */
export function pointwiseWith(backend: Backend, options: PointwiseOptions = {}): Pointwise {
  checkKnownKeys('pointwise', options, ['seed']);
  const ctx = new PointwiseContext(backend, options.seed);
  const instance = new PointwiseBase(ctx) as Pointwise;
  for (const op of ops) {
    for (const [name, method] of Object.entries(op.methods as Record<string, OpMethod>)) {
      Object.defineProperty(instance, name, { value: method.bind(ctx), enumerable: false });
    }
  }
  return instance;
}

/** Create a Pointwise instance on a backend; rejects with BACKEND_UNAVAILABLE and the reason. */
export async function pointwise(
  factory: BackendFactory,
  options: PointwiseOptions = {},
): Promise<Pointwise> {
  checkKnownKeys('pointwise', options, ['seed']);
  const availability = await factory.isAvailable();
  if (!availability.available) {
    throw new PointwiseError(
      'BACKEND_UNAVAILABLE',
      { op: 'pointwise', arg: 'backend', value: factory.name },
      availability.reason,
    );
  }
  return pointwiseWith(await factory.create(), options);
}

// The shape of an op definition. Each op file exports one `OpDefinition`: what the
// op is (docs metadata, accuracy, cross-references) and the user-facing methods it
// adds to a Pointwise instance. The instance is built from the list in ops/index.ts,
// so adding an op touches no dispatcher.

import type { Backend, DeviceBuffer } from './backend.js';
import type { DType } from './dtypes.js';
import type { KernelSet, OpName } from './kernels.js';
import type { Shape, Tensor } from './tensor.js';

export type Accuracy = { kind: 'exact' } | { kind: 'ulp'; ulp: number };

export interface CrossReference {
  onnx?: string;
  caffe2?: string;
  pytorch?: string;
  tfjs?: string;
}

/** What op methods may use from the Pointwise instance they run on. */
export interface OpContext {
  readonly backend: Backend;
  /** The tensor's buffer after checking owner, disposal and (optionally) dtype. */
  bufferOf(op: string, arg: string, tensor: unknown, dtypes?: readonly DType[]): DeviceBuffer;
  /** The backend's kernel for an op, or a KERNEL_MISSING error. */
  kernel<K extends OpName>(op: K): KernelSet[K];
  /** A new tensor on this backend with unspecified contents; `op`/`arg` name it in errors. */
  empty<D extends DType>(dtype: D, shape: Shape, op?: string, arg?: string): Tensor<D>;
  /** Wrap a buffer the backend already allocated. */
  adopt<D extends DType>(buffer: DeviceBuffer, dtype: D, shape: Shape): Tensor<D>;
  /**
   * Run one op call transactionally: what the body allocates through `scope` is
   * released if it throws or its promise rejects, so a rejected call changes nothing.
   */
  call<T>(op: string, body: (scope: OpCallScope) => T): T;
  /** A fresh (seed, stream) from the instance's generator, for dropout calls that give neither. */
  readonly freshDraw: () => { seed: bigint; stream: bigint };
}

/** The allocations of one op call (see `OpContext.call`). */
export interface OpCallScope {
  /** A new output tensor; `arg` names it in an OUT_OF_MEMORY error. */
  empty<D extends DType>(dtype: D, shape: Shape, arg: string): Tensor<D>;
  /** A raw buffer for a kernel's output, freed on rollback until adopted. */
  alloc(dtype: DType, size: number, arg: string): DeviceBuffer;
  /** Wrap a buffer from `alloc` as a tensor. */
  adopt<D extends DType>(buffer: DeviceBuffer, dtype: D, shape: Shape): Tensor<D>;
}

export type OpMethod = (this: OpContext, ...args: any[]) => unknown;

export interface OpDefinition<
  Methods extends Record<string, OpMethod> = Record<string, OpMethod>,
  Api = unknown,
> {
  readonly name: OpName;
  readonly summary: string;
  readonly accuracy: Accuracy;
  readonly crossReference: CrossReference;
  /** Kink, NaN and convention notes for the docs table. */
  readonly conventions: readonly string[];
  readonly methods: Methods;
  /**
   * Types only (never set): the user-facing signatures of `methods`, with their
   * overloads, generics and docs, as a Pointwise instance shows them.
   */
  readonly api?: Api;
}

export function defineOp<M extends Record<string, OpMethod>, Api = unknown>(
  def: OpDefinition<M, Api>,
): OpDefinition<M, Api> {
  return def;
}

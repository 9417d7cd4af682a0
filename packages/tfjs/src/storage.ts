// Reading and writing tfjs's own tensor storage from a kernel, per tfjs backend:
// cpu keeps a typed array per dataId (`backend.data`), wasm a byte offset into its
// Emscripten heap (`backend.dataIdMap`). Kernels take views of inputs and outputs
// here and run Pointwise's js kernels on them in place: no copy in or out.

import { PointwiseError } from '@pointwise/core';
import type { DataType, TensorInfo } from './tfTypes.js';

export type View = Float32Array | Int32Array | Uint8Array;

/** One tfjs backend's memory, as a kernel sees it. */
export interface Storage {
  readonly kind: 'cpu' | 'wasm';
  /** A new output tensor (contents unspecified on wasm: a kernel writes every element). */
  alloc(shape: readonly number[], dtype: DataType): TensorInfo;
  /**
   * A view of a tensor's data. On wasm any alloc may move the heap, so take every
   * view after the call's last alloc.
   */
  view(t: TensorInfo): View;
  /** Releases an intermediate made by `alloc` that is not returned. */
  dispose(t: TensorInfo): void;
}

interface CpuBackendLike {
  data: { get(dataId: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: DataType, values?: unknown): TensorInfo;
  disposeIntermediateTensorInfo(t: TensorInfo): void;
}

interface WasmBackendLike {
  dataIdMap: { get(dataId: object): unknown };
  wasm: { HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): unknown;
  disposeData(dataId: object): boolean;
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function hostArray(dtype: DataType, size: number): View {
  if (dtype === 'float32') return new Float32Array(size);
  if (dtype === 'int32') return new Int32Array(size);
  if (dtype === 'bool') return new Uint8Array(size);
  throw new PointwiseError(
    'DTYPE_MISMATCH',
    { op: 'tfjs', arg: 'dtype', value: dtype },
    'unsupported dtype',
  );
}

const cpuCache = new WeakMap<object, Storage>();
const wasmCache = new WeakMap<object, Storage>();

function cpuStorage(b: CpuBackendLike): Storage {
  return {
    kind: 'cpu',
    alloc: (shape, dtype) => b.makeTensorInfo([...shape], dtype, hostArray(dtype, sizeOf(shape))),
    view: (t) => b.data.get(t.dataId).values as View,
    dispose: (t) => b.disposeIntermediateTensorInfo(t),
  };
}

function wasmStorage(b: WasmBackendLike): Storage {
  return {
    kind: 'wasm',
    alloc: (shape, dtype) => b.makeOutput([...shape], dtype),
    view: (t) => b.typedArrayFromHeap(t) as View,
    dispose: (t) => {
      b.disposeData(t.dataId);
    },
  };
}

/** The storage of a tfjs backend instance, or null for one Pointwise cannot reach. */
export function storageOf(backend: unknown): Storage | null {
  if (typeof backend !== 'object' || backend === null) return null;
  const b = backend as Record<string, unknown>;
  if ('dataIdMap' in b && 'wasm' in b && typeof b.typedArrayFromHeap === 'function') {
    let s = wasmCache.get(b);
    if (s === undefined) {
      s = wasmStorage(b as unknown as WasmBackendLike);
      wasmCache.set(b, s);
    }
    return s;
  }
  if (
    'data' in b &&
    typeof b.makeTensorInfo === 'function' &&
    'disposeIntermediateTensorInfo' in b
  ) {
    let s = cpuCache.get(b);
    if (s === undefined) {
      s = cpuStorage(b as unknown as CpuBackendLike);
      cpuCache.set(b, s);
    }
    return s;
  }
  return null;
}

/** Like storageOf, but a backend Pointwise cannot reach is a typed error naming the op. */
export function requireStorage(backend: unknown, op: string): Storage {
  const s = storageOf(backend);
  if (s === null)
    throw new PointwiseError(
      'BACKEND_UNAVAILABLE',
      {
        op,
        arg: 'backend',
        value: (backend as { constructor?: { name?: string } })?.constructor?.name,
      },
      'this tfjs backend is not supported by @pointwise/tfjs (cpu and wasm are)',
    );
  return s;
}

export { sizeOf };

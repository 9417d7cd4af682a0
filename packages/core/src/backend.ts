// What a backend is: a connector that owns device memory and runs Pointwise's
// kernels on it. Core validates every call before it reaches a backend, so a
// kernel may assume shapes match, parameters are in range and outputs are
// allocated. Kernels enqueue work and return; only reads wait (`read` is async
// on every backend; CPU backends may also offer `readSync`).

import type { DType, HostArrayOf } from './dtypes.js';
import type { KernelSet } from './kernels.js';

/** An opaque handle to backend-owned storage (a typed array, a GPUBuffer, a device pointer…). */
export type DeviceBuffer = unknown;

export interface MemoryInfo {
  /** Bytes currently held for live tensors. */
  bytes: number;
  /** Number of live buffers. */
  buffers: number;
}

export interface Backend {
  /** Short stable name, e.g. `js`, `wasm-simd`. */
  readonly name: string;
  /** Allocate storage for `size` elements; contents are unspecified. */
  alloc(dtype: DType, size: number): DeviceBuffer;
  /** Allocate storage and copy host data into it. */
  upload<D extends DType>(dtype: D, data: HostArrayOf[D]): DeviceBuffer;
  /** Copy `size` elements back to a new host array, once queued work has finished. */
  read<D extends DType>(buffer: DeviceBuffer, dtype: D, size: number): Promise<HostArrayOf[D]>;
  /** Synchronous read, for backends whose memory the host can see. */
  readSync?<D extends DType>(buffer: DeviceBuffer, dtype: D, size: number): HostArrayOf[D];
  /**
   * Release storage; the handle is never used again. May be called right after a
   * kernel that uses the buffer was enqueued: keep it alive until that work is done.
   */
  free(buffer: DeviceBuffer): void;
  /** Memory held right now (for leak checks). */
  memory(): MemoryInfo;
  /** The kernels this backend implements; a missing one is reported as KERNEL_MISSING. */
  readonly kernels: Partial<KernelSet>;
  /** Resolve when every queued kernel has finished (GPU backends). */
  flush?(): Promise<void>;
  /** Release the backend's own resources (device, module, pools). */
  destroy?(): void;
}

export type Availability = { available: true } | { available: false; reason: string };

/**
 * How a backend package is handed to `pointwise()`: a name, a cheap availability
 * probe, and an async `create` that loads the heavy parts only when usable.
 */
export interface BackendFactory {
  readonly name: string;
  isAvailable(): Promise<Availability>;
  create(): Promise<Backend>;
}

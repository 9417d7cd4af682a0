// What the backend needs from a device: raw allocations, stream-ordered copies and kernel
// launches, and an awaitable download. The CUDA driver implements it (cuda-device.ts);
// the package's tests implement it with the same kernels compiled for the host. Every
// operation is ordered after the ones issued before it, as on one CUDA stream.

import type { ArgValue, KernelName } from './kernels-table.js';

/** A device address (CUdeviceptr). 0n is the null pointer (empty tensors use it). */
export type DevicePtr = bigint;

export interface Device {
  /** Allocate `bytes` (> 0); throws PointwiseError OUT_OF_MEMORY when the device is full. */
  malloc(bytes: number): DevicePtr;
  /** Release a pointer from malloc (only when nothing queued uses it: the pool ensures it). */
  mfree(ptr: DevicePtr): void;
  /** Copy host bytes to the device (the host array may be reused when this returns). */
  upload(dst: DevicePtr, src: ArrayBufferView): void;
  /** Copy device bytes into `into` once all queued work has finished. */
  download(src: DevicePtr, into: Uint8Array): Promise<void>;
  /** Device-to-device copy. */
  copy(dst: DevicePtr, src: DevicePtr, bytes: number): void;
  /** Launch `kernel` on `grid` blocks of 256 threads with the arguments of KERNELS[kernel]. */
  launch(kernel: KernelName, grid: number, args: readonly ArgValue[]): void;
  /** Resolve when all queued work has finished (rejects with the device's error). */
  synchronize(): Promise<void>;
  /** Whether `ptr` is device memory this device can use (for wrapped pointers). */
  isDevicePointer?(ptr: DevicePtr): boolean;
  /** The stream that work is queued on (0n on the host harness). */
  readonly stream: bigint;
  /** Block until queued work has finished (destroy, before memory is released). */
  drain?(): void;
  /** Release everything; the device is unusable afterwards. */
  destroy(): void;
}

// What each op's dispatch (ops/<op>.ts) gets: the device, the buffer pool for temporaries,
// and the helpers every op uses to turn a tensor's buffer into a kernel argument and to
// finish a parameter-gradient sum.

import type { Device, DevicePtr } from './device.js';
import { type ArgValue, type KernelName, tiles } from './kernels-table.js';
import type { BufferPool, CudaBuffer } from './pool.js';

export interface CudaContext {
  readonly device: Device;
  readonly pool: BufferPool;
}

/** The device address of a tensor's buffer. */
export function ptr(buffer: unknown): DevicePtr {
  return (buffer as CudaBuffer).ptr;
}

/** Launch unless the grid is empty. */
export function launch(
  ctx: CudaContext,
  kernel: KernelName,
  grid: number,
  args: readonly ArgValue[],
): void {
  if (grid > 0) ctx.device.launch(kernel, grid, args);
}

/**
 * Runs `partialKernel` (one double partial per block, written to its last argument) and
 * the final pass into `out` (`slots` float32 sums of `perSlot` partials each). With no
 * blocks the final pass still runs and writes +0 sums.
 */
export function launchWithSum(
  ctx: CudaContext,
  kernel: KernelName,
  grid: number,
  args: readonly ArgValue[],
  out: DevicePtr,
  slots = 1,
): void {
  const partials = ctx.pool.allocBytes(grid * 8, kernel);
  try {
    launch(ctx, kernel, grid, [...args, partials.ptr]);
    launch(ctx, 'pw_reduce_final_f64', slots, [partials.ptr, grid / slots, out]);
  } finally {
    ctx.pool.free(partials);
  }
}

/** Element-wise grid: one 4096-element tile per block. */
export { tiles };

/** A temporary device buffer of `bytes`, freed by `release` (safe right after enqueueing). */
export function temp(ctx: CudaContext, bytes: number, op: string): CudaBuffer {
  return ctx.pool.allocBytes(bytes, op);
}

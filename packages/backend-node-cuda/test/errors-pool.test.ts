// CUDA results as typed errors (names, OUT_OF_MEMORY, sticky -> DEVICE_LOST, the driver-
// too-old message) and the buffer pool (size classes, reuse after free, trim and retry
// when the device is full, accounting), the latter over a Device that only hands out
// addresses (no kernels: the pool never launches any).
import { PointwiseError } from '@pointwise/core';
import { describe, expect, it } from 'vitest';
import { CUDA_ERROR_NAMES, cudaError, DRIVER_TOO_OLD, errorCodeFor } from '../src/cuda-errors.js';
import type { Device } from '../src/device.js';
import { BufferPool, sizeClass } from '../src/pool.js';

describe('CUDA errors', () => {
  it('carry the CUDA error name and map to stable codes', () => {
    const e = cudaError('cuMemAlloc_v2', 2);
    expect(e).toBeInstanceOf(PointwiseError);
    expect(e.code).toBe('OUT_OF_MEMORY');
    expect(e.cudaError).toBe('CUDA_ERROR_OUT_OF_MEMORY');
    expect(e.message).toContain('CUDA_ERROR_OUT_OF_MEMORY');
    expect(cudaError('cuEventQuery', 700).code).toBe('DEVICE_LOST');
    expect(cudaError('cuEventQuery', 719).message).toMatch(
      /CUDA_ERROR_LAUNCH_FAILED.*context is lost/,
    );
    expect(errorCodeFor(1)).toBe('BACKEND_UNAVAILABLE');
    expect(cudaError('cuModuleLoadDataEx', 222, undefined, 'module relu').message).toContain(
      `${DRIVER_TOO_OLD}: module relu`,
    );
    expect(CUDA_ERROR_NAMES[222]).toBe('CUDA_ERROR_UNSUPPORTED_PTX_VERSION');
  });
});

function fakeDevice(capacity: number) {
  let next = 0x1000n;
  const live = new Map<bigint, number>();
  let used = 0;
  const device = {
    stream: 0n,
    malloc(bytes: number) {
      if (used + bytes > capacity) throw cudaError('cuMemAlloc_v2', 2);
      used += bytes;
      const p = next;
      next += BigInt(bytes);
      live.set(p, bytes);
      return p;
    },
    mfree(p: bigint) {
      used -= live.get(p)!;
      live.delete(p);
    },
  } as unknown as Device;
  return { device, live };
}

describe('buffer pool', () => {
  it('rounds to size classes of at most 25% waste', () => {
    expect(sizeClass(1)).toBe(256);
    expect(sizeClass(4097)).toBe(5120);
    for (const n of [300, 1e5, 3e6 + 7]) {
      expect(sizeClass(n)).toBeGreaterThanOrEqual(n);
      expect(sizeClass(n)).toBeLessThanOrEqual(n * 1.25 + 256);
    }
  });
  it('reuses a freed block, counts live bytes and buffers, and gives empty tensors no memory', () => {
    const { device, live } = fakeDevice(1 << 20);
    const pool = new BufferPool(device);
    const a = pool.alloc('float32', 1000);
    pool.free(a);
    const b = pool.alloc('float32', 990);
    expect(b.ptr).toBe(a.ptr);
    const empty = pool.alloc('int64', 0);
    expect(empty.ptr).toBe(0n);
    expect(pool.memory()).toEqual({ bytes: 3960, buffers: 2 });
    pool.free(b);
    pool.free(empty);
    expect(pool.memory()).toEqual({ bytes: 0, buffers: 0 });
    pool.releaseAll();
    expect(live.size).toBe(0);
  });
  it('when the device is full, returns cached blocks and retries; then OUT_OF_MEMORY naming the size', () => {
    const { device } = fakeDevice(8192);
    const pool = new BufferPool(device);
    pool.free(pool.allocBytes(4096));
    expect(pool.allocBytes(6000).bytes).toBe(6000); // needed the cached 4096 back
    expect(() => pool.alloc('float32', 4096, 'relu')).toThrow(
      expect.objectContaining({ code: 'OUT_OF_MEMORY', op: 'relu' }),
    );
  });
});

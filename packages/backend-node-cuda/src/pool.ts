// Device memory for tensors: allocations are rounded up to size classes (4 per doubling,
// at most 25% waste, 256 bytes minimum) and reused from per-class free lists, so a
// training loop stops calling cuMemAlloc after its first step. Reuse is safe right after
// free(): all work runs on one stream, so a later kernel writing the block is ordered after
// every earlier use. Empty tensors get the null pointer and no allocation.

import { BYTES_PER_ELEMENT, type DType, PointwiseError } from '@pointwise/core';
import type { Device, DevicePtr } from './device.js';

/** The handle a node-cuda tensor carries (Backend's DeviceBuffer). */
export interface CudaBuffer {
  readonly ptr: DevicePtr;
  /** Bytes requested. */
  readonly bytes: number;
  /** Bytes reserved (the size class); 0 for empty and wrapped buffers. */
  readonly block: number;
  /** Wrapped from a caller's pointer: never freed or reused by Pointwise. */
  readonly external: boolean;
}

const MIN_BLOCK = 256;

/** The block size a request of `bytes` is served from. */
export function sizeClass(bytes: number): number {
  if (bytes <= MIN_BLOCK) return MIN_BLOCK;
  const power = 2 ** Math.ceil(Math.log2(bytes));
  const step = Math.max(MIN_BLOCK, power / 8);
  return Math.ceil(bytes / step) * step;
}

export class BufferPool {
  readonly #device: Device;
  readonly #free = new Map<number, DevicePtr[]>();
  /** Every block held from the device, live or cached. */
  readonly #held = new Set<DevicePtr>();
  #bytes = 0;
  #buffers = 0;
  #reserved = 0;

  constructor(device: Device) {
    this.#device = device;
  }

  alloc(dtype: DType, size: number, op = 'alloc'): CudaBuffer {
    return this.allocBytes(size * BYTES_PER_ELEMENT[dtype], op, size);
  }

  allocBytes(bytes: number, op = 'alloc', size = bytes): CudaBuffer {
    if (bytes === 0) {
      this.#buffers++;
      return { ptr: 0n, bytes: 0, block: 0, external: false };
    }
    const block = sizeClass(bytes);
    let ptr = this.#free.get(block)?.pop();
    if (ptr === undefined) ptr = this.#fresh(block, op, size);
    this.#bytes += bytes;
    this.#buffers++;
    return { ptr, bytes, block, external: false };
  }

  free(buffer: CudaBuffer): void {
    if (buffer.external) return;
    this.#buffers--;
    if (buffer.block === 0) return;
    this.#bytes -= buffer.bytes;
    let list = this.#free.get(buffer.block);
    if (list === undefined) {
      list = [];
      this.#free.set(buffer.block, list);
    }
    list.push(buffer.ptr);
  }

  memory(): { bytes: number; buffers: number } {
    return { bytes: this.#bytes, buffers: this.#buffers };
  }

  /** Bytes held from the device, live and cached. */
  get reserved(): number {
    return this.#reserved;
  }

  /** Return every cached (free) block to the device. */
  trim(): void {
    for (const [block, list] of this.#free) {
      for (const ptr of list) {
        this.#held.delete(ptr);
        this.#device.mfree(ptr);
        this.#reserved -= block;
      }
    }
    this.#free.clear();
  }

  /** Return every block to the device, live tensors' too (destroy). */
  releaseAll(): void {
    this.#free.clear();
    for (const ptr of this.#held) this.#device.mfree(ptr);
    this.#held.clear();
    this.#reserved = 0;
  }

  #hold(ptr: DevicePtr, block: number): DevicePtr {
    this.#held.add(ptr);
    this.#reserved += block;
    return ptr;
  }

  #fresh(block: number, op: string, size: number): DevicePtr {
    try {
      return this.#hold(this.#device.malloc(block), block);
    } catch (error) {
      if (!(error instanceof PointwiseError) || error.code !== 'OUT_OF_MEMORY') throw error;
      // the device is full: give the cache back and try once more
      this.trim();
      try {
        return this.#hold(this.#device.malloc(block), block);
      } catch (again) {
        if (again instanceof PointwiseError && again.code === 'OUT_OF_MEMORY') {
          throw new PointwiseError(
            'OUT_OF_MEMORY',
            { op, arg: 'size', value: size },
            `the GPU has no room for ${block} more bytes (${this.#bytes} bytes in live tensors)`,
          );
        }
        throw again;
      }
    }
  }
}

// The js backend's memory: every tensor is a plain typed array on the JS heap.
// Kernels receive those arrays directly; reads copy them out (async and sync).

import {
  allocHostArray,
  type Backend,
  BYTES_PER_ELEMENT,
  type DType,
  type HostArray,
  type HostArrayOf,
  type KernelSet,
  type MemoryInfo,
} from '@pointwise/core';

export class JsMemory
  implements Pick<Backend, 'alloc' | 'upload' | 'read' | 'readSync' | 'free' | 'memory'>
{
  #bytes = 0;
  #buffers = 0;

  alloc(dtype: DType, size: number): HostArray {
    // allocate first, count after: a failed allocation must leave no phantom buffer
    const buffer = allocHostArray(dtype, size);
    this.#bytes += size * BYTES_PER_ELEMENT[dtype];
    this.#buffers++;
    return buffer;
  }

  upload<D extends DType>(dtype: D, data: HostArrayOf[D]): HostArray {
    const buffer = this.alloc(dtype, data.length);
    (buffer as HostArrayOf[D]).set(data as never);
    return buffer;
  }

  async read<D extends DType>(buffer: unknown, dtype: D, size: number): Promise<HostArrayOf[D]> {
    return this.readSync(buffer, dtype, size);
  }

  readSync<D extends DType>(buffer: unknown, _dtype: D, size: number): HostArrayOf[D] {
    return (buffer as HostArrayOf[D]).slice(0, size) as HostArrayOf[D];
  }

  free(buffer: unknown): void {
    const array = buffer as HostArray;
    this.#bytes -= array.byteLength;
    this.#buffers--;
  }

  memory(): MemoryInfo {
    return { bytes: this.#bytes, buffers: this.#buffers };
  }

  /** Forget the counts; core has already dropped every tensor's array. */
  reset(): void {
    this.#bytes = 0;
    this.#buffers = 0;
  }
}

export function createJsBackend(kernels: KernelSet): Backend {
  const memory = new JsMemory();
  return {
    name: 'js',
    kernels,
    alloc: memory.alloc.bind(memory),
    upload: memory.upload.bind(memory) as Backend['upload'],
    read: memory.read.bind(memory) as Backend['read'],
    readSync: memory.readSync.bind(memory) as Backend['readSync'],
    free: memory.free.bind(memory),
    memory: memory.memory.bind(memory),
    destroy: memory.reset.bind(memory),
  };
}

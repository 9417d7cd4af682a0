// The Device of the test-only host backend: "device" memory is aligned host memory, and a
// launch calls the kernel compiled for the host (the same cuda/*.cu), which runs every
// block and thread index in order. Arguments go through the same packArgs as on the GPU
// and are read back from the packed slots, so the harness sees exactly what
// cuLaunchKernel would. Not a driver emulation: no streams, no concurrency, no limits.
import { PointwiseError } from '@pointwise/core';
import koffi from 'koffi';
import type { Device, DevicePtr } from '../../src/device.js';
import {
  type ArgValue,
  KERNELS,
  type KernelName,
  packArgs,
  SLOT,
} from '../../src/kernels-table.js';
import { buildHostLibrary } from './build.js';

const C_TYPE = { ptr: 'uint64_t', u64: 'uint64_t', u32: 'uint32_t', f32: 'float' } as const;
type Fn = (...args: unknown[]) => unknown;

export class HostDevice implements Device {
  readonly stream = 0n;
  readonly #alloc: Fn;
  readonly #free: Fn;
  readonly #upload: Fn;
  readonly #download: Fn;
  readonly #copy: Fn;
  readonly #kernels = new Map<KernelName, Fn>();
  readonly #args = new DataView(new ArrayBuffer(32 * SLOT));
  /** Launches per kernel (tests check dispatch). */
  readonly launches = new Map<KernelName, number>();
  readonly live = new Set<DevicePtr>();

  constructor(path = buildHostLibrary()) {
    const lib = koffi.load(path);
    this.#alloc = lib.func('uint64_t pw_host_alloc(uint64_t bytes)') as Fn;
    this.#free = lib.func('void pw_host_free(uint64_t ptr)') as Fn;
    this.#upload = lib.func('void pw_host_upload(uint64_t dst, void *src, uint64_t bytes)') as Fn;
    this.#download = lib.func(
      'void pw_host_download(void *dst, uint64_t src, uint64_t bytes)',
    ) as Fn;
    this.#copy = lib.func('void pw_host_copy(uint64_t dst, uint64_t src, uint64_t bytes)') as Fn;
    for (const [name, spec] of Object.entries(KERNELS)) {
      const params = ['uint32_t', ...spec.params.map((p) => C_TYPE[p])];
      this.#kernels.set(name as KernelName, lib.func(name, 'void', params) as Fn);
    }
  }

  malloc(bytes: number): DevicePtr {
    const ptr = BigInt(this.#alloc(bytes) as number | bigint);
    if (ptr === 0n) {
      throw new PointwiseError('OUT_OF_MEMORY', { op: 'alloc', value: bytes }, 'host harness');
    }
    this.live.add(ptr);
    return ptr;
  }

  mfree(ptr: DevicePtr): void {
    this.live.delete(ptr);
    this.#free(ptr);
  }

  upload(dst: DevicePtr, src: ArrayBufferView): void {
    this.#upload(dst, new Uint8Array(src.buffer, src.byteOffset, src.byteLength), src.byteLength);
  }

  async download(src: DevicePtr, into: Uint8Array): Promise<void> {
    this.#download(into, src, into.byteLength);
  }

  copy(dst: DevicePtr, src: DevicePtr, bytes: number): void {
    this.#copy(dst, src, bytes);
  }

  launch(kernel: KernelName, grid: number, args: readonly ArgValue[]): void {
    const count = packArgs(kernel, args, this.#args);
    const params = KERNELS[kernel].params;
    const values: unknown[] = [grid];
    for (let i = 0; i < count; i++) {
      const type = params[i]!;
      values.push(
        type === 'f32'
          ? this.#args.getFloat32(i * SLOT, true)
          : type === 'u32'
            ? this.#args.getUint32(i * SLOT, true)
            : this.#args.getBigUint64(i * SLOT, true),
      );
    }
    this.launches.set(kernel, (this.launches.get(kernel) ?? 0) + 1);
    this.#kernels.get(kernel)!(...values);
  }

  async synchronize(): Promise<void> {}

  destroy(): void {
    for (const ptr of this.live) this.#free(ptr);
    this.live.clear();
  }
}

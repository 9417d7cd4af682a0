// The Device on a real GPU: the primary context of one device, one non-blocking stream,
// the PTX modules loaded with cuModuleLoadDataEx (JIT error log kept for the message),
// kernel arguments packed into one reused arena, and downloads through two pinned staging
// buffers whose events are polled from the event loop (setImmediate, then 1 ms timers), so
// a long copy never blocks Node. A sticky CUDA error marks the device lost: every later
// call throws DEVICE_LOST.

import { PointwiseError } from '@pointwise/core';
import type { DeviceInfo } from './availability.js';
import { CUDA_ERROR_NOT_READY, cudaError, STICKY_ERRORS } from './cuda-errors.js';
import type { Device, DevicePtr } from './device.js';
import { MEMORYTYPE_DEVICE, MEMORYTYPE_UNIFIED, POINTER_ATTRIBUTE_MEMORY_TYPE } from './driver.js';
import {
  type ArgValue,
  KERNELS,
  type KernelName,
  packArgs,
  SLOT,
  THREADS,
} from './kernels-table.js';
import { PTX } from './ptx.generated.js';

const STREAM_NON_BLOCKING = 1;
const EVENT_DISABLE_TIMING = 2;
// CUjit_option
const JIT_INFO_LOG_BUFFER = 3;
const JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4;
const JIT_ERROR_LOG_BUFFER = 5;
const JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
const LOG_BYTES = 16384;
/** Bytes per pinned staging buffer (two of them, used in turn). */
export const STAGING_BYTES = 8 << 20;
const MAX_ARGS = 32;

export interface StagingSlot {
  addr: bigint;
  event: bigint;
}

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class CudaDevice implements Device {
  readonly info: DeviceInfo;
  readonly stream: bigint;
  readonly context: bigint;
  readonly #d: DeviceInfo['driver'];
  readonly #modules: bigint[] = [];
  readonly #functions = new Map<KernelName, bigint>();
  readonly #arena = new ArrayBuffer(MAX_ARGS * SLOT * 2);
  readonly #args = new DataView(this.#arena, 0, MAX_ARGS * SLOT);
  readonly #params: bigint;
  readonly #syncEvent: bigint;
  #staging: StagingSlot[] | null = null;
  /** Downloads run one at a time (they share the staging buffers). */
  #downloads: Promise<unknown> = Promise.resolve();
  #lost: PointwiseError | null = null;
  #destroyed = false;

  constructor(info: DeviceInfo) {
    this.info = info;
    const d = info.driver;
    this.#d = d;
    const out = new BigUint64Array(1);
    this.#call('cuDevicePrimaryCtxRetain', d.cuDevicePrimaryCtxRetain(out, info.handle));
    this.context = out[0]!;
    try {
      this.#call('cuCtxSetCurrent', d.cuCtxSetCurrent(this.context));
      this.#call('cuStreamCreate', d.cuStreamCreate(out, STREAM_NON_BLOCKING));
      this.stream = out[0]!;
      this.#call('cuEventCreate', d.cuEventCreate(out, EVENT_DISABLE_TIMING));
      this.#syncEvent = out[0]!;
      for (const [name, text] of Object.entries(PTX)) this.#loadModule(name, text);
      // kernelParams: pointer i -> argument slot i (the arena never moves)
      const base = d.koffi.address(this.#arena) as bigint;
      const pointers = new BigUint64Array(this.#arena, MAX_ARGS * SLOT, MAX_ARGS);
      for (let i = 0; i < MAX_ARGS; i++) pointers[i] = base + BigInt(i * SLOT);
      this.#params = base + BigInt(MAX_ARGS * SLOT);
    } catch (error) {
      d.cuDevicePrimaryCtxRelease(info.handle);
      throw error;
    }
  }

  #loadModule(name: string, text: string): void {
    const d = this.#d;
    const errorLog = new ArrayBuffer(LOG_BYTES);
    const infoLog = new ArrayBuffer(LOG_BYTES);
    const options = new Int32Array([
      JIT_ERROR_LOG_BUFFER,
      JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
      JIT_INFO_LOG_BUFFER,
      JIT_INFO_LOG_BUFFER_SIZE_BYTES,
    ]);
    const values = new BigUint64Array([
      d.koffi.address(errorLog) as bigint,
      BigInt(LOG_BYTES),
      d.koffi.address(infoLog) as bigint,
      BigInt(LOG_BYTES),
    ]);
    const out = new BigUint64Array(1);
    const code = d.cuModuleLoadDataEx(out, text, 4, options, values);
    if (code !== 0) {
      const bytes = new Uint8Array(errorLog);
      const end = bytes.indexOf(0);
      const log = new TextDecoder().decode(bytes.subarray(0, end < 0 ? LOG_BYTES : end)).trim();
      const detail = `module ${name}${log ? `, JIT log: ${log}` : ''}`;
      throw cudaError('cuModuleLoadDataEx', code, d.errorName(code), detail);
    }
    const module = out[0]!;
    this.#modules.push(module);
    for (const [kernel, spec] of Object.entries(KERNELS)) {
      if (spec.module !== name) continue;
      this.#call('cuModuleGetFunction', d.cuModuleGetFunction(out, module, kernel));
      this.#functions.set(kernel as KernelName, out[0]!);
    }
  }

  /** Throws the typed error for a failing result; a sticky one marks the device lost. */
  #call(call: string, code: number, detail?: string): void {
    if (code === 0) return;
    const error = cudaError(call, code, this.#d.errorName(code), detail);
    if (STICKY_ERRORS.has(code)) this.#lost = error;
    throw error;
  }

  #usable(): void {
    if (this.#lost) {
      throw new PointwiseError(
        'DEVICE_LOST',
        { op: 'node-cuda', value: (this.#lost as { cudaError?: string }).cudaError },
        `the GPU context was lost earlier (${this.#lost.message}); create a new instance in a new process`,
      );
    }
    if (this.#destroyed) {
      throw new PointwiseError(
        'INSTANCE_DESTROYED',
        { op: 'node-cuda', value: 'destroyed' },
        'the device was released (destroy())',
      );
    }
  }

  malloc(bytes: number): DevicePtr {
    this.#usable();
    const out = new BigUint64Array(1);
    this.#call('cuMemAlloc_v2', this.#d.cuMemAlloc(out, bytes), `${bytes} bytes`);
    return out[0]!;
  }

  mfree(ptr: DevicePtr): void {
    if (this.#lost) return;
    this.#call('cuMemFree_v2', this.#d.cuMemFree(ptr));
  }

  upload(dst: DevicePtr, src: ArrayBufferView): void {
    this.#usable();
    this.#call(
      'cuMemcpyHtoDAsync_v2',
      this.#d.cuMemcpyHtoDAsync(
        dst,
        new Uint8Array(src.buffer, src.byteOffset, src.byteLength),
        src.byteLength,
        this.stream,
      ),
    );
  }

  copy(dst: DevicePtr, src: DevicePtr, bytes: number): void {
    this.#usable();
    if (bytes === 0) return;
    this.#call('cuMemcpyDtoDAsync_v2', this.#d.cuMemcpyDtoDAsync(dst, src, bytes, this.stream));
  }

  launch(kernel: KernelName, grid: number, args: readonly ArgValue[]): void {
    this.#usable();
    packArgs(kernel, args, this.#args);
    const fn = this.#functions.get(kernel)!;
    this.#call(
      'cuLaunchKernel',
      this.#d.cuLaunchKernel(fn, grid, 1, 1, THREADS, 1, 1, 0, this.stream, this.#params, 0n),
      kernel,
    );
  }

  /** Resolves once `event` has completed; polls without blocking the event loop. */
  async #wait(event: bigint, call: string): Promise<void> {
    for (let polls = 0; ; polls++) {
      const code = this.#d.cuEventQuery(event);
      if (code === 0) return;
      if (code !== CUDA_ERROR_NOT_READY) this.#call(call, code);
      await (polls < 64 ? immediate() : sleep(1));
    }
  }

  async synchronize(): Promise<void> {
    this.#usable();
    this.#call('cuEventRecord', this.#d.cuEventRecord(this.#syncEvent, this.stream));
    await this.#wait(this.#syncEvent, 'cuEventQuery');
  }

  download(src: DevicePtr, into: Uint8Array): Promise<void> {
    const run = this.#downloads.then(() => this.#download(src, into));
    this.#downloads = run.catch(() => {});
    return run;
  }

  async #download(src: DevicePtr, into: Uint8Array): Promise<void> {
    this.#usable();
    const d = this.#d;
    const slots = this.#stagingSlots();
    const total = into.byteLength;
    const chunks = Math.ceil(total / STAGING_BYTES);
    const enqueue = (k: number) => {
      const slot = slots[k % 2]!;
      const offset = k * STAGING_BYTES;
      const bytes = Math.min(STAGING_BYTES, total - offset);
      this.#call(
        'cuMemcpyDtoHAsync_v2',
        d.cuMemcpyDtoHAsync(slot.addr, src + BigInt(offset), bytes, this.stream),
      );
      this.#call('cuEventRecord', d.cuEventRecord(slot.event, this.stream));
    };
    enqueue(0);
    for (let k = 0; k < chunks; k++) {
      if (k + 1 < chunks) enqueue(k + 1);
      const slot = slots[k % 2]!;
      await this.#wait(slot.event, 'cuMemcpyDtoHAsync_v2');
      const offset = k * STAGING_BYTES;
      const bytes = Math.min(STAGING_BYTES, total - offset);
      into.set(new Uint8Array(d.koffi.view(slot.addr, bytes)), offset);
      // the slot is free again only after its bytes were copied out: the next enqueue
      // into it (chunk k + 2) happens on the next iteration, after this copy
    }
  }

  #stagingSlots(): StagingSlot[] {
    if (this.#staging) return this.#staging;
    const d = this.#d;
    const slots: StagingSlot[] = [];
    const out = new BigUint64Array(1);
    for (let i = 0; i < 2; i++) {
      this.#call('cuMemHostAlloc', d.cuMemHostAlloc(out, STAGING_BYTES, 0));
      const addr = out[0]!;
      this.#call('cuEventCreate', d.cuEventCreate(out, EVENT_DISABLE_TIMING));
      slots.push({ addr, event: out[0]! });
    }
    this.#staging = slots;
    return slots;
  }

  isDevicePointer(ptr: DevicePtr): boolean {
    const type = new Int32Array(1);
    const code = this.#d.cuPointerGetAttribute(type, POINTER_ATTRIBUTE_MEMORY_TYPE, ptr);
    return code === 0 && (type[0] === MEMORYTYPE_DEVICE || type[0] === MEMORYTYPE_UNIFIED);
  }

  /** Blocks until the stream is idle (destroy only). */
  drain(): void {
    if (this.#lost || this.#destroyed) return;
    this.#call('cuStreamSynchronize', this.#d.cuStreamSynchronize(this.stream));
  }

  /** GPU milliseconds of the work `run` enqueues (timing events around it). */
  async time(run: () => void): Promise<number> {
    const d = this.#d;
    if (!d.cuEventElapsedTime) throw new Error('cuEventElapsedTime is not available');
    const out = new BigUint64Array(2);
    this.#call('cuEventCreate', d.cuEventCreate(out.subarray(0, 1), 0));
    this.#call('cuEventCreate', d.cuEventCreate(out.subarray(1, 2), 0));
    const [start, end] = [out[0]!, out[1]!];
    try {
      this.#call('cuEventRecord', d.cuEventRecord(start, this.stream));
      run();
      this.#call('cuEventRecord', d.cuEventRecord(end, this.stream));
      await this.#wait(end, 'cuEventQuery');
      const ms = new Float32Array(1);
      this.#call('cuEventElapsedTime', d.cuEventElapsedTime(ms, start, end));
      return ms[0]!;
    } finally {
      d.cuEventDestroy(start);
      d.cuEventDestroy(end);
    }
  }

  destroy(): void {
    if (this.#destroyed) return;
    const d = this.#d;
    try {
      this.drain();
    } catch {
      // lost: release what we can
    }
    this.#destroyed = true;
    for (const slot of this.#staging ?? []) {
      d.cuMemFreeHost(slot.addr);
      d.cuEventDestroy(slot.event);
    }
    this.#staging = null;
    d.cuEventDestroy(this.#syncEvent);
    for (const module of this.#modules) d.cuModuleUnload(module);
    d.cuStreamDestroy(this.stream);
    d.cuDevicePrimaryCtxRelease(this.info.handle);
  }
}

// The webgpu backend's device side: memory (a size-class buffer pool, uploads,
// async reads through MAP_READ staging buffers, frees deferred until the work
// that uses a buffer has completed), one open command encoder that every kernel
// appends to (or a host's encoder while recording into it), pooled uniforms,
// cached pipelines, chunked bindings and 2-D dispatch, device loss as DEVICE_LOST.

import {
  type Backend,
  BYTES_PER_ELEMENT,
  type DType,
  type HostArrayOf,
  type KernelSet,
  type MemoryInfo,
  PointwiseError,
} from '@pointwise/core';

// WebGPU's numeric flags (the GPUBufferUsage / GPUMapMode globals are not always present in Node).
export const USAGE = {
  MAP_READ: 0x1,
  COPY_SRC: 0x4,
  COPY_DST: 0x8,
  UNIFORM: 0x40,
  STORAGE: 0x80,
} as const;
const MAP_MODE_READ = 0x1;
const STAGE_COMPUTE = 0x4;

/** Threads per workgroup in every kernel. */
export const WORKGROUP = 256;
/** Submit the open encoder after this many dispatches. */
const DISPATCHES_PER_SUBMIT = 64;
/** Bytes the pool may keep for reuse before it destroys freed buffers. */
const POOL_LIMIT = 256 * 2 ** 20;

/** A tensor's storage: a GPUBuffer, possibly one the user owns (wrapped, never pooled). */
export interface WebGpuBuffer {
  readonly buffer: GPUBuffer;
  /** Bytes the tensor uses (size * bytes per element). */
  readonly bytes: number;
  /** false for a wrapped user buffer: free() only forgets it. */
  readonly owned: boolean;
  /** Generation of the last submission that uses it. */
  lastUse: number;
  freed: boolean;
  /** A wrapped buffer the device reported unusable (destroyed, another device's): why. */
  fault?: string;
}

export interface BackendOptions {
  /** Largest storage binding the kernels use, in bytes (default: the device's limit). Lower it to test chunking. */
  maxBindingSize?: number;
}

export type BindingKind = 'uniform' | 'read' | 'write';

export interface Kernel {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  kinds: readonly BindingKind[];
}

/** One binding of a dispatch: a whole buffer, or a byte range of one. */
/**
 * A uniform word taken from a device buffer instead of the host: its first 4 bytes
 * are copied into word `word` on the GPU timeline before the dispatch (a learnable
 * parameter kept on the device, read as the same u32 bits a host number gives).
 */
export interface UniformPatch {
  word: number;
  buffer: WebGpuBuffer;
}

export interface Bound {
  buffer: WebGpuBuffer | GPUBuffer;
  offset?: number;
  size?: number;
}

function sizeClass(bytes: number): number {
  const b = Math.max(256, Math.ceil(bytes / 16) * 16);
  if (b <= 2 ** 26) return 2 ** Math.ceil(Math.log2(b));
  return Math.ceil(b / 2 ** 24) * 2 ** 24;
}

export class WebGpuDevice {
  device: GPUDevice;
  readonly limits: { binding: number; align: number; maxBuffer: number; maxGroups: number };
  #gpu: unknown;
  #lost: string | null = null;
  /** Set by destroy(): work still pending then rejects with INSTANCE_DESTROYED. */
  #destroyed = false;
  #error: string | null = null;
  #bytes = 0;
  #buffers = 0;
  #pool = new Map<number, GPUBuffer[]>();
  #pooledBytes = 0;
  #staging = new Map<number, GPUBuffer[]>();
  #uniformFree: GPUBuffer[] = [];
  #kernels = new Map<string, Kernel>();
  #encoder: GPUCommandEncoder | null = null;
  #dispatches = 0;
  /** Generation of the open encoder; submissions up to `completed` have finished. */
  #generation = 1;
  #completed = 0;
  #pendingFrees: WebGpuBuffer[] = [];
  #pendingUniforms: { generation: number; buffer: GPUBuffer }[] = [];
  #inflight: Promise<void>[] = [];
  /** The user op whose kernel is being encoded (set by the kernel wrapper), for error messages. */
  op = 'flush';
  /** First op of the open encoder that uses a wrapped (user-owned) buffer, if any. */
  #wrappedUse: string | null = null;
  /** A submission that used a wrapped buffer failed validation: the op and the device's message. */
  #wrappedFault: { op: string; message: string } | null = null;
  /** Error scopes still open around such submissions. */
  #scopes: Promise<void>[] = [];
  /** The host's encoder while `record()` runs: kernels append to it, nothing is submitted. */
  #hostEncoder: GPUCommandEncoder | null = null;
  /** Generations recorded into a host's encoder that the host has not yet reported submitted. */
  #unsubmitted = new Set<number>();
  /** Per host encoder, its generations still held (one report of its submission ends them all). */
  #byEncoder = new WeakMap<GPUCommandEncoder, Set<number>>();
  /** Commands appended to a host's encoder so far (tells whether a failed body recorded any). */
  #hostUses = 0;

  #ownsDevice: boolean;

  constructor(device: GPUDevice, gpu: unknown, options: BackendOptions = {}, ownsDevice = true) {
    this.device = device;
    this.#gpu = gpu;
    this.#ownsDevice = ownsDevice;
    const l = device.limits;
    const binding = Math.min(l.maxStorageBufferBindingSize, l.maxBufferSize);
    this.limits = {
      binding: Math.max(4096, Math.min(binding, options.maxBindingSize ?? binding)),
      align: l.minStorageBufferOffsetAlignment,
      maxBuffer: l.maxBufferSize,
      maxGroups: l.maxComputeWorkgroupsPerDimension,
    };
    device.lost.then((info) => {
      if (this.#lost === null) this.#lost = `device lost (${info.reason}): ${info.message}`;
    });
    device.onuncapturederror = (event: GPUUncapturedErrorEvent) => {
      this.#error ??= event.error.message;
    };
  }

  /** Throws DEVICE_LOST once the device is gone (lost, or destroyed through us). */
  check(op: string): void {
    if (this.#destroyed) {
      throw new PointwiseError(
        'INSTANCE_DESTROYED',
        { op, value: 'webgpu' },
        'this Pointwise instance was destroyed while the call was pending; create a new one with pointwise()',
      );
    }
    if (this.#lost !== null) {
      throw new PointwiseError(
        'DEVICE_LOST',
        { op, arg: 'device', value: 'webgpu' },
        `${this.#lost}; create a new pointwise(webgpuBackend()) instance`,
      );
    }
  }

  get lost(): boolean {
    return this.#lost !== null;
  }

  // ---- memory ------------------------------------------------------------------------

  alloc(dtype: DType, size: number): WebGpuBuffer {
    this.check('alloc');
    const bytes = size * BYTES_PER_ELEMENT[dtype];
    const cls = sizeClass(bytes);
    if (cls > this.limits.maxBuffer) {
      throw new RangeError(
        `${bytes} bytes exceed the device's maxBufferSize (${this.limits.maxBuffer})`,
      );
    }
    let buffer = this.#pool.get(cls)?.pop();
    if (buffer) this.#pooledBytes -= cls;
    else {
      buffer = this.device.createBuffer({
        size: cls,
        usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST,
      });
    }
    this.#bytes += bytes;
    this.#buffers++;
    return { buffer, bytes, owned: true, lastUse: 0, freed: false };
  }

  /**
   * A user's GPUBuffer as tensor storage, without a copy (needs STORAGE | COPY_SRC usage).
   * `probed: false` skips the device-timeline probe: the caller vouches that the buffer
   * is alive and on this device (a broken one then fails the submission that uses it).
   */
  wrap(buffer: GPUBuffer, bytes: number, probed = true): WebGpuBuffer {
    this.check('wrapGPUBuffer');
    const handle: WebGpuBuffer = {
      buffer,
      bytes,
      owned: false,
      lastUse: this.#generation,
      freed: false,
    };
    this.#bytes += bytes;
    this.#buffers++;
    if (!probed) return handle;
    // Whether the buffer is destroyed or belongs to another device is only known on
    // the device timeline: copy its first 4 bytes to a scratch buffer inside an error
    // scope; a failure marks the handle, and any op given it later refuses it (#160).
    this.submit();
    const probe = this.device.createBuffer({ size: 4, usage: USAGE.COPY_DST });
    this.device.pushErrorScope('validation');
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(buffer, 0, probe, 0, Math.min(4, Math.floor(buffer.size / 4) * 4));
    this.device.queue.submit([encoder.finish()]);
    const scope = this.device.popErrorScope().then(
      (error) => {
        probe.destroy();
        if (error) handle.fault = error.message;
      },
      () => probe.destroy(),
    );
    this.#scopes.push(scope);
    return handle;
  }

  /** Throws (naming `op`) if a wrapped buffer among `handles` was reported unusable. */
  checkWrapped(op: string, handles: Iterable<WebGpuBuffer>): void {
    for (const h of handles) {
      if (h.owned || h.fault === undefined) continue;
      throw new PointwiseError(
        'INVALID_ARGUMENT',
        { op, arg: 'tensor', value: 'wrapped GPUBuffer' },
        `the GPUBuffer this tensor wraps cannot be used on this device: ${firstLine(h.fault)}`,
      );
    }
  }

  upload<D extends DType>(dtype: D, data: HostArrayOf[D]): WebGpuBuffer {
    const handle = this.alloc(dtype, data.length);
    const view = data as unknown as ArrayBufferView;
    if (view.byteLength > 0) {
      const padded = Math.ceil(view.byteLength / 4) * 4;
      if (padded === view.byteLength) {
        this.device.queue.writeBuffer(handle.buffer, 0, view.buffer, view.byteOffset, padded);
      } else {
        const copy = new Uint8Array(padded);
        copy.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
        this.device.queue.writeBuffer(handle.buffer, 0, copy.buffer, 0, padded);
      }
    }
    return handle;
  }

  free(handle: WebGpuBuffer): void {
    if (handle.freed) return;
    handle.freed = true;
    this.#bytes -= handle.bytes;
    this.#buffers--;
    if (!handle.owned || this.#lost !== null) return;
    if (handle.lastUse > this.#completed) this.#pendingFrees.push(handle);
    else this.#recycle(handle.buffer);
  }

  #recycle(buffer: GPUBuffer): void {
    const cls = buffer.size;
    if (this.#pooledBytes + cls > POOL_LIMIT) {
      buffer.destroy();
      return;
    }
    let list = this.#pool.get(cls);
    if (!list) {
      list = [];
      this.#pool.set(cls, list);
    }
    list.push(buffer);
    this.#pooledBytes += cls;
  }

  memory(): MemoryInfo {
    return { bytes: this.#bytes, buffers: this.#buffers };
  }

  async read<D extends DType>(
    handle: WebGpuBuffer,
    dtype: D,
    size: number,
  ): Promise<HostArrayOf[D]> {
    this.check('read');
    this.refuseWhileRecording('read');
    const bytes = size * BYTES_PER_ELEMENT[dtype];
    const out = allocHost(dtype, size);
    if (bytes === 0) return out;
    const padded = Math.ceil(bytes / 4) * 4;
    const cls = sizeClass(padded);
    const staging =
      this.#staging.get(cls)?.pop() ??
      this.device.createBuffer({ size: cls, usage: USAGE.MAP_READ | USAGE.COPY_DST });
    this.checkWrapped('read', [handle]);
    if (!handle.owned) this.#wrappedUse ??= 'read';
    this.encoder().copyBufferToBuffer(handle.buffer, 0, staging, 0, padded);
    handle.lastUse = this.#generation;
    this.submit();
    try {
      await staging.mapAsync(MAP_MODE_READ, 0, padded);
    } catch (error) {
      this.check('read');
      await this.#settleScopes();
      this.#raiseError('read');
      throw error;
    }
    new Uint8Array((out as unknown as ArrayBufferView).buffer).set(
      new Uint8Array(staging.getMappedRange(0, padded), 0, bytes),
    );
    staging.unmap();
    let list = this.#staging.get(cls);
    if (!list) {
      list = [];
      this.#staging.set(cls, list);
    }
    if (list.length < 4) list.push(staging);
    else staging.destroy();
    await this.#settleScopes();
    this.#raiseError('read');
    return out;
  }

  async #settleScopes(): Promise<void> {
    while (this.#scopes.length > 0) {
      const scopes = this.#scopes;
      this.#scopes = [];
      await Promise.all(scopes);
    }
  }

  /**
   * A validation error the device reported since the last call, as a PointwiseError:
   * named after the op whose submission used a wrapped buffer that failed, else `op`.
   */
  #raiseError(op: string): void {
    const fault = this.#wrappedFault;
    if (fault !== null) {
      this.#wrappedFault = null;
      throw new PointwiseError(
        'INVALID_ARGUMENT',
        { op: fault.op, arg: 'tensor', value: 'wrapped GPUBuffer' },
        `the device refused a GPUBuffer given to wrapGPUBuffer (destroyed by its owner, or unusable here); the results of ${fault.op} and of the calls submitted with it are undefined: ${firstLine(fault.message)}`,
      );
    }
    if (this.#error !== null) {
      const message = this.#error;
      this.#error = null;
      throw new PointwiseError(
        'INVALID_ARGUMENT',
        { op, value: 'webgpu' },
        `WebGPU validation error: ${firstLine(message)}`,
      );
    }
  }

  // ---- submission --------------------------------------------------------------------

  encoder(): GPUCommandEncoder {
    if (this.#hostEncoder !== null) this.#hostUses++;
    this.#encoder ??= this.device.createCommandEncoder();
    return this.#encoder;
  }

  /** Submit the open encoder (if any); its buffers are released when it completes. A host's encoder is the host's to submit. */
  submit(): void {
    if (this.#encoder === null || this.#hostEncoder !== null) return;
    const generation = this.#generation++;
    const wrapped = this.#wrappedUse;
    this.#wrappedUse = null;
    // a submission that uses a user's buffer runs inside an error scope, so that a
    // buffer destroyed by its owner becomes a PointwiseError naming the op (#160)
    if (wrapped !== null) this.device.pushErrorScope('validation');
    this.device.queue.submit([this.#encoder.finish()]);
    if (wrapped !== null) {
      this.#scopes.push(
        this.device.popErrorScope().then(
          (error) => {
            if (error) this.#wrappedFault ??= { op: wrapped, message: error.message };
          },
          () => {},
        ),
      );
    }
    this.#encoder = null;
    this.#dispatches = 0;
    const done = this.device.queue.onSubmittedWorkDone().then(
      () => this.#complete(generation),
      () => {},
    );
    this.#inflight.push(done);
    if (this.#inflight.length > 64) this.#inflight.splice(0, 32);
  }

  #complete(done: number): void {
    // a generation recorded into a host's encoder is not on the queue until the host
    // says so: nothing it uses is recycled before then, whatever completed after it
    let generation = done;
    for (const g of this.#unsubmitted) generation = Math.min(generation, g - 1);
    if (generation <= this.#completed) return;
    this.#completed = generation;
    const still: WebGpuBuffer[] = [];
    for (const h of this.#pendingFrees) {
      if (h.lastUse <= generation) this.#recycle(h.buffer);
      else still.push(h);
    }
    this.#pendingFrees = still;
    const uniforms: { generation: number; buffer: GPUBuffer }[] = [];
    for (const u of this.#pendingUniforms) {
      if (u.generation <= generation) this.#uniformFree.push(u.buffer);
      else uniforms.push(u);
    }
    this.#pendingUniforms = uniforms;
  }

  /**
   * Runs `body` with every kernel appending to the host's `encoder` (no compute pass
   * open on it) instead of ours: nothing is submitted, read or flushed meanwhile. Our
   * own pending work is submitted first, so it precedes the host's. The returned
   * `submitted()` must be called once the host has submitted `encoder`: until then the
   * uniforms and freed buffers of this recording are held, never reused. One report
   * ends the hold of every recording into that encoder, including a body that threw
   * after recording work (a body that threw before recording any holds nothing).
   */
  record<T>(encoder: GPUCommandEncoder, body: () => T): { result: T; submitted(): void } {
    this.check('recordInto');
    if (this.#hostEncoder !== null) {
      throw new PointwiseError(
        'INVALID_ARGUMENT',
        { op: 'recordInto', arg: 'encoder', value: 'nested' },
        'a recording is already running on this instance (recordInto cannot nest)',
      );
    }
    this.submit();
    const generation = this.#generation;
    let held = this.#byEncoder.get(encoder);
    if (held === undefined) {
      held = new Set();
      this.#byEncoder.set(encoder, held);
    }
    held.add(generation);
    this.#unsubmitted.add(generation);
    this.#hostEncoder = encoder;
    this.#encoder = encoder;
    const uses = this.#hostUses;
    let result: T;
    try {
      result = body();
    } catch (error) {
      if (this.#hostUses === uses) {
        held.delete(generation);
        this.#unsubmitted.delete(generation);
      }
      throw error;
    } finally {
      this.#hostEncoder = null;
      this.#encoder = null;
      this.#dispatches = 0;
      // the host's submission is outside our error scopes: its errors reach the device's handler
      this.#wrappedUse = null;
      this.#generation++;
    }
    let done = false;
    return {
      result,
      submitted: () => {
        if (done) return;
        done = true;
        for (const g of held) this.#unsubmitted.delete(g);
        held.clear();
        if (this.#lost !== null) return;
        const upTo = this.#generation - 1;
        const settled = this.device.queue.onSubmittedWorkDone().then(
          () => this.#complete(upTo),
          () => {},
        );
        this.#inflight.push(settled);
      },
    };
  }

  /** Throws while a host's encoder is being recorded into (`op` needs its results on the queue). */
  refuseWhileRecording(op: string): void {
    if (this.#hostEncoder === null) return;
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'recordInto', value: 'recording' },
      "cannot run inside recordInto's body: the work is in the host's encoder, not yet submitted",
    );
  }

  async flush(): Promise<void> {
    this.check('flush');
    this.refuseWhileRecording('flush');
    this.submit();
    const last = this.#generation - 1;
    await this.device.queue.onSubmittedWorkDone();
    this.#complete(last);
    this.check('flush');
    await this.#settleScopes();
    this.#raiseError('flush');
  }

  // ---- kernels -----------------------------------------------------------------------

  /** A compute pipeline for WGSL `code`, created once per `key`. */
  kernel(key: string, kinds: readonly BindingKind[], code: () => string): Kernel {
    let k = this.#kernels.get(key);
    if (!k) {
      const layout = this.device.createBindGroupLayout({
        entries: kinds.map((kind, binding) => ({
          binding,
          visibility: STAGE_COMPUTE,
          buffer: {
            type:
              kind === 'uniform' ? 'uniform' : kind === 'read' ? 'read-only-storage' : 'storage',
          },
        })),
      });
      const module = this.device.createShaderModule({ code: code(), label: key });
      const pipeline = this.device.createComputePipeline({
        label: key,
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module, entryPoint: 'main' },
      });
      k = { pipeline, layout, kinds };
      this.#kernels.set(key, k);
    }
    return k;
  }

  /**
   * Enqueue one dispatch of `groups` workgroups (folded into 2-D past the
   * per-dimension limit; kernels linearise wid.y * nwg.x + wid.x). `uniform` is
   * binding 0 (16 u32 words at most); `patches` overwrite words from device buffers.
   */
  dispatch(
    kernel: Kernel,
    groups: number,
    uniform: ArrayLike<number>,
    bindings: Bound[],
    patches: readonly UniformPatch[] = [],
  ): void {
    if (groups === 0) return;
    const words = new Uint32Array(16);
    for (let i = 0; i < uniform.length; i++) words[i] = uniform[i]!;
    const ub =
      this.#uniformFree.pop() ??
      this.device.createBuffer({ size: 64, usage: USAGE.UNIFORM | USAGE.COPY_DST });
    this.device.queue.writeBuffer(ub, 0, words);
    this.#pendingUniforms.push({ generation: this.#generation, buffer: ub });
    for (const p of patches) {
      p.buffer.lastUse = this.#generation;
      if (!p.buffer.owned) this.#wrappedUse ??= this.op;
      this.encoder().copyBufferToBuffer(p.buffer.buffer, 0, ub, p.word * 4, 4);
    }
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: ub } }];
    bindings.forEach((b, i) => {
      const raw = 'owned' in b.buffer ? b.buffer.buffer : b.buffer;
      if ('owned' in b.buffer) {
        b.buffer.lastUse = this.#generation;
        if (!b.buffer.owned) this.#wrappedUse ??= this.op;
      }
      entries.push({
        binding: i + 1,
        resource: {
          buffer: raw,
          offset: b.offset ?? 0,
          size: b.size ?? raw.size - (b.offset ?? 0),
        },
      });
    });
    const group = this.device.createBindGroup({ layout: kernel.layout, entries });
    const pass = this.encoder().beginComputePass();
    pass.setPipeline(kernel.pipeline);
    pass.setBindGroup(0, group);
    const max = this.limits.maxGroups;
    if (groups <= max) pass.dispatchWorkgroups(groups);
    else {
      const y = Math.ceil(groups / max);
      pass.dispatchWorkgroups(Math.ceil(groups / y), y);
    }
    pass.end();
    if (++this.#dispatches >= DISPATCHES_PER_SUBMIT && this.#hostEncoder === null) this.submit();
  }

  /** Elements per chunk for a kernel whose widest binding uses `bytesPerElement` (multiple of 256). */
  chunkElements(bytesPerElement: number): number {
    const per = Math.floor(this.limits.binding / bytesPerElement);
    return Math.max(256, Math.floor(per / 256) * 256);
  }

  destroy(): void {
    if (this.#lost === null) this.#lost = 'device destroyed by pw.destroy()';
    this.#destroyed = true;
    this.#encoder = null;
    this.#pool.clear();
    this.#staging.clear();
    this.#uniformFree = [];
    this.#pendingFrees = [];
    this.#pendingUniforms = [];
    this.#kernels.clear();
    if (this.#ownsDevice) this.device.destroy();
    this.#gpu = null;
  }

  /** For interop tests: the object returned by `create()` in Node, if this backend made one. */
  get gpu(): unknown {
    return this.#gpu;
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

function allocHost<D extends DType>(dtype: D, size: number): HostArrayOf[D] {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size) as HostArrayOf[D];
    case 'uint8':
      return new Uint8Array(size) as HostArrayOf[D];
    case 'int32':
      return new Int32Array(size) as HostArrayOf[D];
    default:
      return new BigInt64Array(size) as HostArrayOf[D];
  }
}

/** Byte range of elements [start, start + count) of a buffer, for a chunked binding. */
export function range(
  buffer: WebGpuBuffer,
  start: number,
  count: number,
  bytesPerElement: number,
): Bound {
  const offset = start * bytesPerElement;
  const size = Math.max(4, Math.ceil((count * bytesPerElement) / 4) * 4);
  return { buffer, offset, size: Math.min(size, buffer.buffer.size - offset) };
}

/** The user-facing op a kernel method runs for (errors name it). */
function opName(kernel: string, method: string): string {
  const base =
    kernel === 'dropout'
      ? 'dropoutWithReplacement'
      : kernel === 'sparseDropout'
        ? 'sparseDropoutWithReplacement'
        : kernel;
  return method === 'backward' ? `${base}Backward` : base;
}

/** Every WebGpuBuffer among a kernel call's arguments (the argument list, the call object, its params, device parameters). */
function* buffersIn(call: unknown, depth = 0): Generator<WebGpuBuffer> {
  if (call === null || typeof call !== 'object' || depth > 3) return;
  for (const value of Object.values(call)) {
    if (value !== null && typeof value === 'object' && 'owned' in value && 'buffer' in value)
      yield value as WebGpuBuffer;
    else if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value))
      yield* buffersIn(value, depth + 1);
  }
}

/**
 * Each kernel method first refuses a lost device (DEVICE_LOST naming the op, also for
 * calls whose outputs were given, which allocate nothing) and a wrapped buffer the
 * device reported unusable, then records the op for errors found at submission.
 */
function guardKernels(dev: WebGpuDevice, kernels: KernelSet): KernelSet {
  const guarded: Record<string, Record<string, unknown>> = {};
  for (const [name, kernel] of Object.entries(kernels)) {
    const methods: Record<string, unknown> = {};
    for (const [method, fn] of Object.entries(kernel as object)) {
      if (typeof fn !== 'function') {
        methods[method] = fn;
        continue;
      }
      const op = opName(name, method);
      // every argument is passed on: most kernels take one call object, the update
      // kernel's methods take positional arguments (buffer, dtype, data)
      methods[method] = (...args: unknown[]) => {
        dev.check(op);
        dev.checkWrapped(op, buffersIn(args));
        dev.op = op;
        return (fn as (...a: unknown[]) => unknown).apply(kernel, args);
      };
    }
    guarded[name] = methods;
  }
  return guarded as unknown as KernelSet;
}

export function createWebGpuBackend(
  dev: WebGpuDevice,
  kernels: KernelSet,
): Backend & {
  readonly webgpu: WebGpuDevice;
  readonly device: GPUDevice;
} {
  return {
    name: 'webgpu',
    kernels: guardKernels(dev, kernels),
    webgpu: dev,
    /** The GPUDevice (the bench's buffer-to-buffer copy baseline runs on it). */
    get device() {
      return dev.device;
    },
    alloc: (dtype, size) => dev.alloc(dtype, size),
    upload: (dtype, data) => dev.upload(dtype, data),
    read: (buffer, dtype, size) => dev.read(buffer as WebGpuBuffer, dtype, size),
    free: (buffer) => dev.free(buffer as WebGpuBuffer),
    memory: () => dev.memory(),
    flush: () => dev.flush(),
    destroy: () => dev.destroy(),
  };
}

// Loads the embedded SIMD kernels: SIMD feature detection, one async compile per
// process and build (WebAssembly.compile works on Chrome's main thread at any size),
// and one instance per backend so each backend owns its linear memory. The threaded
// build imports a shared memory: the backend and each of its workers instantiate it
// on the same WebAssembly.Memory.

import { KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels.generated.js';

/** The exports of asm/index.ts. Pointers are byte offsets (numbers), sizes element counts. */
export interface WasmKernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  /** Bytes of memory the heap keeps past every block: how far kernels touch ahead of their stores. */
  storeAheadBytes(): number;
  /** Threaded build: points this instance's static scratch at its own 4 KiB block. */
  useScratch(p: number): void;
  /** Whether the streaming kernels touch ahead (1) or not (0): this instance only (src/touch.ts). */
  setTouchAhead(on: number): void;
  reluForward(x: number, y: number, n: number): void;
  /** param = f32(param - f32(lr * grad)), in place (asm/update.ts). */
  sgdStep(param: number, grad: number, n: number, lr: number): void;
  thresholdBackward(dy: number, src: number, dx: number, n: number, t: number): void;
  leakyReluForward(x: number, y: number, n: number, alpha: number): void;
  leakyReluBackward(dy: number, src: number, dx: number, n: number, alpha: number): void;
  thresholdedReluForward(x: number, y: number, n: number, alpha: number): void;
  /** `tp`, `cp`, `rp`: a device parameter's heap pointer, or 0 to use the number. */
  shiftedReluForward(x: number, y: number, n: number, t: number, tp: number): void;
  /** dx, and the float64 sum of the dy it kept (dthreshold is its negation). */
  shiftedReluBackward(
    dy: number,
    src: number,
    dx: number,
    n: number,
    t: number,
    tp: number,
  ): number;
  clippedReluForward(x: number, y: number, n: number, ceiling: number, cp: number): void;
  clippedReluBackward(
    dy: number,
    src: number,
    dx: number,
    n: number,
    ceiling: number,
    cp: number,
  ): void;
  clippedReluBackwardCeiling(
    dy: number,
    x: number,
    dx: number,
    n: number,
    ceiling: number,
    cp: number,
  ): number;
  preluForward(
    x: number,
    y: number,
    n: number,
    slope: number,
    channels: number,
    inner: number,
  ): void;
  preluBackward(
    dy: number,
    x: number,
    dx: number,
    n: number,
    slope: number,
    channels: number,
    inner: number,
    dslope: number,
    scratch: number,
  ): void;
  /** One channel: dx, and the float64 dslope sum of these n elements. */
  preluBackwardSum(dy: number, x: number, dx: number, n: number, slope: number): number;
  /** The periodic layout when q divides 16: slopes held in registers, no table. */
  preluForward16(
    x: number,
    y: number,
    n: number,
    slope: number,
    channels: number,
    inner: number,
  ): void;
  preluForwardPeriodic(
    x: number,
    y: number,
    n: number,
    slope: number,
    channels: number,
    inner: number,
    q: number,
    table: number,
  ): void;
  preluBackwardPeriodic(
    dy: number,
    x: number,
    dx: number,
    n: number,
    slope: number,
    channels: number,
    inner: number,
    q: number,
    table: number,
    acc: number,
    dslope: number,
  ): void;
  eluForward(x: number, y: number, n: number, alpha: number): void;
  eluBackwardFromX(dy: number, x: number, dx: number, n: number, alpha: number): void;
  eluBackwardFromY(dy: number, y: number, dx: number, n: number, alpha: number): void;
  keepMask(
    mask: number,
    n: number,
    t: number,
    k0: number,
    k1: number,
    s0: number,
    s1: number,
  ): void;
  dropoutForward(
    x: number,
    y: number,
    mask: number,
    n: number,
    t: number,
    k0: number,
    k1: number,
    s0: number,
    s1: number,
    replacement: number,
    scale: number,
    first: number,
    rp: number,
  ): void;
  dropoutBackwardRegenerate(
    dy: number,
    dx: number,
    n: number,
    t: number,
    k0: number,
    k1: number,
    s0: number,
    s1: number,
    scale: number,
    first: number,
  ): number;
  dropoutBackwardMask(dy: number, mask: number, dx: number, n: number, scale: number): number;
  /** dx only (`paramGrad: false`): dropoutBackwardRegenerate's dx, no sum. */
  dropoutBackwardRegenerateDx(
    dy: number,
    dx: number,
    n: number,
    t: number,
    k0: number,
    k1: number,
    s0: number,
    s1: number,
    scale: number,
    first: number,
  ): void;
  /** dx only (`paramGrad: false`): dropoutBackwardMask's dx, no sum. */
  dropoutBackwardMaskDx(dy: number, mask: number, dx: number, n: number, scale: number): void;
  /** dx only (`paramGrad: false`), run layout, several channels. */
  preluBackwardDx(
    dy: number,
    x: number,
    dx: number,
    n: number,
    slope: number,
    channels: number,
    inner: number,
  ): void;
  /** dx only (`paramGrad: false`), periodic layout; `table` holds q float32. */
  preluBackwardDxPeriodic(
    dy: number,
    x: number,
    dx: number,
    n: number,
    slope: number,
    channels: number,
    inner: number,
    q: number,
    table: number,
  ): void;
}

/** (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)): the smallest SIMD probe. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15,
  253, 98, 11,
]);

/** Why this engine cannot run the kernels, or null when it can. */
export function simdUnsupportedReason(): string | null {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') {
    return 'WebAssembly is not available in this engine';
  }
  try {
    if (!WebAssembly.validate(SIMD_PROBE)) {
      return 'this engine lacks WebAssembly 128-bit SIMD (Chrome/Node >= 91, Firefox >= 89, Safari >= 16.4)';
    }
  } catch (error) {
    return `WebAssembly.validate failed: ${String(error)}`;
  }
  return null;
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

let compiled: Promise<WebAssembly.Module> | null = null;
let compiledShared: Promise<WebAssembly.Module> | null = null;

/** A fresh instance (own memory) of the embedded kernels. */
export async function instantiateKernels(): Promise<WasmKernelExports> {
  compiled ??= WebAssembly.compile(decodeBase64(KERNELS_WASM_BASE64) as BufferSource);
  const instance = await WebAssembly.instantiate(await compiled, {});
  return instance.exports as unknown as WasmKernelExports;
}

/** Pages of the threaded build's memory: the same reservation as the single-thread build. */
export const SHARED_MEMORY_PAGES = { initial: 1024, maximum: 65536 } as const;

/** The compiled threaded build (posted to every worker). */
export function sharedKernelsModule(): Promise<WebAssembly.Module> {
  compiledShared ??= WebAssembly.compile(decodeBase64(KERNELS_SHARED_WASM_BASE64) as BufferSource);
  return compiledShared;
}

/** A new shared memory and the threaded build instantiated on it (the main thread's instance). */
export async function instantiateSharedKernels(): Promise<{
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  exports: WasmKernelExports;
}> {
  const module = await sharedKernelsModule();
  const memory = new WebAssembly.Memory({ ...SHARED_MEMORY_PAGES, shared: true });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return { module, memory, exports: instance.exports as unknown as WasmKernelExports };
}

// Loads the embedded SIMD kernels: SIMD feature detection, one async compile per
// process (WebAssembly.compile works on Chrome's main thread at any size), and one
// instance per backend so each backend owns its linear memory.

import { KERNELS_WASM_BASE64 } from './kernels.generated.js';

/** The exports of asm/index.ts. Pointers are byte offsets (numbers), sizes element counts. */
export interface WasmKernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  reluForward(x: number, y: number, n: number): void;
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
  ): number;
  dropoutBackwardMask(dy: number, mask: number, dx: number, n: number, scale: number): number;
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

/** A fresh instance (own memory) of the embedded kernels. */
export async function instantiateKernels(): Promise<WasmKernelExports> {
  compiled ??= WebAssembly.compile(decodeBase64(KERNELS_WASM_BASE64) as BufferSource);
  const instance = await WebAssembly.instantiate(await compiled, {});
  return instance.exports as unknown as WasmKernelExports;
}

// The copy baseline, chosen by backend kind through a small data table rather than
// per-backend code: CPU-kind targets get four copies (`dst.set(src)`, wasm
// `memory.copy`, and a SIMD loop shaped like the wasm-simd kernels without and with
// their loads ahead) and are compared
// with the fastest (the copy ceiling, DECISIONS #290); GPU-kind backends get a
// buffer-to-buffer copy on their device. Every copy moves the same bytes the op moves
// (half read, half written), so ratioToCopy = op GB/s / best copy GB/s.

import type { Timed } from './measure.js';
import { TOUCH_AHEAD, wasmCopies } from './wasm-copy.js';

export type TargetKind = 'cpu' | 'gpu';

/** Which copy a backend is compared against; unknown names fall back to cpu. */
export const BACKEND_KINDS: Readonly<Record<string, TargetKind>> = {
  js: 'cpu',
  'wasm-simd': 'cpu',
  webgpu: 'gpu',
  'node-cuda': 'gpu',
};

export function kindOf(name: string): TargetKind {
  return BACKEND_KINDS[name] ?? 'cpu';
}

/** One copy of the baseline: `set` (dst.set(src)), `memory.copy`, `simd` or `gpu`. */
export interface NamedCopy {
  name: string;
  timed: Timed;
}

/**
 * The copies of `bytes` total traffic (the report compares with the fastest); null
 * when the target has none. `backend` is the backend object for GPU kinds.
 */
export type CopyHook = (bytes: number, backend: unknown) => NamedCopy[] | null;

const WASM_PAGE = 65536;

/** Half the bytes rounded up to whole 64-byte chunks (what the SIMD loop moves). */
export function copyHalf(bytes: number): number {
  return Math.max(64, Math.ceil(bytes / 2 / 64) * 64);
}

/**
 * The four CPU copies on one wasm memory: src at 0, dst right after it, then the
 * SIMD loop's touch distance (its loads ahead never leave the memory). `dst.set` copies
 * between views of the same two ranges, so every copy moves the same bytes.
 */
export function cpuCopyBuffers(bytes: number): {
  copies: NamedCopy[];
  src: Uint8Array;
  dst: Uint8Array;
} {
  const half = copyHalf(bytes);
  const pages = Math.ceil((2 * half + TOUCH_AHEAD) / WASM_PAGE);
  const memory = new WebAssembly.Memory({ initial: pages });
  const src = new Uint8Array(memory.buffer, 0, half).fill(1);
  const dst = new Uint8Array(memory.buffer, half, half);
  const wasm = wasmCopies(memory);
  const settle = async () => {};
  const copies = [
    { name: 'set', timed: { call: () => dst.set(src), settle } },
    { name: 'memory.copy', timed: { call: () => wasm.memoryCopy(half, 0, half), settle } },
    { name: 'simd', timed: { call: () => wasm.simdCopy(half, 0, half), settle } },
    { name: 'simd+touch', timed: { call: () => wasm.simdTouchCopy(half, 0, half), settle } },
  ];
  return { copies, src, dst };
}

function cpuCopies(bytes: number): NamedCopy[] {
  return cpuCopyBuffers(bytes).copies;
}

interface GpuDeviceLike {
  createBuffer(d: { size: number; usage: number }): unknown;
  createCommandEncoder(): {
    copyBufferToBuffer(a: unknown, ao: number, b: unknown, bo: number, n: number): void;
    finish(): unknown;
  };
  queue: { submit(c: unknown[]): void; onSubmittedWorkDone(): Promise<void> };
}

/** WebGPU-style device found on the backend object (`device`); null if the backend exposes none. */
function gpuCopy(bytes: number, backend: unknown): NamedCopy[] | null {
  const device = (backend as { device?: GpuDeviceLike } | null)?.device;
  if (!device || typeof device.createCommandEncoder !== 'function') return null;
  const half = Math.max(4, Math.ceil(bytes / 2 / 4) * 4);
  const COPY_SRC = 0x4;
  const COPY_DST = 0x8;
  const src = device.createBuffer({ size: half, usage: COPY_SRC | COPY_DST });
  const dst = device.createBuffer({ size: half, usage: COPY_SRC | COPY_DST });
  const timed: Timed = {
    call() {
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(src, 0, dst, 0, half);
      device.queue.submit([encoder.finish()]);
    },
    settle: () => device.queue.onSubmittedWorkDone(),
  };
  return [{ name: 'gpu', timed }];
}

export const COPY_HOOKS: Readonly<Record<TargetKind, CopyHook>> = {
  cpu: cpuCopies,
  gpu: gpuCopy,
};

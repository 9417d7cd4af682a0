// The copy baseline, chosen by backend kind through a small data table rather than
// per-backend code: CPU-kind targets copy with `dst.set(src)`, GPU-kind backends
// with a buffer-to-buffer copy on their device. The copy moves the same bytes the
// op moves (half read, half written), so ratioToCopy = op GB/s / copy GB/s.

import type { Timed } from './measure.js';

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

/** Build a copy of `bytes` total traffic; `backend` is the backend object for GPU kinds. */
export type CopyHook = (bytes: number, backend: unknown) => Timed | null;

function cpuCopy(bytes: number): Timed {
  const half = Math.max(4, Math.round(bytes / 2));
  const src = new Uint8Array(half).fill(1);
  const dst = new Uint8Array(half);
  return { call: () => dst.set(src), settle: async () => {} };
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
function gpuCopy(bytes: number, backend: unknown): Timed | null {
  const device = (backend as { device?: GpuDeviceLike } | null)?.device;
  if (!device || typeof device.createCommandEncoder !== 'function') return null;
  const half = Math.max(4, Math.ceil(bytes / 2 / 4) * 4);
  const COPY_SRC = 0x4;
  const COPY_DST = 0x8;
  const src = device.createBuffer({ size: half, usage: COPY_SRC | COPY_DST });
  const dst = device.createBuffer({ size: half, usage: COPY_SRC | COPY_DST });
  return {
    call() {
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(src, 0, dst, 0, half);
      device.queue.submit([encoder.finish()]);
    },
    settle: () => device.queue.onSubmittedWorkDone(),
  };
}

export const COPY_HOOKS: Readonly<Record<TargetKind, CopyHook>> = { cpu: cpuCopy, gpu: gpuCopy };

// Timing loop shared by Pointwise backends and peers: warm up, pick a repeat
// count so one sample lasts at least minSampleMs, then take samples of the op and
// of the copy baseline interleaved (op, copy, op, copy…) so both see the same
// machine state. `settle` waits for async work, so GPU backends are timed honestly.

import { median } from './stats.js';

export interface Timed {
  /** Issue one call. May return a promise (peers whose run() is async). */
  call(): unknown;
  /** Resolve once every issued call has completed (pw.flush(), a read, nothing on CPU). */
  settle(): Promise<void>;
}

export interface MeasureOptions {
  samples: number;
  minSampleMs: number;
}

const now = (): number => performance.now();

async function timeReps(t: Timed, reps: number): Promise<number> {
  const start = now();
  for (let i = 0; i < reps; i++) {
    const r = t.call();
    if (r instanceof Promise) await r;
  }
  await t.settle();
  return (now() - start) / 1000 / reps;
}

async function calibrate(t: Timed, minSampleMs: number): Promise<number> {
  // Warm-up doubles as calibration: keep doubling until a batch lasts minSampleMs.
  let reps = 1;
  for (;;) {
    const seconds = (await timeReps(t, reps)) * reps;
    if (seconds * 1000 >= minSampleMs || reps >= 1 << 20) {
      return Math.max(1, Math.ceil((reps * minSampleMs) / Math.max(seconds * 1000, 1e-3)));
    }
    reps *= 2;
  }
}

/** Median seconds per call of `op` and of `copy`, sampled interleaved. */
export async function measureInterleaved(
  op: Timed,
  copy: Timed | null,
  options: MeasureOptions,
): Promise<{ opSeconds: number; copySeconds: number | null }> {
  const opReps = await calibrate(op, options.minSampleMs);
  const copyReps = copy ? await calibrate(copy, options.minSampleMs) : 0;
  const opSamples: number[] = [];
  const copySamples: number[] = [];
  for (let s = 0; s < options.samples; s++) {
    opSamples.push(await timeReps(op, opReps));
    if (copy) copySamples.push(await timeReps(copy, copyReps));
  }
  return {
    opSeconds: median(opSamples),
    copySeconds: copy ? median(copySamples) : null,
  };
}

/** Median seconds per call of `op` alone (per-call overhead at a tiny size). */
export async function measureAlone(op: Timed, options: MeasureOptions): Promise<number> {
  return (await measureInterleaved(op, null, options)).opSeconds;
}

/** Collect garbage between measurements when the child runs with --expose-gc. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

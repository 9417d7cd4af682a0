// Timing loop shared by Pointwise backends and peers: warm up, pick a repeat
// count so one sample lasts at least minSampleMs, then take samples of the op and
// of each copy of the baseline interleaved (op, copy 1, copy 2, …, op, …) so all see
// the same machine state; several targets' ops go in the same rounds.
// `settle` waits for async work, so GPU backends are timed honestly.

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

/**
 * Median seconds per call of each of `ops`, sampled interleaved: every round times one
 * sample of each, starting one further along the list each round (op 0, 1, 2 … then
 * 1, 2 … 0), so no op always runs right after the same neighbour (measured on this
 * machine: which op followed a copy of other buffers moved its median by up to 30%).
 */
export async function measureTogether(
  ops: readonly Timed[],
  options: MeasureOptions,
): Promise<number[]> {
  const reps: number[] = [];
  for (const op of ops) reps.push(await calibrate(op, options.minSampleMs));
  const samples: number[][] = ops.map(() => []);
  for (let s = 0; s < options.samples; s++) {
    for (let k = 0; k < ops.length; k++) {
      const i = (s + k) % ops.length;
      samples[i]!.push(await timeReps(ops[i]!, reps[i]!));
    }
  }
  return samples.map(median);
}

/** Median seconds per call of `op` alone (per-call overhead at a tiny size). */
export async function measureAlone(op: Timed, options: MeasureOptions): Promise<number> {
  const [seconds] = await measureTogether([op], options);
  return seconds!;
}

/** Collect garbage between measurements when the child runs with --expose-gc. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

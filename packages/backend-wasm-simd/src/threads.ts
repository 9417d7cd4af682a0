// The `threads` and `crossover` options of wasmSimdBackend: validation (a typed error
// naming the option and the value) and what 'auto' resolves to here: every core where shared memory is
// allowed (Node; a crossOriginIsolated page or worker), else 1 with the reason.

import { PointwiseError } from '@pointwise/core';

export type ThreadsOption = number | 'auto';

/** The most threads a backend runs (a sanity bound, far above any core count we target). */
export const MAX_THREADS = 256;

/** Checks the option; returns it unchanged ('auto' when undefined). */
export function checkThreads(value: unknown): ThreadsOption {
  const op = 'wasmSimdBackend';
  if (value === undefined || value === 'auto') return 'auto';
  if (typeof value !== 'number') {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'threads', value },
      "must be a number of threads (>= 1) or 'auto'",
    );
  }
  if (!Number.isInteger(value) || value < 1 || value > MAX_THREADS) {
    throw new PointwiseError(
      'PARAM_OUT_OF_RANGE',
      { op, arg: 'threads', value },
      `must be an integer in [1, ${MAX_THREADS}] or 'auto'`,
    );
  }
  return value;
}

/** Checks the `crossover` test option: null when undefined, else an integer in [0, 2^30]. */
export function checkCrossover(value: unknown): number | null {
  const op = 'wasmSimdBackend';
  if (value === undefined) return null;
  if (typeof value !== 'number') {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'crossover', value },
      'must be a number of elements (an integer >= 0)',
    );
  }
  if (!Number.isInteger(value) || value < 0 || value > 2 ** 30) {
    throw new PointwiseError(
      'PARAM_OUT_OF_RANGE',
      { op, arg: 'crossover', value },
      'must be an integer in [0, 2^30]',
    );
  }
  return value;
}

/** True in Node (worker_threads), where shared memory and Atomics.wait always work. */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** Why this context cannot share wasm memory with workers, or null when it can. */
export function sharedMemoryUnsupportedReason(): string | null {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    return 'SharedArrayBuffer is not available (a page needs crossOriginIsolated: COOP same-origin + COEP require-corp)';
  }
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  if (!isNode()) {
    if (g.crossOriginIsolated === false) {
      return 'the page is not crossOriginIsolated (serve it with COOP same-origin and COEP require-corp)';
    }
    if (typeof g.Worker !== 'function') return 'this context cannot start Web Workers';
  }
  return null;
}

/** Logical cores: os.availableParallelism() in Node, navigator.hardwareConcurrency elsewhere. */
export async function logicalCores(): Promise<number> {
  if (isNode()) {
    const spec = 'node:os';
    const os = (await import(/* @vite-ignore */ spec)) as {
      availableParallelism?: () => number;
      cpus: () => unknown[];
    };
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  return typeof n === 'number' && n >= 1 ? n : 1;
}

export interface ResolvedThreads {
  /** Threads the backend runs (the calling thread included). */
  threads: number;
  /** Why fewer threads than asked run ('auto' without shared memory, or one core), else null. */
  note: string | null;
}

/** What an option means in this context; an explicit N > 1 without shared memory is an error. */
export async function resolveThreads(option: ThreadsOption): Promise<ResolvedThreads> {
  const reason = sharedMemoryUnsupportedReason();
  if (option === 'auto') {
    if (reason !== null) return { threads: 1, note: `'auto' runs one thread: ${reason}` };
    const n = Math.min(MAX_THREADS, Math.max(1, Math.floor(await logicalCores())));
    return { threads: n, note: n === 1 ? "'auto' runs one thread: one core" : null };
  }
  if (option > 1 && reason !== null) {
    throw new PointwiseError(
      'BACKEND_UNAVAILABLE',
      { op: 'wasmSimdBackend', arg: 'threads', value: option },
      reason,
    );
  }
  return { threads: option, note: null };
}

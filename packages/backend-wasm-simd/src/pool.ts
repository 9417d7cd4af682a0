// How a kernel call runs: on the calling thread, or split into contiguous blocks that a
// pool of workers (Node worker_threads, browser Web Workers), which instantiated the
// threaded build on the backend's shared memory, and the calling thread take one at a
// time from a shared counter (so a thread that starts late or is preempted does fewer
// blocks instead of holding up the call). Ops are synchronous from the caller's view:
// the calling thread posts the job, takes blocks itself, closes the job, then waits for
// the workers that joined it (Atomics.wait in Node and in workers; a spin on
// Atomics.load on a browser page, where Atomics.wait throws); a worker that wakes after
// the close leaves the job alone, so a descheduled worker never holds up a call it took
// no part in (decision 143). So an op sees every earlier op's result and read() /
// readSync() never find pending work.
//
// Same bits for any thread count: element-wise kernels write each element once whatever
// the split; reductions (parameter gradients) are summed per fixed CHUNK of elements
// (chunk i covers [i*CHUNK, (i+1)*CHUNK), fixed by the size alone), each chunk by one
// kernel call whichever thread takes it, and the chunk sums are added in index order on
// the calling thread. The one-thread backend uses the same chunks.

import { PointwiseError } from '@pointwise/core';
import type { Adaptive } from './adapt.js';
import type { WasmKernelExports } from './wasm.js';

/** Elements per reduction chunk (decision 91): 128 KiB of float32. */
export const CHUNK = 32768;
/** Blocks start at multiples of this many elements: elu's 1 KiB block of float32 (its
 * float64 fallback is per block, so blocks must not depend on the split), 256 bytes of a mask. */
export const UNIT = 256;
/** Smallest element-wise block (64 KiB of float32): a block costs one counter increment
 * and one kernel call, well under 1% of its run time. */
const MIN_BLOCK = 64 * UNIT;
/** Element-wise calls are cut into about this many blocks per thread, so that the last
 * block taken leaves the threads finishing within a few percent of each other. */
const BLOCKS_PER_THREAD = 16;
/** Bytes of scratch each worker's instance gets (asm/index.ts useScratch). */
export const SCRATCH_BYTES = 4096;
/** Most chunks a tensor has (wasm32: < 2^30 float32). */
const MAX_CHUNKS = 2 ** 30 / CHUNK;
/** A worker that does not finish its blocks in this long is taken as lost. */
const DEADLINE_MS = 60_000;
/**
 * Spin, then park (decision 129): a worker polls for the next job this long after each
 * one, and the calling thread polls for the workers this long after its own blocks,
 * before either blocks in Atomics.wait. Waking a parked thread costs about 50 us each
 * way on a VM (measured: worker start 50 us after the post, caller back 51 us after the
 * last worker finished), a fifth of a 2^20-element elu; back-to-back ops now find the
 * worker awake. Bounded, so an idle pool costs no CPU.
 */
export const SPIN_MS = 1;
// With more threads than cores a spinning thread takes the core another one needs, so the
// backend passes 0 then.

/**
 * Crossover sizes (decision 90): below these element counts an op runs on the calling
 * thread, because waking the workers costs more than it saves. STREAM for the
 * memory-bound ops (relu family, clippedRelu, prelu, dropout backward from a mask),
 * COMPUTE for elu and the dropout passes that run Philox.
 */
export const STREAM_MIN = 1048576; // 2^20
export const COMPUTE_MIN = 262144; // 2^18

/** Marks the element-count argument in a stride list. */
export const N = -1;

// job: [fn, argc, chunk, n, block, blocks, touch, 0, args (16) at 8, strides (16) at 24]
const SIZE = 3;
const BLOCK = 4;
const BLOCKS = 5;
/** The calling thread's touch-ahead setting (1/0), which each worker copies into its own instance. */
const TOUCH = 6;
const ARGS = 8;
const STRIDES = 24;
const JOB_LENGTH = 40;
// ctl: [generation, workers in the job, failed worker + 1, stop, next block, open job's
// generation (0: closed)]; the worker's source uses the same indices as literals
const GEN = 0;
const ACTIVE = 1;
const FAILED = 2;
const STOP = 3;
const NEXT = 4;
const OPEN = 5;
const CTL_LENGTH = 6;

/** Export names a worker can run, by index (the job's fn slot). */
export const KERNEL_NAMES = [
  'reluForward',
  'thresholdBackward',
  'leakyReluForward',
  'leakyReluBackward',
  'thresholdedReluForward',
  'shiftedReluForward',
  'shiftedReluBackward',
  'clippedReluForward',
  'clippedReluBackward',
  'clippedReluBackwardCeiling',
  'preluForward',
  'preluBackwardSum',
  'eluForward',
  'eluBackwardFromX',
  'eluBackwardFromY',
  'dropoutForward',
  'dropoutBackwardRegenerate',
  'dropoutBackwardMask',
  'dropoutBackwardRegenerateDx',
  'dropoutBackwardMaskDx',
] as const satisfies readonly (keyof WasmKernelExports)[];

export type KernelName = (typeof KERNEL_NAMES)[number];
type AnyKernel = (...args: number[]) => number | undefined;

/**
 * Runs job (fn over [start, end)) in one call, or one call per CHUNK writing each
 * chunk's sum to partials[chunk index]. Self-contained: workers run its source.
 */
export function runRange(
  fn: (...args: number[]) => number | undefined,
  job: Float64Array,
  start: number,
  end: number,
  partials: Float64Array,
): void {
  const argc = job[1] as number;
  const chunk = job[2] as number;
  const step = chunk > 0 ? chunk : end - start;
  const a: number[] = new Array(argc);
  for (let s = start; s < end; s += step) {
    const e = Math.min(end, s + step);
    for (let i = 0; i < argc; i++) {
      const stride = job[24 + i] as number;
      // stride 0 passes the value as it is: -0 + 0 * s would be +0 (issue 19)
      a[i] =
        stride === -1
          ? e - s
          : stride === 0
            ? (job[8 + i] as number)
            : (job[8 + i] as number) + stride * s;
    }
    const r = fn(...a);
    if (chunk > 0) partials[s / chunk] = r as number;
  }
}

/**
 * Takes blocks of the posted job from the shared counter until none is left, running
 * each with run; returns how many it took. Self-contained: workers run its source.
 */
export function runBlocks(
  fn: (...args: number[]) => number | undefined,
  ctl: Int32Array,
  job: Float64Array,
  partials: Float64Array,
  run: typeof runRange,
): number {
  const n = job[3] as number;
  const block = job[4] as number;
  const blocks = job[5] as number;
  let taken = 0;
  for (let b = Atomics.add(ctl, 4, 1); b < blocks; b = Atomics.add(ctl, 4, 1)) {
    const start = b * block;
    run(fn, job, start, Math.min(n, start + block), partials);
    taken++;
  }
  return taken;
}

/** A worker's whole program (stringified with runRange and runBlocks; no imports, no closure). */
function workerMain(
  on: (handler: (message: unknown) => void) => void,
  post: (message: unknown) => void,
  run: typeof runRange,
  take: typeof runBlocks,
): void {
  on(async (message) => {
    const init = message as {
      module: WebAssembly.Module;
      memory: WebAssembly.Memory;
      ctl: SharedArrayBuffer;
      job: SharedArrayBuffer;
      partials: SharedArrayBuffer;
      scratch: number;
      index: number;
      names: string[];
      spinMs: number;
    };
    const instance = await WebAssembly.instantiate(init.module, { env: { memory: init.memory } });
    const e = instance.exports as Record<string, (...args: number[]) => number | undefined>;
    (e.useScratch as (p: number) => void)(init.scratch);
    const fns = init.names.map((n) => e[n] as (...args: number[]) => number | undefined);
    const ctl = new Int32Array(init.ctl);
    const job = new Float64Array(init.job);
    const partials = new Float64Array(init.partials);
    // generation 0 is the state before any job: no job is posted before 'ready' arrives,
    // but one may be right after, before this thread gets to wait
    let seen = 0;
    // the module's initial setting (asm/common.ts): touch on
    let touch = 1;
    post('ready');
    for (;;) {
      // spin for init.spinMs after a job (the next one often follows at once), then park
      let now = Atomics.load(ctl, 0);
      if (now === seen) {
        const until = performance.now() + init.spinMs;
        do now = Atomics.load(ctl, 0);
        while (now === seen && performance.now() < until);
      }
      if (now === seen) {
        Atomics.wait(ctl, 0, seen);
        continue;
      }
      seen = now;
      if (Atomics.load(ctl, 3) !== 0) return;
      // join only while the job is open: announce first, then check, so the calling
      // thread either waits for this worker or this worker sees the job closed
      Atomics.add(ctl, 1, 1);
      if (Atomics.load(ctl, 5) === now) {
        try {
          // the touch setting is instance state (a wasm global): take the caller's
          if (job[6] !== touch) {
            touch = job[6] as number;
            (e.setTouchAhead as (on: number) => void)(touch);
          }
          take(fns[job[0] as number]!, ctl, job, partials, run);
        } catch {
          Atomics.store(ctl, 2, init.index + 1);
        }
      }
      Atomics.sub(ctl, 1, 1);
      Atomics.notify(ctl, 1);
    }
  });
}

// dynamic import: an eval worker is CommonJS or ESM depending on the parent's flags
const NODE_WORKER = `const runRange = ${runRange.toString()};
const runBlocks = ${runBlocks.toString()};
import('node:worker_threads').then(({ parentPort }) => (${workerMain.toString()})((f) => parentPort.on('message', f), (m) => parentPort.postMessage(m), runRange, runBlocks));`;

const WEB_WORKER = `const runRange = ${runRange.toString()};
const runBlocks = ${runBlocks.toString()};
(${workerMain.toString()})((f) => { self.onmessage = (e) => f(e.data); }, (m) => self.postMessage(m), runRange, runBlocks);`;

interface PoolWorker {
  terminate(): unknown;
}

/** Can this thread block in Atomics.wait? (Not a browser page's main thread.) */
function canWait(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

function lostError(reason: string): PointwiseError {
  return new PointwiseError(
    'DEVICE_LOST',
    { op: 'wasm-simd', arg: 'threads', value: reason },
    'a worker of the threaded wasm-simd backend stopped; destroy this instance and create a new one',
  );
}

/** How a pool splits calls (Dispatch.pool). */
export interface PoolOptions {
  /** Ms a thread spins before it parks (SPIN_MS, or 0 with more threads than cores). */
  spinMs: number;
  /**
   * Testing (the `crossover` option): every call of at least this many elements is
   * split, in place of the per-op crossovers, in blocks as small as UNIT; null: the
   * defaults (STREAM_MIN / COMPUTE_MIN, blocks of at least MIN_BLOCK).
   */
  crossover: number | null;
  /** 'auto''s busy-machine guard (adapt.ts), or null: always split large calls. */
  adaptive: Adaptive | null;
}

/**
 * Runs kernel calls for one backend: `parallel(n, min)` says whether a call of n
 * elements goes to the pool (min: the op's crossover), `each` splits an element-wise
 * call, `sum` a reduction (always in CHUNKs, one thread or many).
 */
export class Dispatch {
  readonly threads: number;
  #k: WasmKernelExports;
  readonly #job: Float64Array;
  readonly #partials: Float64Array;
  readonly #ctl: Int32Array | null;
  readonly #workers: PoolWorker[];
  readonly #wait: boolean;
  readonly #spinMs: number;
  readonly #crossover: number | null;
  readonly #adaptive: Adaptive | null;
  #lost: string | null = null;
  #destroyed = false;
  #touch = 1;
  #pooled = 0;

  private constructor(
    k: WasmKernelExports,
    threads: number,
    shared: { ctl: Int32Array; job: Float64Array; partials: Float64Array } | null,
    workers: PoolWorker[],
    options: PoolOptions = { spinMs: 0, crossover: null, adaptive: null },
  ) {
    this.#k = k;
    this.#spinMs = options.spinMs;
    this.#crossover = options.crossover;
    this.#adaptive = options.adaptive;
    this.threads = threads;
    this.#ctl = shared?.ctl ?? null;
    this.#job = shared?.job ?? new Float64Array(JOB_LENGTH);
    this.#partials = shared?.partials ?? new Float64Array(0);
    this.#workers = workers;
    this.#wait = shared === null ? true : canWait();
  }

  /** One thread: every call on the calling thread. */
  static single(k: WasmKernelExports): Dispatch {
    return new Dispatch(k, 1, null, []);
  }

  /**
   * `threads - 1` workers on the threaded build's memory; scratch[i] is worker i's
   * SCRATCH_BYTES block (reserved below the heap).
   */
  static async pool(
    k: WasmKernelExports,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    threads: number,
    scratch: number[],
    node: boolean,
    options: PoolOptions,
  ): Promise<Dispatch> {
    const { spinMs } = options;
    const ctl = new SharedArrayBuffer(CTL_LENGTH * 4);
    const job = new SharedArrayBuffer(JOB_LENGTH * 8);
    const partials = new SharedArrayBuffer(MAX_CHUNKS * 8);
    const workers: PoolWorker[] = [];
    const ready: Promise<void>[] = [];
    let dispatch: Dispatch | null = null;
    const lose = (why: string) => {
      if (dispatch !== null && !dispatch.#destroyed) dispatch.#lost ??= why;
    };
    try {
      for (let i = 1; i < threads; i++) {
        const init = {
          module,
          memory,
          ctl,
          job,
          partials,
          scratch: scratch[i - 1],
          index: i,
          names: [...KERNEL_NAMES],
          spinMs,
        };
        if (node) {
          const spec = 'node:worker_threads';
          const { Worker } = (await import(
            /* @vite-ignore */ spec
          )) as typeof import('node:worker_threads');
          const w = new Worker(NODE_WORKER, { eval: true, name: `pointwise-wasm-simd-${i}` });
          workers.push(w);
          ready.push(
            new Promise<void>((resolve, reject) => {
              // unref once started: an idle pool never keeps the process alive
              w.once('message', () => {
                w.unref();
                resolve();
              });
              w.once('error', reject);
              w.once('exit', (code) => reject(new Error(`worker exited (${code}) while starting`)));
            }),
          );
          w.on('error', (error: Error) => lose(`worker ${i} failed: ${error.message}`));
          w.on('exit', (code: number) => lose(`worker ${i} exited with code ${code}`));
          w.postMessage(init);
        } else {
          const url = URL.createObjectURL(new Blob([WEB_WORKER], { type: 'text/javascript' }));
          const w = new Worker(url, { name: `pointwise-wasm-simd-${i}` });
          URL.revokeObjectURL(url);
          workers.push(w);
          ready.push(
            new Promise<void>((resolve, reject) => {
              w.onmessage = () => resolve();
              w.onerror = (event) => reject(new Error(event.message || 'worker failed to start'));
            }),
          );
          w.postMessage(init);
        }
      }
      await Promise.all(ready);
    } catch (error) {
      for (const w of workers) w.terminate();
      throw new PointwiseError(
        'BACKEND_UNAVAILABLE',
        { op: 'wasmSimdBackend', arg: 'threads', value: threads },
        `could not start the worker pool: ${(error as Error).message}`,
      );
    }
    dispatch = new Dispatch(
      k,
      threads,
      {
        ctl: new Int32Array(ctl),
        job: new Float64Array(job),
        partials: new Float64Array(partials),
      },
      workers,
      options,
    );
    if (!node) {
      for (const w of workers as Worker[]) {
        w.onerror = (event) => lose(`a worker failed: ${event.message}`);
      }
    }
    return dispatch;
  }

  /** The pool's workers (tests: terminate one to check the lost-worker error). */
  get workers(): readonly PoolWorker[] {
    return this.#workers;
  }

  /** Kernel calls split over the pool so far (tests and the playground show that threads run). */
  get pooledCalls(): number {
    return this.#pooled;
  }

  /** Throws DEVICE_LOST once a worker has stopped (every op checks, on one thread too). */
  check(): void {
    if (this.#lost !== null) throw lostError(this.#lost);
  }

  /** 'auto''s busy-machine guard, or null (explicit thread counts, `crossover`). */
  get adaptive(): Adaptive | null {
    return this.#adaptive;
  }

  /**
   * Whether a call of n elements is split over the pool (min: the op's crossover, or
   * the `crossover` option; not while 'auto''s guard keeps calls on this thread).
   */
  parallel(n: number, min: number): boolean {
    if (this.#lost !== null) throw lostError(this.#lost);
    if (this.threads === 1 || n < (this.#crossover ?? min)) return false;
    return this.#adaptive === null || this.#adaptive.usePool();
  }

  /** An element-wise kernel over n elements, split into UNIT-aligned blocks. */
  each(name: KernelName, n: number, args: readonly number[], strides: readonly number[]): void {
    this.#setJob(name, args, strides, 0);
    const share = Math.ceil(n / (this.threads * BLOCKS_PER_THREAD) / UNIT) * UNIT;
    this.#run(n, Math.max(this.#crossover === null ? MIN_BLOCK : UNIT, share));
  }

  /**
   * A reduction kernel over n elements (it writes its element-wise output and returns
   * the float64 sum of its elements): one call per CHUNK, on the pool when `parallel`, and
   * the chunk sums added in index order.
   */
  sum(
    name: KernelName,
    n: number,
    args: readonly number[],
    strides: readonly number[],
    parallel: boolean,
  ): number {
    const chunks = Math.ceil(n / CHUNK);
    if (!parallel || chunks < 2 || this.threads === 1) {
      // the calling thread, chunk by chunk, the same additions as the pool's combine
      const fn = this.#k[name] as unknown as AnyKernel;
      if (chunks <= 1) return fn(...args) as number;
      this.#setJob(name, args, strides, CHUNK);
      let total = 0;
      const job = this.#job;
      for (let c = 0; c < chunks; c++) {
        const s = c * CHUNK;
        const e = Math.min(n, s + CHUNK);
        const a = rangeArgs(job, s, e);
        const r = fn(...a) as number;
        total = c === 0 ? r : total + r;
      }
      return total;
    }
    this.#setJob(name, args, strides, CHUNK);
    this.#run(n, CHUNK);
    const p = this.#partials;
    let total = p[0] as number;
    for (let c = 1; c < chunks; c++) total += p[c] as number;
    return total;
  }

  /**
   * Whether the streaming kernels touch ahead (src/touch.ts): set on the calling
   * thread's instance now, and sent with every pooled job to the workers' instances.
   */
  setTouchAhead(on: boolean): void {
    this.#touch = on ? 1 : 0;
    this.#k.setTouchAhead(this.#touch);
  }

  /** Stops and terminates the workers (destroy()). */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    const ctl = this.#ctl;
    if (ctl !== null) {
      Atomics.store(ctl, STOP, 1);
      Atomics.add(ctl, GEN, 1);
      Atomics.notify(ctl, GEN);
    }
    for (const w of this.#workers) w.terminate();
    // drop the instance (and so the memory) for the garbage collector; no kernel runs after destroy
    this.#k = null as unknown as WasmKernelExports;
  }

  #setJob(name: KernelName, args: readonly number[], strides: readonly number[], chunk: number) {
    const job = this.#job;
    job[0] = KERNEL_NAMES.indexOf(name);
    job[1] = args.length;
    job[2] = chunk;
    for (let i = 0; i < args.length; i++) {
      job[ARGS + i] = args[i] as number;
      job[STRIDES + i] = strides[i] as number;
    }
  }

  /**
   * Cuts [0, n) into blocks of `block` elements, posts them, takes blocks here too,
   * closes the job once the counter is exhausted and waits until every worker that
   * joined has left it (so no worker still reads this job when the next is posted; one
   * that wakes later sees the job closed and does nothing).
   */
  #run(n: number, block: number): void {
    if (this.#lost !== null) throw lostError(this.#lost);
    const ctl = this.#ctl!;
    const job = this.#job;
    this.#pooled++;
    job[SIZE] = n;
    job[BLOCK] = block;
    job[TOUCH] = this.#touch;
    const blocks = Math.ceil(n / block);
    job[BLOCKS] = blocks;
    const adaptive = this.#adaptive;
    const start = adaptive === null ? 0 : adaptive.now();
    // generation 0 is the workers' start state and OPEN's "closed": skip it on wrap-around
    let gen = (Atomics.load(ctl, GEN) + 1) | 0;
    if (gen === 0) gen = 1;
    Atomics.store(ctl, NEXT, 0);
    Atomics.store(ctl, OPEN, gen);
    Atomics.store(ctl, GEN, gen);
    Atomics.notify(ctl, GEN);
    const fn = this.#k[KERNEL_NAMES[job[0] as number]!] as unknown as AnyKernel;
    const mine = runBlocks(fn, ctl, job, this.#partials, runRange);
    const own = adaptive === null ? 0 : adaptive.now();
    // every block is taken: close the job, then wait only for the workers inside it
    Atomics.store(ctl, OPEN, 0);
    const started = Date.now();
    const spinUntil = performance.now() + this.#spinMs;
    let active = Atomics.load(ctl, ACTIVE);
    while (active > 0) {
      if (this.#wait && performance.now() > spinUntil) Atomics.wait(ctl, ACTIVE, active, 200);
      if (Date.now() - started > DEADLINE_MS) {
        this.#lost = `no answer from the workers in ${DEADLINE_MS / 1000} s`;
        throw lostError(this.#lost);
      }
      active = Atomics.load(ctl, ACTIVE);
    }
    adaptive?.record(start, own, adaptive.now(), mine, blocks);
    const failed = Atomics.load(ctl, FAILED);
    if (failed !== 0) {
      this.#lost = `worker ${failed - 1} trapped in ${KERNEL_NAMES[job[0] as number]}`;
      throw lostError(this.#lost);
    }
  }
}

/** The kernel arguments of range [s, e) of the job. */
function rangeArgs(job: Float64Array, s: number, e: number): number[] {
  const argc = job[1] as number;
  const a: number[] = new Array(argc);
  for (let i = 0; i < argc; i++) {
    const stride = job[STRIDES + i] as number;
    const v = job[ARGS + i] as number;
    a[i] = stride === N ? e - s : stride === 0 ? v : v + stride * s;
  }
  return a;
}

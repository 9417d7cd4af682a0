// Whether the streaming kernels touch their output 1 KiB ahead of their stores
// (asm/common.ts), chosen per machine at run time (DECISIONS #316). The touch helps
// where a core keeps few store misses in flight (relu at DRAM sizes on a Xeon, #135) and
// costs 5-10% where it does not (the AMD EPYC measured). The `touchAhead` option is
// 'on', 'off' or 'auto' (default): per op, direction and power-of-two size class, the
// first calls of at least TUNE_MIN_SIZE elements alternate between on and off, each
// timed, and the faster (median call of each, off needing a margin) is kept for that
// class for the instance's lifetime. Both settings give the same bits: the touch is a load
// whose value is never used, and the kernels are otherwise the same code.

import type { ActivationKernel, DropoutKernel, KernelSet } from '@pointwise/core';
import { ACTIVATION_NAMES, PointwiseError } from '@pointwise/core';

export type TouchAheadOption = 'auto' | 'on' | 'off';

/** Calls below this many elements are not timed (a few microseconds: noise) and touch. */
export const TUNE_MIN_SIZE = 1 << 16;
/**
 * Timed calls of each setting, per class, before the choice: eight each, alternating, and
 * their medians compared. On the shared EPYC, where calls vary by 10% from one to the
 * next, best-of-3 picked the slower setting for 3 of 14 classes at 2^23 in one bench run
 * and medians of 5 for clippedRelu at 2^23 in 2 of 4 runs.
 */
export const TUNE_CALLS = 8;
/** Off must beat on by this factor (median call of each) to be kept: on is the default. */
export const TUNE_MARGIN = 1.02;

/** Validates the option: 'auto' (default), 'on' or 'off'. */
export function checkTouchAhead(value: unknown): TouchAheadOption {
  if (value === undefined) return 'auto';
  if (value === 'auto' || value === 'on' || value === 'off') return value;
  throw new PointwiseError(
    'INVALID_ARGUMENT',
    { op: 'wasmSimdBackend', arg: 'touchAhead', value },
    "must be 'auto', 'on' or 'off'",
  );
}

/** The ops whose kernels stream from memory and touch ahead (forward and backward): every activation but elu. */
const STREAMING = ACTIVATION_NAMES.filter((name) => name !== 'elu');

interface Trial {
  /** Milliseconds of each timed call with the touch [on, off]. */
  ms: [number[], number[]];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The class a call of `size` elements is tuned in: op, direction and 2^k below size. */
export function tuneKey(op: string, direction: string, size: number): string {
  return `${op}.${direction} 2^${Math.floor(Math.log2(size))}`;
}

/**
 * One backend instance's setting. With 'auto', wrap() puts a wrapper around the
 * streaming ops' kernels that sets the touch before each call from its class's choice,
 * or, while the class is being tuned, runs the call with the setting whose turn it is
 * and times it.
 */
export class TouchAhead {
  readonly option: TouchAheadOption;
  /** The clock (ms). Tests replace it to drive the choice without timing assertions. */
  now: () => number = () => performance.now();
  #set: (on: boolean) => void;
  #current: boolean | null = null;
  #chosen = new Map<string, boolean>();
  #trials = new Map<string, Trial>();

  /** `set` switches the kernels (the calling thread's instance and the pool's jobs). */
  constructor(option: TouchAheadOption, set: (on: boolean) => void) {
    this.option = option;
    this.#set = set;
    this.#apply(option !== 'off');
  }

  /** Each tuned class's choice so far, as 'on' / 'off' (for the bench's notes and tests). */
  choices(): Record<string, 'on' | 'off'> {
    const out: Record<string, 'on' | 'off'> = {};
    for (const [key, on] of [...this.#chosen].sort(([a], [b]) => (a < b ? -1 : 1))) {
      out[key] = on ? 'on' : 'off';
    }
    return out;
  }

  /** Wraps the streaming kernels of `kernels` when the option is 'auto' (in place); returns them. */
  wrap(kernels: KernelSet): KernelSet {
    if (this.option !== 'auto') return kernels;
    for (const name of STREAMING) {
      const kernel = kernels[name] as ActivationKernel<unknown> | undefined;
      if (kernel) kernels[name] = this.#wrapActivation(name, kernel) as never;
    }
    const dropout = kernels.dropout as DropoutKernel | undefined;
    if (dropout) {
      // only the backward from a stored mask streams; the Philox passes never touch
      const backward = dropout.backward.bind(dropout);
      kernels.dropout = {
        forward: dropout.forward.bind(dropout),
        backward: (c) =>
          c.mask === null
            ? backward(c)
            : this.#run('dropout', 'backwardMask', c.size, () => backward(c)),
      };
    }
    return kernels;
  }

  #wrapActivation(name: string, kernel: ActivationKernel<unknown>): ActivationKernel<unknown> {
    const forward = kernel.forward.bind(kernel);
    const backward = kernel.backward.bind(kernel);
    return {
      forward: (c) => this.#run(name, 'forward', c.size, () => forward(c)),
      backward: (c) => this.#run(name, 'backward', c.size, () => backward(c)),
    };
  }

  #apply(on: boolean): void {
    if (this.#current !== on) {
      this.#set(on);
      this.#current = on;
    }
  }

  #run(op: string, direction: string, size: number, call: () => void): void {
    if (size < TUNE_MIN_SIZE) {
      this.#apply(true);
      call();
      return;
    }
    const key = tuneKey(op, direction, size);
    const chosen = this.#chosen.get(key);
    if (chosen !== undefined) {
      this.#apply(chosen);
      call();
      return;
    }
    let trial = this.#trials.get(key);
    if (!trial) {
      trial = { ms: [[], []] };
      this.#trials.set(key, trial);
    }
    const [onMs, offMs] = trial.ms;
    const which = onMs.length <= offMs.length ? 0 : 1;
    this.#apply(which === 0);
    const start = this.now();
    call();
    trial.ms[which].push(this.now() - start);
    if (onMs.length >= TUNE_CALLS && offMs.length >= TUNE_CALLS) {
      this.#chosen.set(key, !(median(offMs) * TUNE_MARGIN < median(onMs)));
      this.#trials.delete(key);
    }
  }
}

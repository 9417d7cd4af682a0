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

/** One op and direction's size classes, indexed by k for sizes in [2^k, 2^(k+1)). */
interface Classes {
  op: string;
  direction: string;
  /** Each class's choice (true: touch), once made. */
  chosen: (boolean | undefined)[];
  /** Each class's timed calls while it is being tuned. */
  trials: (Trial | undefined)[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** k such that 2^k <= size < 2^(k+1) (size a positive integer below 2^31). */
function sizeClass(size: number): number {
  return 31 - Math.clz32(size);
}

/** The class a call of `size` elements is tuned in: op, direction and 2^k below size. */
export function tuneKey(op: string, direction: string, size: number): string {
  return `${op}.${direction} 2^${sizeClass(size)}`;
}

/**
 * One backend instance's setting. With 'auto', wrap() puts a wrapper around the
 * streaming ops' kernels that sets the touch before each call from its class's choice,
 * or, while the class is being tuned, runs the call with the setting whose turn it is
 * and times it. A call looks its class up by index: no string or closure per call.
 */
export class TouchAhead {
  readonly option: TouchAheadOption;
  /** The clock (ms). Tests replace it to drive the choice without timing assertions. */
  now: () => number = () => performance.now();
  #set: (on: boolean) => void;
  #current: boolean | null = null;
  readonly #classes: Classes[] = [];

  /** `set` switches the kernels (the calling thread's instance and the pool's jobs). */
  constructor(option: TouchAheadOption, set: (on: boolean) => void) {
    this.option = option;
    this.#set = set;
    this.#apply(option !== 'off');
  }

  /** Each tuned class's choice so far, keyed by tuneKey, as 'on' / 'off' (tests, docs). */
  choices(): Record<string, 'on' | 'off'> {
    const entries: [string, boolean][] = [];
    for (const { op, direction, chosen } of this.#classes) {
      chosen.forEach((on, k) => {
        if (on !== undefined) entries.push([tuneKey(op, direction, 2 ** k), on]);
      });
    }
    entries.sort(([a], [b]) => (a < b ? -1 : 1));
    return Object.fromEntries(entries.map(([key, on]) => [key, on ? 'on' : 'off']));
  }

  /**
   * The choice for a call of `size` elements of `op`'s `direction` ('forward',
   * 'backward', or dropout's 'backwardMask'), or undefined until its class has one (the
   * bench's row notes).
   */
  choiceFor(op: string, direction: string, size: number): 'on' | 'off' | undefined {
    const classes = this.#classes.find((c) => c.op === op && c.direction === direction);
    const on = classes?.chosen[sizeClass(size)];
    return on === undefined ? undefined : on ? 'on' : 'off';
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
      const masked = this.#classesOf('dropout', 'backwardMask');
      kernels.dropout = {
        forward: dropout.forward.bind(dropout),
        backward: (c) => (c.mask === null ? backward(c) : this.#run(masked, c.size, backward, c)),
      };
    }
    return kernels;
  }

  #classesOf(op: string, direction: string): Classes {
    const classes: Classes = { op, direction, chosen: [], trials: [] };
    this.#classes.push(classes);
    return classes;
  }

  #wrapActivation(name: string, kernel: ActivationKernel<unknown>): ActivationKernel<unknown> {
    const forward = kernel.forward.bind(kernel);
    const backward = kernel.backward.bind(kernel);
    const forwardClasses = this.#classesOf(name, 'forward');
    const backwardClasses = this.#classesOf(name, 'backward');
    return {
      forward: (c) => this.#run(forwardClasses, c.size, forward, c),
      backward: (c) => this.#run(backwardClasses, c.size, backward, c),
    };
  }

  #apply(on: boolean): void {
    if (this.#current !== on) {
      this.#set(on);
      this.#current = on;
    }
  }

  #run<C>(classes: Classes, size: number, kernel: (call: C) => void, call: C): void {
    if (size < TUNE_MIN_SIZE) {
      this.#apply(true);
      kernel(call);
      return;
    }
    const k = sizeClass(size);
    const chosen = classes.chosen[k];
    if (chosen !== undefined) {
      this.#apply(chosen);
      kernel(call);
      return;
    }
    let trial = classes.trials[k];
    if (!trial) {
      trial = { ms: [[], []] };
      classes.trials[k] = trial;
    }
    const [onMs, offMs] = trial.ms;
    const which = onMs.length <= offMs.length ? 0 : 1;
    this.#apply(which === 0);
    const start = this.now();
    kernel(call);
    trial.ms[which].push(this.now() - start);
    if (onMs.length >= TUNE_CALLS && offMs.length >= TUNE_CALLS) {
      classes.chosen[k] = !(median(offMs) * TUNE_MARGIN < median(onMs));
      classes.trials[k] = undefined;
    }
  }
}

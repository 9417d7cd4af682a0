// Runs one sweep task on one backend over ranges of bit patterns, a chunk at a time
// (2^22 inputs by default: 16 MiB per tensor), so memory stays small whatever the
// range. The tensors and host arrays are made once per sweep and reused (inputs go in
// with write(), results into the op's `out`), in two slots: chunk k+1 is written,
// launched and its read started before chunk k is checked, so a GPU computes while the
// CPU checks. Exact ops are checked by the fused closed-form loops of fastcheck.ts,
// elu against its chunk reference by the ulp rule. Stops between chunks when asked to.

import { f32Bits } from '../../float32.js';
import { activations } from '../../ops/index.js';
import type { Pointwise } from '../../pointwise.js';
import type { Tensor } from '../../tensor.js';
import { compareUlp, type Tally } from './compare.js';
import { fastCheck } from './fastcheck.js';
import type { BitRange, SweepTask } from './plan.js';
import { chunkReference, eluElement, type ResolvedLike } from './reference.js';

export const DEFAULT_CHUNK = 2 ** 22;

type Params = Record<string, unknown>;
type Forward = (x: Tensor<'float32'>, p?: Params) => Tensor<'float32'>;
type Backward = (dy: Tensor<'float32'>, saved: object, p?: Params) => { dx: Tensor<'float32'> };

export interface SweepControl {
  chunk?: number;
  /** Called after every chunk with the number of inputs it checked. */
  onChunk?: (inputs: number) => void;
  /** Checked between chunks: true stops the sweep (the tally keeps what was done). */
  stopped?: () => boolean;
}

function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  return new Promise((resolve) =>
    g.setImmediate ? g.setImmediate(resolve) : setTimeout(resolve, 0),
  );
}

/** Resolve a task's params as the op itself would for an input of `n` elements. */
export function resolveTask(task: SweepTask, n: number): ResolvedLike {
  const spec = activations.find((a) => a.spec.name === task.op)!.spec as unknown as {
    resolve(op: string, p: Params, shape: number[]): ResolvedLike;
  };
  return spec.resolve(task.op, task.params, [n]);
}

/** One pipeline slot: host inputs and the input and output tensors of one chunk size. */
interface Slot {
  bits: Int32Array;
  inp: Float32Array;
  swept: Tensor<'float32'>;
  out: Tensor<'float32'>;
}

/**
 * Sweep `ranges` for `task` on `pw`, adding to `tally`. Returns the number of inputs
 * of the ranges it finished (less than their total when stopped).
 */
export async function sweepRanges(
  pw: Pointwise,
  task: SweepTask,
  ranges: BitRange[],
  tally: Tally,
  control: SweepControl = {},
): Promise<number> {
  const chunk = control.chunk ?? DEFAULT_CHUNK;
  const r = resolveTask(task, chunk);
  const fixed = task.fixed ?? 0;
  const fixedBits = task.fixed === undefined ? undefined : f32Bits(fixed);
  const fast = fastCheck(task.op, task.kind, r, task.fixed);
  const reference = fast ? null : chunkReference(task.op, task.kind, r);
  const expectedF = fast ? null : new Float32Array(chunk);
  const methods = pw as unknown as Record<string, Forward & Backward>;
  const forward = methods[task.op]!.bind(pw) as Forward;
  const backward = methods[`${task.op}Backward`]!.bind(pw) as Backward;
  const alpha = r.alpha ?? 1;
  const p = { ...task.params, paramGrad: false };

  // per chunk size (a range's last chunk may be shorter): two slots and the fixed operand
  const owned: Tensor[] = [];
  const sizes = new Map<number, { slots: Slot[]; other: Tensor<'float32'> | null }>();
  const slotsFor = (n: number) => {
    let s = sizes.get(n);
    if (!s) {
      const other =
        task.kind === 'forward'
          ? null
          : (pw.tensor(new Float32Array(n).fill(fixed), [n]) as Tensor<'float32'>);
      if (other) owned.push(other);
      const slots: Slot[] = [0, 1].map(() => {
        const bits = new Int32Array(n);
        const swept = pw.tensor(new Float32Array(n), [n]) as Tensor<'float32'>;
        owned.push(swept);
        const out = pw.tensor(new Float32Array(n), [n]) as Tensor<'float32'>;
        owned.push(out);
        return { bits, inp: new Float32Array(bits.buffer), swept, out };
      });
      s = { slots, other };
      sizes.set(n, s);
    }
    return s;
  };

  const launch = (start: number, n: number, turn: number) => {
    const { slots, other } = slotsFor(n);
    const slot = slots[turn & 1]!;
    const b = slot.bits;
    const s0 = start | 0;
    for (let i = 0; i < n; i++) b[i] = (s0 + i) | 0;
    slot.swept.write(slot.inp);
    if (task.kind === 'forward') forward(slot.swept, { ...task.params, out: slot.out });
    else {
      const q = { ...p, out: { dx: slot.out } };
      if (task.kind === 'backward-dy') backward(slot.swept, { x: other! }, q);
      else backward(other!, task.kind === 'backward-x' ? { x: slot.swept } : { y: slot.swept }, q);
    }
    return { slot, n, result: slot.out.read() as Promise<Float32Array> };
  };

  const check = (slot: Slot, n: number, actualF: Float32Array) => {
    const actual = new Int32Array(actualF.buffer, actualF.byteOffset, n);
    if (fast) {
      fast(tally, slot.bits, slot.inp, actual, actualF, n);
      return;
    }
    const x = slot.inp.subarray(0, n);
    const expected = expectedF!.subarray(0, n);
    reference!(x, fixed, expected);
    compareUlp(
      tally,
      2,
      new Uint32Array(slot.bits.buffer, 0, n),
      fixedBits,
      new Uint32Array(expected.buffer, 0, n),
      new Uint32Array(actualF.buffer, actualF.byteOffset, n),
      (i) => eluElement(task.kind, alpha, x[i]!, fixed),
    );
  };

  let done = 0;
  let turn = 0;
  let pending: ReturnType<typeof launch> | null = null;
  const finish = async (job: ReturnType<typeof launch>) => {
    check(job.slot, job.n, await job.result);
    done += job.n;
    control.onChunk?.(job.n);
  };
  try {
    for (const range of ranges) {
      for (let offset = 0; offset < range.count; offset += chunk) {
        // a macrotask turn between chunks, so a signal handler (Ctrl-C) can run: a CPU
        // backend's read resolves in microtasks only
        await yieldToEventLoop();
        if (control.stopped?.()) {
          if (pending) await finish(pending);
          return done;
        }
        const job = launch(range.start + offset, Math.min(chunk, range.count - offset), turn++);
        if (pending) await finish(pending);
        pending = job;
      }
    }
    if (pending) await finish(pending);
    pending = null;
  } finally {
    // a chunk launched but not checked (an error) must still settle before its tensors go
    if (pending) await pending.result.catch(() => undefined);
    for (const t of owned) t.dispose();
  }
  return done;
}

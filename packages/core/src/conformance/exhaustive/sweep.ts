// Runs one sweep task on one backend over ranges of bit patterns, a chunk at a time
// (2^22 inputs by default: 16 MiB per tensor), so memory stays small whatever the
// range. Each chunk: build the inputs, run the op, read back, compare with the chunk
// reference. Stops between chunks when asked to.

import { f32Bits } from '../../float32.js';
import { activations } from '../../ops/index.js';
import type { Pointwise } from '../../pointwise.js';
import type { Tensor } from '../../tensor.js';
import { compareExact, compareUlp, type Tally } from './compare.js';
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
  const reference = chunkReference(task.op, task.kind, r);
  const fixed = task.fixed ?? 0;
  const fixedBits = task.fixed === undefined ? undefined : f32Bits(fixed);
  const bits = new Uint32Array(chunk);
  const inp = new Float32Array(bits.buffer);
  const expectedF = new Float32Array(chunk);
  const expected = new Uint32Array(expectedF.buffer);
  const methods = pw as unknown as Record<string, Forward & Backward>;
  const forward = methods[task.op]!.bind(pw) as Forward;
  const backward = methods[`${task.op}Backward`]!.bind(pw) as Backward;
  const alpha = r.alpha ?? 1;
  let done = 0;
  for (const range of ranges) {
    for (let offset = 0; offset < range.count; offset += chunk) {
      // a macrotask turn between chunks, so a signal handler (Ctrl-C) can run: a CPU
      // backend's read resolves in microtasks only
      await yieldToEventLoop();
      if (control.stopped?.()) return done;
      const n = Math.min(chunk, range.count - offset);
      const start = range.start + offset;
      for (let i = 0; i < n; i++) bits[i] = (start + i) >>> 0;
      const x = inp.subarray(0, n);
      const owned: Tensor[] = [];
      let actualF: Float32Array;
      try {
        const swept = pw.tensor(x.slice(), [n]) as Tensor<'float32'>;
        owned.push(swept);
        let out: Tensor<'float32'>;
        if (task.kind === 'forward') out = forward(swept, task.params);
        else {
          const other = pw.tensor(new Float32Array(n).fill(fixed), [n]) as Tensor<'float32'>;
          owned.push(other);
          const p = { ...task.params, paramGrad: false };
          if (task.kind === 'backward-dy') out = backward(swept, { x: other }, p).dx;
          else
            out = backward(other, task.kind === 'backward-x' ? { x: swept } : { y: swept }, p).dx;
        }
        owned.push(out);
        actualF = (await out.read()) as Float32Array;
      } finally {
        for (const t of owned) t.dispose();
      }
      reference(x, fixed, expectedF.subarray(0, n));
      const actual = new Uint32Array(actualF.buffer, actualF.byteOffset, n);
      const inBits = bits.subarray(0, n);
      if (task.op === 'elu')
        compareUlp(tally, 2, inBits, fixedBits, expected.subarray(0, n), actual, (i) =>
          eluElement(task.kind, alpha, x[i]!, fixed),
        );
      else compareExact(tally, inBits, fixedBits, expected.subarray(0, n), actual);
      done += n;
      control.onChunk?.(n);
    }
  }
  return done;
}

// Exhaustive-mode dropout: the counter space, not the value space, is what can go
// wrong, so for many (seed, stream) pairs (both 32-bit halves of each, carries, all
// ones) the mask, y and the regenerated backward dx over millions of element indices
// are compared with core's Philox reference; sparse dropout runs its Caffe2
// semantics at large sizes against core's reference.

import { sparseDropoutReference } from '../../ops/sparseDropout.js';
import { dropoutKeepMask, makeDropoutDraw } from '../../philox.js';
import type { Pointwise } from '../../pointwise.js';
import type { Tensor } from '../../tensor.js';
import type { Tally } from './compare.js';

const U64_EDGES = [
  0n,
  1n,
  0xffffffffn,
  0x100000000n,
  0x8000000000000000n,
  0xffffffffffffffffn,
  0x243f6a8885a308d3n,
];

export interface DropoutTask {
  id: string;
  kind: 'dropout' | 'sparseDropout';
  seed: bigint;
  stream: bigint;
  ratio: number;
  /** Elements (dense) or segments (sparse) per call. */
  size: number;
}

/**
 * Dense: every (seed, stream) pair of the edge values at 2^24 elements (2^22 Philox
 * counters each) in the full mode; the slice takes three pairs at 2^20. Sparse:
 * 2^20 segments for three pairs (2^18 in the slice).
 */
export function planDropout(slice: boolean): DropoutTask[] {
  const tasks: DropoutTask[] = [];
  const pairs: [bigint, bigint][] = slice
    ? [
        [0xffffffffffffffffn, 0x100000000n],
        [0x243f6a8885a308d3n, 0xffffffffn],
        [1n, 0x8000000000000000n],
      ]
    : U64_EDGES.flatMap((s) => U64_EDGES.map((t) => [s, t] as [bigint, bigint]));
  const size = slice ? 2 ** 20 : 2 ** 24;
  for (const [seed, stream] of pairs) {
    const ratio = 0.3;
    tasks.push({
      id: `dropout/seed=0x${seed.toString(16)},stream=0x${stream.toString(16)}/ratio=${ratio}/n=${size}`,
      kind: 'dropout',
      seed,
      stream,
      ratio,
      size,
    });
  }
  for (const [seed, stream] of pairs.slice(0, 3)) {
    const segs = slice ? 2 ** 18 : 2 ** 20;
    tasks.push({
      id: `sparseDropout/seed=0x${seed.toString(16)},stream=0x${stream.toString(16)}/ratio=0.5/segments=${segs}`,
      kind: 'sparseDropout',
      seed,
      stream,
      ratio: 0.5,
      size: segs,
    });
  }
  return tasks;
}

const h = (v: number) => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

function record(t: Tally, what: string, index: number, e: number, a: number): void {
  t.differ++;
  if (t.first.length < 5) t.first.push({ input: `${what}[${index}]`, expected: h(e), got: h(a) });
}

/** Run one dropout task on `pw`, adding to `tally` (one element or segment = one input). */
export async function runDropoutTask(
  pw: Pointwise,
  task: DropoutTask,
  tally: Tally,
): Promise<void> {
  return task.kind === 'dropout' ? dense(pw, task, tally) : sparse(pw, task, tally);
}

async function dense(pw: Pointwise, task: DropoutTask, tally: Tally): Promise<void> {
  const n = task.size;
  const xs = new Float32Array(n);
  for (let i = 0; i < n; i++) xs[i] = (i % 1000) - 499.5;
  const replacement = -7.5;
  const params = { ratio: task.ratio, replacement, seed: task.seed, stream: task.stream };
  const owned: Tensor[] = [];
  try {
    const x = pw.tensor(xs, [n]);
    owned.push(x);
    const { y, mask, draw } = pw.dropoutWithReplacement(x, params);
    owned.push(y, mask!);
    const dy = pw.tensor(xs, [n]);
    owned.push(dy);
    const { dx } = pw.dropoutWithReplacementBackward(dy, { draw, paramGrad: false });
    owned.push(dx);
    const [ys, ms, dxs] = [await y.read(), await mask!.read(), await dx.read()];
    const keep = dropoutKeepMask(
      makeDropoutDraw(task.ratio, task.seed, task.stream),
      new Uint8Array(n),
    );
    const scale = Math.fround(1 / (1 - task.ratio));
    const ref = new Float32Array(3);
    const refBits = new Uint32Array(ref.buffer);
    const got = new Float32Array(2);
    const gotBits = new Uint32Array(got.buffer);
    for (let i = 0; i < n; i++) {
      if (ms[i] !== keep[i]) record(tally, 'mask', i, keep[i]!, ms[i]!);
      ref[0] = keep[i] ? xs[i]! * scale : replacement;
      ref[1] = keep[i] ? xs[i]! * scale : 0;
      got[0] = ys[i]!;
      got[1] = dxs[i]!;
      if (gotBits[0] !== refBits[0]) record(tally, 'y', i, refBits[0]!, gotBits[0]!);
      if (gotBits[1] !== refBits[1]) record(tally, 'dx', i, refBits[1]!, gotBits[1]!);
    }
    tally.checked += n;
  } finally {
    for (const t of owned) t.dispose();
  }
}

async function sparse(pw: Pointwise, task: DropoutTask, tally: Tally): Promise<void> {
  const segs = task.size;
  const lengths = new Int32Array(segs);
  let state = Number(task.seed & 0xffffn) + 1;
  let total = 0;
  for (let j = 0; j < segs; j++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    lengths[j] = (state >>> 16) % 4;
    total += lengths[j]!;
  }
  const ids = new BigInt64Array(total);
  for (let k = 0; k < total; k++) ids[k] = BigInt(k) * 0x100000001n;
  const params = { ratio: task.ratio, replacement: -1n, seed: task.seed, stream: task.stream };
  const v = pw.tensor(ids);
  const l = pw.tensor(lengths);
  try {
    const out = await pw.sparseDropoutWithReplacement(v, l, { ...params, replacement: -1 });
    const [values, outLengths] = [await out.values.read(), await out.lengths.read()];
    out.values.dispose();
    out.lengths.dispose();
    const ref = sparseDropoutReference(ids, lengths, params);
    for (let j = 0; j < segs; j++)
      if (outLengths[j] !== ref.lengths[j])
        record(tally, 'lengths', j, ref.lengths[j]!, outLengths[j]!);
    if (values.length !== ref.values.length)
      record(tally, 'values.length', 0, ref.values.length, values.length);
    else
      for (let k = 0; k < values.length; k++)
        if (values[k] !== ref.values[k])
          record(
            tally,
            'values',
            k,
            Number(ref.values[k]! & 0xffffffffn),
            Number(values[k]! & 0xffffffffn),
          );
    tally.checked += segs;
  } finally {
    v.dispose();
    l.dispose();
  }
}

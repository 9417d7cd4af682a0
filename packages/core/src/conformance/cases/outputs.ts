// Conformance cases for preallocated backward outputs (`out: { dx, d<param>? }`):
// every backward writes into the given tensors and returns them, bit-identical to
// the allocating call, with no allocation (no backend alloc or upload; memory()
// unchanged); dx may be dy itself (in place); an output that is x, y, the mask, a
// device parameter, dy (for a parameter gradient) or another output is refused;
// a refused `out` (dtype, shape, disposed, foreign, unknown key) changes nothing.

import type { Backend, BackendFactory } from '../../backend.js';
import { type Pointwise, pointwise } from '../../pointwise.js';
import type { Tensor } from '../../tensor.js';
import {
  type CaseOutcome,
  type ConformanceCase,
  expectRefusedUnchanged,
  type RefusedCall,
} from '../case.js';

const fail = (message: string): CaseOutcome => ({ pass: false, message });
const PASS: CaseOutcome = { pass: true };
const SHAPE = [2, 3, 8];
const SIZE = 48;

type F32 = Tensor<'float32'>;
type Grads = Record<string, F32>;
type Saved = { x: F32 } | { y: F32 };

/** One backward under test: its call with optional `out`, the gradient it returns, the saved tensor. */
interface BackwardCase {
  op: string;
  grad: string | null;
  from: 'x' | 'y';
  call(pw: Pointwise, dy: F32, saved: Saved, out: object | undefined, slope: F32): Grads;
}

const DROPOUT = { ratio: 0.5, seed: 11n, stream: 3n, scale: true };

const CASES: BackwardCase[] = [
  {
    op: 'relu',
    grad: null,
    from: 'x',
    call: (pw, dy, s, out) => pw.reluBackward(dy, s as never, { out } as never),
  },
  {
    op: 'leakyRelu',
    grad: null,
    from: 'y',
    call: (pw, dy, s, out) => pw.leakyReluBackward(dy, s as never, { alpha: 0.1, out } as never),
  },
  {
    op: 'prelu',
    grad: 'dslope',
    from: 'x',
    call: (pw, dy, s, out, slope) => pw.preluBackward(dy, s as never, { slope, out } as never),
  },
  {
    op: 'thresholdedRelu',
    grad: null,
    from: 'x',
    call: (pw, dy, s, out) =>
      pw.thresholdedReluBackward(dy, s as never, { alpha: 0.5, out } as never),
  },
  {
    op: 'shiftedRelu',
    grad: 'dthreshold',
    from: 'x',
    call: (pw, dy, s, out) =>
      pw.shiftedReluBackward(dy, s as never, { threshold: 0.5, out } as never),
  },
  {
    op: 'shiftedRelu',
    grad: 'dthreshold',
    from: 'y',
    call: (pw, dy, s, out) =>
      pw.shiftedReluBackward(dy, s as never, { threshold: 0.5, out } as never),
  },
  {
    op: 'clippedRelu',
    grad: 'dceiling',
    from: 'x',
    call: (pw, dy, s, out) => pw.clippedReluBackward(dy, s as never, { ceiling: 2, out } as never),
  },
  {
    op: 'clippedRelu',
    grad: null,
    from: 'y',
    call: (pw, dy, s, out) => pw.clippedReluBackward(dy, s as never, { ceiling: 2, out } as never),
  },
  {
    op: 'elu',
    grad: null,
    from: 'x',
    call: (pw, dy, s, out) => pw.eluBackward(dy, s as never, { out } as never),
  },
  {
    op: 'dropoutWithReplacement',
    grad: 'dreplacement',
    from: 'x',
    call: (pw, dy, _s, out) => pw.dropoutWithReplacementBackward(dy, { ...DROPOUT, out } as never),
  },
];

function same(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  return a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));
}

/** x with NaN, 0 and the kinks the cases' params use (also used by paramGrad.ts). */
export function xValues(n = SIZE): Float32Array {
  const v = new Float32Array(n).map((_, i) => ((i * 7) % 17) * 0.5 - 4);
  v[3] = Number.NaN;
  v[5] = 0;
  v[9] = 2; // clippedRelu's ceiling
  v[10] = 0.5; // thresholdedRelu's alpha, shiftedRelu's threshold
  return v;
}

/** dy with -Inf and -0 (also used by paramGrad.ts). */
export function dyValues(n = SIZE): Float32Array {
  const v = new Float32Array(n).map((_, i) => ((i * 5) % 11) * 0.25 - 1.25);
  v[7] = Number.NEGATIVE_INFINITY;
  v[8] = -0;
  return v;
}

/** Counts the backend's alloc and upload calls while `body` runs (also used by paramGrad.ts). */
export function countAllocations<T>(backend: Backend, body: () => T): { result: T; count: number } {
  let count = 0;
  const target = backend as unknown as Record<string, unknown>;
  const saved: [string, unknown, boolean][] = [];
  for (const key of ['alloc', 'upload'] as const) {
    const original = target[key] as (...args: unknown[]) => unknown;
    saved.push([key, original, Object.hasOwn(target, key)]);
    target[key] = (...args: unknown[]) => {
      count++;
      return original.apply(backend, args);
    };
  }
  try {
    return { result: body(), count };
  } finally {
    for (const [key, original, own] of saved) {
      if (own) target[key] = original;
      else delete target[key];
    }
  }
}

async function readAll(grads: Grads): Promise<Record<string, ArrayLike<number>>> {
  const out: Record<string, ArrayLike<number>> = {};
  for (const [k, t] of Object.entries(grads)) out[k] = await t.read();
  return out;
}

/** Forward's y for a case that saves y (built from the same x; also used by paramGrad.ts). */
export function savedFor(
  pw: Pointwise,
  c: { op: string; from: 'x' | 'y' },
  x: F32,
): { saved: Saved; extra: F32 | null } {
  if (c.from === 'x') return { saved: { x }, extra: null };
  const y =
    c.op === 'leakyRelu'
      ? pw.leakyRelu(x, { alpha: 0.1 })
      : c.op === 'shiftedRelu'
        ? pw.shiftedRelu(x, { threshold: 0.5 })
        : pw.clippedRelu(x, { ceiling: 2 });
  return { saved: { y }, extra: y };
}

async function preallocated(pw: Pointwise, c: BackwardCase): Promise<CaseOutcome> {
  const made: Tensor[] = [];
  const keep = <T extends Tensor>(t: T): T => {
    made.push(t);
    return t;
  };
  try {
    const x = keep(pw.tensor(xValues(), SHAPE));
    const slope = keep(pw.tensor([0.25, -0.5, 3]));
    const { saved, extra } = savedFor(pw, c, x);
    if (extra) keep(extra);
    const dyData = dyValues();
    const dy = keep(pw.tensor(dyData, SHAPE));
    const reference = c.call(pw, dy, saved, undefined, slope);
    for (const t of Object.values(reference)) keep(t);
    const want = await readAll(reference);
    const gradShape = c.grad === 'dslope' ? [3] : [1];
    const sentinel = (n: number) => new Float32Array(n).fill(7);
    // given dx (and the gradient), then dx only, then dx in place on a copy of dy
    const variants: { label: string; inPlace: boolean; withGrad: boolean }[] = [
      { label: 'dx and the gradient given', inPlace: false, withGrad: true },
      { label: 'dx given', inPlace: false, withGrad: false },
      { label: 'dx = dy (in place)', inPlace: true, withGrad: true },
    ];
    for (const v of variants) {
      if (v.withGrad && c.grad === null && v.label !== 'dx = dy (in place)') continue;
      const dyHere = v.inPlace ? keep(pw.tensor(dyData, SHAPE)) : dy;
      const out: Record<string, F32> = {
        dx: v.inPlace ? dyHere : keep(pw.tensor(sentinel(SIZE), SHAPE)),
      };
      if (v.withGrad && c.grad) out[c.grad] = keep(pw.tensor(sentinel(gradShape[0]!), gradShape));
      await pw.flush();
      const before = pw.memory();
      const { result, count } = countAllocations(pw.backend, () =>
        c.call(pw, dyHere, saved, out, slope),
      );
      await pw.flush();
      const after = pw.memory();
      const allocated = Object.values(result).filter(
        (t) => !Object.values(out).includes(t),
      ) as F32[];
      for (const t of allocated) keep(t);
      if (result.dx !== out.dx) return fail(`${v.label}: dx is not the given tensor`);
      if (v.withGrad && c.grad && result[c.grad] !== out[c.grad])
        return fail(`${v.label}: ${c.grad} is not the given tensor`);
      // a gradient not given is allocated (one buffer); everything given: nothing
      if (count !== allocated.length)
        return fail(`${v.label}: ${count} backend allocations for ${allocated.length} new outputs`);
      if (
        allocated.length === 0 &&
        (after.bytes !== before.bytes || after.buffers !== before.buffers)
      )
        return fail(
          `${v.label}: memory went from ${before.bytes} B in ${before.buffers} buffers to ${after.bytes} B in ${after.buffers}`,
        );
      const got = await readAll(result);
      for (const key of Object.keys(want)) {
        if (!got[key]) return fail(`${v.label}: ${key} missing`);
        if (key === 'dx' ? !same(got[key]!, want[key]!) : !sameSum(got[key]!, want[key]!))
          return fail(
            `${v.label}: ${key} differs from the allocating call: ${Array.from(got[key]!).slice(0, 8)} vs ${Array.from(want[key]!).slice(0, 8)}`,
          );
      }
      if (!v.inPlace && !same(await dy.read(), dyData)) return fail(`${v.label}: dy was changed`);
    }
    return PASS;
  } finally {
    for (const t of made) t.dispose();
  }
}

/** Parameter gradients within one backend are deterministic: the same bits (NaN: any NaN). */
function sameSum(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return (
    a.length === b.length &&
    Array.from(a).every((v, i) => Object.is(v, b[i]) || (Number.isNaN(v) && Number.isNaN(b[i])))
  );
}

async function refused(pw: Pointwise, factory: BackendFactory | null): Promise<CaseOutcome> {
  const made: Tensor[] = [];
  const keep = <T extends Tensor>(t: T): T => {
    made.push(t);
    return t;
  };
  let other: Pointwise | null = null;
  try {
    const x = keep(pw.tensor(xValues(), SHAPE));
    const dy = keep(pw.tensor(dyValues(), SHAPE));
    const y = keep(pw.clippedRelu(x, { ceiling: 2 }));
    const dx = keep(pw.tensor(new Float32Array(SIZE).fill(7), SHAPE));
    const g = keep(pw.tensor([7]));
    const ints = keep(pw.tensor(new Int32Array(SIZE), { shape: SHAPE }));
    const flat = keep(pw.tensor(new Float32Array(SIZE).fill(7)));
    const gone = pw.tensor(new Float32Array(SIZE), SHAPE);
    gone.dispose();
    // one-element tensors, so that outputs and inputs can share a shape
    const x1 = keep(pw.tensor([3]));
    const dy1 = keep(pw.tensor([0.5]));
    const d1 = keep(pw.tensor([7]));
    const s1 = keep(pw.tensor([0.25]));
    const draw = { ratio: 0.5, seed: 1n, stream: 0n };
    const mask = keep(pw.dropoutWithReplacement(x, draw).mask);
    const bad: RefusedCall[] = [
      [
        'out not an object',
        () => pw.reluBackward(dy, { x }, { out: 5 as never }),
        'INVALID_ARGUMENT',
        'out',
      ],
      [
        'no dx',
        () => pw.clippedReluBackward(dy, { x }, { out: { dceiling: g } as never }),
        'INVALID_ARGUMENT',
        'out.dx',
      ],
      [
        'an unknown key',
        () => pw.reluBackward(dy, { x }, { out: { dx, dslope: g } as never }),
        'INVALID_ARGUMENT',
        'out.dslope',
      ],
      [
        'int32 dx',
        () => pw.eluBackward(dy, { x }, { out: { dx: ints as never } }),
        'DTYPE_MISMATCH',
        'out.dx',
      ],
      [
        'dx of another shape',
        () => pw.reluBackward(dy, { x }, { out: { dx: flat } }),
        'SHAPE_MISMATCH',
        'out.dx',
      ],
      [
        'a disposed dx',
        () => pw.reluBackward(dy, { x }, { out: { dx: gone } }),
        'TENSOR_DISPOSED',
        'out.dx',
      ],
      [
        'dslope of another shape',
        () => pw.preluBackward(dy, { x }, { slope: [1, 2, 3], out: { dx, dslope: g } }),
        'SHAPE_MISMATCH',
        'out.dslope',
      ],
      [
        'dx = x',
        () => pw.reluBackward(dy, { x }, { out: { dx: x } }),
        'INVALID_ARGUMENT',
        'out.dx',
      ],
      [
        'dx = y',
        () => pw.clippedReluBackward(dy, { y }, { ceiling: 2, out: { dx: y } }),
        'INVALID_ARGUMENT',
        'out.dx',
      ],
      [
        'dceiling from y',
        () => pw.clippedReluBackward(dy, { y }, { ceiling: 2, out: { dx, dceiling: g } as never }),
        'INVALID_ARGUMENT',
        'out.dceiling',
      ],
      [
        'dceiling = dy',
        () => pw.clippedReluBackward(dy1, { x: x1 }, { out: { dx: d1, dceiling: dy1 } }),
        'INVALID_ARGUMENT',
        'out.dceiling',
      ],
      [
        'dthreshold = dx',
        () => pw.shiftedReluBackward(dy1, { x: x1 }, { out: { dx: d1, dthreshold: d1 } }),
        'INVALID_ARGUMENT',
        'out.dthreshold',
      ],
      [
        'dslope = x',
        () => pw.preluBackward(dy1, { x: x1 }, { out: { dx: d1, dslope: x1 } }),
        'INVALID_ARGUMENT',
        'out.dslope',
      ],
      [
        'dslope = the slope tensor',
        () => pw.preluBackward(dy1, { x: x1 }, { slope: s1, out: { dx: d1, dslope: s1 } }),
        'INVALID_ARGUMENT',
        'out.dslope',
      ],
      [
        'forward out = the slope tensor',
        () => pw.prelu(x1, { slope: s1, out: s1 }),
        'INVALID_ARGUMENT',
        'out',
      ],
      [
        'dx = the slope tensor',
        () => pw.preluBackward(dy1, { x: x1 }, { slope: s1, out: { dx: s1 } }),
        'INVALID_ARGUMENT',
        'out.dx',
      ],
      [
        'dropout dreplacement = dy',
        () =>
          pw.dropoutWithReplacementBackward(dy1, { ...draw, out: { dx: d1, dreplacement: dy1 } }),
        'INVALID_ARGUMENT',
        'out.dreplacement',
      ],
      [
        'dropout dx as the mask',
        () => pw.dropoutWithReplacementBackward(dy, { mask, ...draw, out: { dx: mask as never } }),
        'DTYPE_MISMATCH',
        'out.dx',
      ],
      [
        'dropout out unknown key',
        () => pw.dropoutWithReplacementBackward(dy, { ...draw, out: { dx, dslope: g } as never }),
        'INVALID_ARGUMENT',
        'out.dslope',
      ],
    ];
    if (factory) {
      other = await pointwise(factory);
      const foreign = other.tensor(new Float32Array(SIZE), SHAPE);
      bad.push([
        'a dx of another instance',
        () => pw.reluBackward(dy, { x }, { out: { dx: foreign } }),
        'FOREIGN_TENSOR',
        'out.dx',
      ]);
    }
    const watched = [x, dy, y, dx, g, x1, dy1, d1, s1];
    return await expectRefusedUnchanged(pw, bad, watched);
  } finally {
    for (const t of made) t.dispose();
    other?.destroy();
  }
}

export function outputCases(factory: () => BackendFactory | null): ConformanceCase[] {
  return [
    ...CASES.map(
      (c): ConformanceCase => ({
        id: `outputs/${c.op}/backward-from-${c.from}`,
        op: c.op === 'dropoutWithReplacement' ? 'dropout' : c.op,
        description: `${c.op} backward (from ${c.from}) into preallocated outputs: the given tensors come back, bit-identical to the allocating call, with no allocation; dx may be dy (in place)`,
        run: (pw) => preallocated(pw, c),
      }),
    ),
    {
      id: 'outputs/refused',
      op: 'outputs',
      description:
        'a backward `out` of the wrong dtype, shape, instance, disposed, with an unknown key, missing dx, or aliasing x, y, the mask, a device parameter, dy (for a gradient) or another output is refused with a typed error naming out.<name>, and changes nothing',
      run: (pw) => refused(pw, factory()),
    },
  ];
}

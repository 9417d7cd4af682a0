// Conformance cases for what a training loop relies on: a forward's y remembers its
// op and params, so backward from y uses them when omitted and refuses others
// (PARAMS_MISMATCH); the bound op `pw.activation(name, params)` gives the explicit
// calls' bits; `t.write`, `t.clone`, `t.reshape`, `pw.fill` / `pw.ones` and the fused
// `pw.sgdStep` against the contract's formula, bit for bit; foreign objects get a
// message that says what they are; and every bad input is refused, changing nothing.

import type { BackendFactory } from '../../backend.js';
import { PointwiseError } from '../../errors.js';
import { f32 } from '../../float32.js';
import { activations } from '../../ops/index.js';
import { type Pointwise, pointwise } from '../../pointwise.js';
import type { Tensor } from '../../tensor.js';
import {
  type CaseOutcome,
  type ConformanceCase,
  expectRefusedUnchanged,
  type RefusedCall,
  withTensors,
} from '../case.js';
import { SPECIAL_VALUES, seededRandom } from '../values.js';

type F32 = Tensor<'float32'>;
const fail = (message: string): CaseOutcome => ({ pass: false, message });
const PASS: CaseOutcome = { pass: true };

function same(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  return a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));
}

/** Same float32 bits, any NaN matching any NaN. */
function sameF32(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (!Object.is(x, y)) return i;
  }
  return -1;
}

const X = [-3, -1, -0.5, -0, 0, 0.25, 1, 2, 5.5, 7];
const DY = [0.5, -1, 2, 3, -0.75, 1, 1, -2, 0.125, 4];

/** Backward-from-y ops with a parameter, forward params that differ from the default. */
const FROM_Y: { op: string; params: Record<string, number>; other: Record<string, number> }[] = [
  { op: 'elu', params: { alpha: 0.5 }, other: { alpha: 1 } },
  { op: 'leakyRelu', params: { alpha: 0.2 }, other: { alpha: 0.01 } },
  { op: 'thresholdedRelu', params: { alpha: 0.6 }, other: { alpha: 1 } },
  { op: 'shiftedRelu', params: { threshold: 0.5 }, other: { threshold: 0 } },
  { op: 'clippedRelu', params: { ceiling: 2 }, other: { ceiling: 6 } },
];

type AnyFn = (...args: unknown[]) => Record<string, F32> & F32;
function method(pw: Pointwise, name: string): AnyFn {
  return (pw as unknown as Record<string, AnyFn>)[name]!.bind(pw);
}

async function readAll(grads: Record<string, F32>): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {};
  for (const [k, t] of Object.entries(grads)) out[k] = await t.read();
  return out;
}

function disposeAll(grads: Record<string, F32>): void {
  for (const t of Object.values(grads)) t.dispose();
}

/** The example: elu alpha 0.5 forward, backward from y with nothing gives 0.18394. */
async function eluExample(pw: Pointwise): Promise<CaseOutcome> {
  return withTensors(async (keep) => {
    const y = keep(pw.elu(keep(pw.tensor([-1])), { alpha: 0.5 }));
    const { dx } = pw.eluBackward(keep(pw.tensor([1])), { y });
    keep(dx);
    const got = (await dx.read())[0]!;
    const want = f32(1 * (f32(0.5 * Math.expm1(-1)) + 0.5));
    if (Math.abs(got - 0.18394) > 1e-5 || Math.abs(got - want) > 1e-6)
      return fail(
        `eluBackward from y of elu(alpha 0.5) gave ${got}, want 0.18394 (alpha 1 gives 0.68394)`,
      );
    return PASS;
  });
}

/** Backward from y with params omitted equals the explicit call on an unrecorded copy of y. */
async function omittedParams(pw: Pointwise): Promise<CaseOutcome> {
  for (const { op, params } of FROM_Y) {
    const problem = await withTensors(async (keep) => {
      const x = keep(pw.tensor(X));
      const dy = keep(pw.tensor(DY));
      const y = keep(method(pw, op)(x, params));
      const plain = keep(pw.tensor(await y.read())); // same values, no forward record
      const implicit = method(pw, `${op}Backward`)(dy, { y });
      const explicit = method(pw, `${op}Backward`)(dy, { y: plain }, params);
      const again = method(pw, `${op}Backward`)(dy, { y }, params);
      const [a, b, c] = [await readAll(implicit), await readAll(explicit), await readAll(again)];
      for (const g of [implicit, explicit, again]) disposeAll(g);
      for (const k of Object.keys(b)) {
        if (!a[k] || sameF32(a[k], b[k]!) >= 0 || !c[k] || sameF32(c[k], b[k]!) >= 0)
          return `${op}Backward from y with params omitted (or repeated) differs from the explicit call in ${k}`;
      }
      return null;
    });
    if (problem) return fail(problem);
  }
  return PASS;
}

/** Different params, a y of another op, another device tensor: PARAMS_MISMATCH, nothing changed. */
async function mismatch(pw: Pointwise): Promise<CaseOutcome> {
  return withTensors(async (keep) => {
    const x = keep(pw.tensor(X));
    const dy = keep(pw.tensor(DY));
    const out = keep(pw.zeros([X.length]));
    const calls: RefusedCall[] = [];
    for (const { op, params, other } of FROM_Y) {
      const y = keep(method(pw, op)(x, params));
      const key = Object.keys(other)[0]!;
      calls.push([
        `${op}Backward from y with ${JSON.stringify(other)}`,
        () => method(pw, `${op}Backward`)(dy, { y }, other),
        'PARAMS_MISMATCH',
        key,
      ]);
      calls.push([
        `${op}Backward with out from y with ${JSON.stringify(other)}`,
        () => method(pw, `${op}Backward`)(dy, { y }, { ...other, out: { dx: out } }),
        'PARAMS_MISMATCH',
        key,
      ]);
    }
    const yRelu = keep(pw.relu(x));
    calls.push([
      'eluBackward from the y of relu',
      () => pw.eluBackward(dy, { y: yRelu }),
      'PARAMS_MISMATCH',
      'y',
    ]);
    calls.push([
      'clippedReluBackward from the y of relu, params given',
      () => pw.clippedReluBackward(dy, { y: yRelu }, { ceiling: 6 }),
      'PARAMS_MISMATCH',
      'y',
    ]);
    // device ceilings: the same Tensor object is the same parameter; another is not
    const ceiling = keep(pw.tensor([2]));
    const twin = keep(pw.tensor([2]));
    const yDev = keep(pw.clippedRelu(x, { ceiling }));
    calls.push([
      'clippedReluBackward from y with another ceiling tensor of the same value',
      () => pw.clippedReluBackward(dy, { y: yDev }, { ceiling: twin }),
      'PARAMS_MISMATCH',
      'ceiling',
    ]);
    calls.push([
      'clippedReluBackward from y with the number 2 for a device ceiling',
      () => pw.clippedReluBackward(dy, { y: yDev }, { ceiling: 2 }),
      'PARAMS_MISMATCH',
      'ceiling',
    ]);
    const refused = await expectRefusedUnchanged(pw, calls, [x, dy, out, ceiling]);
    if (!refused.pass) return refused;
    // the same tensor passes, and gives the explicit call's dx
    const ok = pw.clippedReluBackward(dy, { y: yDev }, { ceiling });
    const implicit = pw.clippedReluBackward(dy, { y: yDev });
    const same1 = sameF32(await ok.dx.read(), await implicit.dx.read()) < 0;
    ok.dx.dispose();
    implicit.dx.dispose();
    if (!same1)
      return fail('backward from y with the forward ceiling tensor differs from the omitted form');
    // a ceiling updated after the forward: the y no longer matches it
    const step = keep(pw.tensor([1]));
    pw.sgdStep(ceiling, step, 0.5);
    const stale = await expectRefusedUnchanged(
      pw,
      [
        [
          'clippedReluBackward from y after sgdStep on its ceiling',
          () => pw.clippedReluBackward(dy, { y: yDev }),
          'PARAMS_MISMATCH',
          'ceiling',
        ],
      ],
      [dy],
    );
    if (!stale.pass) return stale;
    // backward from x is never checked against a record (x was not produced by this op)
    const fromX = pw.eluBackward(dy, { x: yRelu }, { alpha: 0.5 });
    fromX.dx.dispose();
    return PASS;
  });
}

/** What a y remembers: `out` and in-place forwards record; writes of any kind forget. */
async function recordLifetime(pw: Pointwise): Promise<CaseOutcome> {
  return withTensors(async (keep) => {
    const x = keep(pw.tensor(X));
    const dy = keep(pw.tensor(DY));
    const want = async (y: F32) => {
      const plain = keep(pw.tensor(await y.read()));
      const g = pw.eluBackward(dy, { y: plain }, { alpha: 0.5 });
      const v = await g.dx.read();
      g.dx.dispose();
      return v;
    };
    const check = async (what: string, y: F32): Promise<string | null> => {
      const g = pw.eluBackward(dy, { y });
      const got = await g.dx.read();
      g.dx.dispose();
      return sameF32(got, await want(y)) < 0
        ? null
        : `${what}: backward from y did not use alpha 0.5`;
    };
    const out = keep(pw.zeros([X.length]));
    pw.elu(x, { alpha: 0.5, out });
    const p1 = await check('a y written into out', out);
    if (p1) return fail(p1);
    const inPlace = keep(pw.tensor(X));
    pw.elu(inPlace, { alpha: 0.5, out: inPlace });
    const p2 = await check('an in-place forward', inPlace);
    if (p2) return fail(p2);
    const copy = keep(out.clone());
    const p3 = await check('a clone of y', copy);
    if (p3) return fail(p3);
    const view = keep(out.reshape([2, 5]));
    const g = pw.eluBackward(keep(pw.tensor(DY, [2, 5])), { y: view });
    keep(g.dx);
    if (sameF32(await g.dx.read(), await want(out)) >= 0)
      return fail('a reshape view of y: backward from y did not use alpha 0.5');
    // writes forget: after each, backward from y with alpha 1 is accepted
    const forgets: [string, (y: F32) => void][] = [
      ['write()', (y) => y.write(new Float32Array(X.length).fill(-0.5))],
      ['sgdStep', (y) => pw.sgdStep(y, dy, 0.125)],
      [
        'a backward writing it as out.dx',
        (y) => void pw.reluBackward(dy, { x }, { out: { dx: y } }),
      ],
      ['another forward writing it', (y) => void pw.relu(x, { out: y })],
    ];
    for (const [what, write] of forgets) {
      const y = keep(pw.elu(x, { alpha: 0.5 }));
      write(y);
      try {
        pw.eluBackward(dy, { y }, { alpha: 1 }).dx.dispose();
      } catch (error) {
        if (
          what === 'another forward writing it' &&
          error instanceof PointwiseError &&
          error.code === 'PARAMS_MISMATCH' &&
          error.arg === 'y'
        )
          continue; // relu wrote it: it is relu's y now, refused for elu
        return fail(`after ${what}, y still remembered elu alpha 0.5: ${String(error)}`);
      }
      if (what === 'another forward writing it')
        return fail("a y that relu overwrote was accepted by eluBackward as elu's");
    }
    return PASS;
  });
}

/** A shape the sample params fit: prelu's slopes on the channel axis they name. */
function shapeFor(op: string, params: Record<string, unknown>): number[] {
  if (op !== 'prelu') return [24];
  const slope = params.slope;
  const count = Array.isArray(slope) ? slope.length : 1;
  return params.channelAxis === -1 ? [2, 4, count] : [2, count, 4];
}

/** The bound op gives the explicit calls' bits, for every activation, from x and from y. */
async function boundOps(pw: Pointwise): Promise<CaseOutcome> {
  for (const def of activations) {
    const op = def.name;
    for (const params of def.spec.sampleParams as readonly Record<string, unknown>[]) {
      const problem = await withTensors(async (keep) => {
        const shape = shapeFor(op, params);
        const size = shape.reduce((a, b) => a * b, 1);
        const rnd = seededRandom(7);
        const xs = Array.from({ length: size }, () => f32((rnd() - 0.5) * 12));
        const x = keep(pw.tensor(xs, { shape }));
        const dy = keep(
          pw.tensor(
            Array.from({ length: size }, () => f32(rnd() - 0.5)),
            { shape },
          ),
        );
        let act: { forward(x: F32): F32; backward(dy: F32, saved: object): Record<string, F32> };
        try {
          act = pw.activation(op as never, params as never) as unknown as typeof act;
        } catch (error) {
          return `pw.activation('${op}', ${JSON.stringify(params)}) threw ${String(error)}`;
        }
        const ya = keep(act.forward(x));
        const yb = keep(method(pw, op)(x, params));
        if (sameF32(await ya.read(), await yb.read()) >= 0)
          return `${op} ${JSON.stringify(params)}: forward differs`;
        const ga = act.backward(dy, { x });
        const gb = method(pw, `${op}Backward`)(dy, { x }, params);
        const [a, b] = [await readAll(ga), await readAll(gb)];
        disposeAll(ga);
        disposeAll(gb);
        for (const k of Object.keys(b))
          if (!a[k] || sameF32(a[k], b[k]!) >= 0)
            return `${op} ${JSON.stringify(params)}: backward from x differs in ${k}`;
        const r = def.spec.resolve(op, params as never, shape);
        if ((def.spec.allowsBackwardFromY as (r: unknown) => boolean)(r)) {
          const gy = act.backward(dy, { y: ya });
          const gz = method(pw, `${op}Backward`)(dy, { y: yb }, params);
          const [c, d] = [await readAll(gy), await readAll(gz)];
          disposeAll(gy);
          disposeAll(gz);
          for (const k of Object.keys(d))
            if (!c[k] || sameF32(c[k], d[k]!) >= 0)
              return `${op} ${JSON.stringify(params)}: backward from y differs in ${k}`;
        }
        return null;
      });
      if (problem) return fail(problem);
    }
  }
  return PASS;
}

/** A learnable device parameter is bound by reference: sgdStep on it moves the bound op. */
async function boundLearnable(pw: Pointwise): Promise<CaseOutcome> {
  return withTensors(async (keep) => {
    const x = keep(pw.tensor([-1, 0.5, 1.5, 2.5, 7]));
    const dy = keep(pw.tensor([1, 1, 1, 1, 1]));
    const ceiling = keep(pw.tensor([2]));
    const act = pw.activation('clippedRelu', { ceiling });
    const y0 = keep(act.forward(x));
    const { dx, dceiling } = act.backward(dy, { x });
    keep(dx);
    keep(dceiling);
    if (!same(await y0.read(), [0, 0.5, 1.5, 2, 2]))
      return fail('bound clippedRelu with ceiling tensor [2]: wrong y');
    if (!same(await dceiling.read(), [2])) return fail('bound clippedRelu: dceiling should be 2');
    pw.sgdStep(ceiling, dceiling, 0.5); // ceiling 2 - 0.5*2 = 1
    const y1 = keep(act.forward(x));
    if (!same(await y1.read(), [0, 0.5, 1, 1, 1]))
      return fail(
        `after sgdStep the bound op did not use the new ceiling 1: ${Array.from(await y1.read())}`,
      );
    // the old y no longer matches the (updated) ceiling
    const stale = await expectRefusedUnchanged(
      pw,
      [
        [
          'backward from a y computed before the update',
          () => act.backward(dy, { y: y0 }),
          'PARAMS_MISMATCH',
          'ceiling',
        ],
      ],
      [ceiling],
    );
    if (!stale.pass) return stale;
    if (ceiling.disposed) return fail('the bound op disposed the ceiling it does not own');
    return PASS;
  });
}

async function boundOpErrors(pw: Pointwise): Promise<CaseOutcome> {
  return withTensors(async (keep) => {
    const x = keep(pw.tensor(X));
    const act = pw.activation('elu', { alpha: 0.5 });
    const three = keep(pw.tensor([0.1, 0.2, 0.3]));
    return expectRefusedUnchanged(
      pw,
      [
        ['an unknown op', () => pw.activation('gelu' as never), 'INVALID_ARGUMENT', 'name'],
        [
          'dropout (has its own draw)',
          () => pw.activation('dropout' as never),
          'INVALID_ARGUMENT',
          'name',
        ],
        [
          'a misspelt param',
          () => pw.activation('elu', { alhpa: 1 } as never),
          'INVALID_ARGUMENT',
          'alhpa',
        ],
        [
          'a bad param value',
          () => pw.activation('elu', { alpha: Number.NaN }),
          'PARAM_OUT_OF_RANGE',
          'alpha',
        ],
        [
          'a zero ceiling',
          () => pw.activation('clippedRelu', { ceiling: 0 }),
          'PARAM_OUT_OF_RANGE',
          'ceiling',
        ],
        [
          'a string slope',
          () => pw.activation('prelu', { slope: 'x' as never }),
          'INVALID_ARGUMENT',
          'slope',
        ],
        [
          'a param at forward (params are bound)',
          () => act.forward(x, { alpha: 1 } as never),
          'INVALID_ARGUMENT',
          'alpha',
        ],
        [
          'a param at backward',
          () => act.backward(x, { x }, { alpha: 1 } as never),
          'INVALID_ARGUMENT',
          'alpha',
        ],
        [
          'prelu slopes that match no axis at forward',
          () => pw.activation('prelu', { slope: three }).forward(x),
          'SHAPE_MISMATCH',
          'slope',
        ],
      ],
      [x],
    );
  });
}

/** t.write: every dtype, nested arrays, ordering after queued work, and its refusals. */
async function writeCase(pw: Pointwise): Promise<CaseOutcome> {
  return withTensors(async (keep) => {
    const x = keep(pw.tensor([1, -2, 3, -4]));
    const y = keep(pw.relu(x));
    const back = x.write([-5, 6, -7, 8]);
    if (back !== x) return fail('write() did not return the tensor');
    // y was computed before the write: it sees the old x on every backend (GPU: enqueued after)
    if (!same(await y.read(), [1, 0, 3, 0]))
      return fail(`relu queued before write() saw the new x: ${Array.from(await y.read())}`);
    if (!same(await x.read(), [-5, 6, -7, 8])) return fail('write([...]) not read back');
    const z = keep(pw.relu(x));
    if (!same(await z.read(), [0, 6, 0, 8]))
      return fail('a kernel after write() did not see the new values');
    x.write(new Float32Array([Number.NaN, -0, Number.POSITIVE_INFINITY, 1e-45]));
    const got = await x.read();
    if (
      !Number.isNaN(got[0]!) ||
      !Object.is(got[1], -0) ||
      got[2] !== Number.POSITIVE_INFINITY ||
      got[3] !== f32(1e-45)
    )
      return fail('write() of NaN, -0, Inf, a subnormal did not keep them');
    const m = keep(pw.tensor([[1, 2, 3]], { dtype: 'int32' }));
    m.write([[-1, 2 ** 31 - 1, 7]]);
    const b = keep(pw.tensor(new Uint8Array(5)));
    b.write(new Uint8Array([1, 2, 3, 4, 255]));
    const l = keep(pw.tensor(new BigInt64Array(2)));
    l.write([2n ** 62n, -3n]);
    if (
      !same(await m.read(), [-1, 2 ** 31 - 1, 7]) ||
      !same(await b.read(), [1, 2, 3, 4, 255]) ||
      !same(await l.read(), [2n ** 62n, -3n])
    )
      return fail('write() into int32 / uint8 (5 bytes) / int64 tensors not read back');
    const gone = pw.tensor([1]);
    gone.dispose();
    const calls: RefusedCall[] = [
      ['too few elements', () => x.write([1, 2, 3]), 'SHAPE_MISMATCH', 'data'],
      ['too many elements', () => x.write(new Float32Array(5)), 'SHAPE_MISMATCH', 'data'],
      ['an Int32Array into float32', () => x.write(new Int32Array(4)), 'DTYPE_MISMATCH', 'data'],
      ['a string', () => x.write([1, 'a', 3, 4] as never), 'INVALID_ARGUMENT', 'data[1]'],
      [
        'a bigint into float32',
        () => x.write([1n, 2n, 3n, 4n] as never),
        'INVALID_ARGUMENT',
        'data[0]',
      ],
      ['a non-integer into int32', () => m.write([1.5, 2, 3]), 'PARAM_OUT_OF_RANGE', 'data[0]'],
      ['a ragged row', () => m.write([[1, 2], [3]] as never), 'SHAPE_MISMATCH', 'data[1]'],
      ['a disposed tensor', () => gone.write([2]), 'TENSOR_DISPOSED', 'tensor'],
      ['not data', () => x.write(null), 'DTYPE_MISMATCH', 'data'],
    ];
    return expectRefusedUnchanged(pw, calls, [x, m]);
  });
}

/** t.clone: a device copy, independent storage, every dtype (odd byte counts too). */
async function cloneCase(pw: Pointwise): Promise<CaseOutcome> {
  return withTensors(async (keep) => {
    const rnd = seededRandom(3);
    const n = 70007;
    const data = new Float32Array(n).map(() => (rnd() - 0.5) * 1e3);
    data.set(SPECIAL_VALUES.slice(0, 16), 0);
    const x = keep(pw.tensor(data, [7, 10001]));
    const before = pw.memory();
    const c = keep(x.clone());
    const after = pw.memory();
    if (after.buffers !== before.buffers + 1)
      return fail('clone() did not allocate exactly one buffer');
    if (!same(c.shape, [7, 10001]) || c.dtype !== 'float32')
      return fail('clone() changed shape or dtype');
    if (sameF32(await c.read(), data) >= 0) return fail('clone() contents differ');
    c.write(new Float32Array(n));
    if (sameF32(await x.read(), data) >= 0) return fail('writing the clone changed the original');
    const u = keep(pw.tensor(new Uint8Array([9, 8, 7, 6, 5])));
    const i64 = keep(pw.tensor([2n ** 63n - 1n, -(2n ** 63n)], { dtype: 'int64' }));
    const e = keep(pw.zeros([0]));
    const [uc, ic, ec] = [keep(u.clone()), keep(i64.clone()), keep(e.clone())];
    if (
      !same(await uc.read(), [9, 8, 7, 6, 5]) ||
      !same(await ic.read(), [2n ** 63n - 1n, -(2n ** 63n)]) ||
      (await ec.read()).length !== 0
    )
      return fail('clone() of uint8 (5) / int64 / empty tensors differs');
    const gone = pw.tensor([1]);
    gone.dispose();
    return expectRefusedUnchanged(
      pw,
      [['a disposed tensor', () => gone.clone(), 'TENSOR_DISPOSED', 'tensor']],
      [x],
    );
  });
}

/** t.reshape: a view on the same storage, -1 inferred, lifetime by reference count. */
async function reshapeCase(pw: Pointwise): Promise<CaseOutcome> {
  const before = pw.memory();
  const outcome = await withTensors(async (keep) => {
    const x = pw.tensor([1, 2, 3, 4, 5, 6]);
    const v = keep(x.reshape([2, -1]));
    if (!same(v.shape, [2, 3])) return fail(`reshape([2, -1]) gave [${v.shape}]`);
    if (pw.memory().buffers !== before.buffers + 1) return fail('reshape() allocated a buffer');
    v.write([6, 5, 4, 3, 2, 1]);
    if (!same(await x.read(), [6, 5, 4, 3, 2, 1]))
      return fail('a write through the view was not seen by the base');
    const scalar = keep(keep(pw.tensor([7])).reshape([]));
    if (scalar.shape.length !== 0 || !same(await scalar.read(), [7]))
      return fail('reshape([]) of a [1] tensor');
    x.dispose();
    if (!x.disposed) return fail('dispose() of the base did not dispose it');
    if (!same(await v.read(), [6, 5, 4, 3, 2, 1]))
      return fail('the view lost its data when the base was disposed');
    if (pw.memory().buffers !== before.buffers + 2)
      return fail('the storage was freed while a view still used it');
    const y = keep(pw.relu(v));
    if (!same(await y.read(), [6, 5, 4, 3, 2, 1])) return fail('relu of the view');
    // aliasing goes by storage: a view of x is x
    const z = keep(pw.tensor([-1, 2, -3]));
    const zView = keep(z.reshape([3]));
    const dy = keep(pw.tensor([1, 1, 1]));
    const calls: RefusedCall[] = [
      ['more elements', () => v.reshape([7]), 'SHAPE_MISMATCH', 'shape'],
      ['two -1', () => v.reshape([-1, -1]), 'SHAPE_MISMATCH', 'shape'],
      ['a fraction', () => v.reshape([1.5, 4]), 'SHAPE_MISMATCH', 'shape'],
      ['not an array', () => v.reshape(6 as never), 'SHAPE_MISMATCH', 'shape'],
      ['-1 that does not divide', () => v.reshape([4, -1]), 'SHAPE_MISMATCH', 'shape'],
      ['a disposed base', () => x.reshape([6]), 'TENSOR_DISPOSED', 'tensor'],
      [
        'a view of x as backward out.dx',
        () => pw.reluBackward(dy, { x: z }, { out: { dx: zView } }),
        'INVALID_ARGUMENT',
        'out.dx',
      ],
      ['prelu in place through a view', () => pw.prelu(z, { out: zView }), 'X_REQUIRED', 'out'],
      [
        'sgdStep with a view of param as grad',
        () => pw.sgdStep(z, zView, 0.1),
        'INVALID_ARGUMENT',
        'grad',
      ],
    ];
    return expectRefusedUnchanged(pw, calls, [z]);
  });
  const end = pw.memory();
  if (outcome.pass && (end.buffers !== before.buffers || end.bytes !== before.bytes))
    return fail(
      `after disposing every view the storage was not freed: ${before.buffers} -> ${end.buffers} buffers`,
    );
  return outcome;
}

async function fillCase(pw: Pointwise): Promise<CaseOutcome> {
  return withTensors(async (keep) => {
    const a = keep(pw.fill([2, 3], -0.1));
    const n = keep(pw.fill([3], Number.NaN));
    const z = keep(pw.fill([2], -0));
    const o = keep(pw.ones([4]));
    const oi = keep(pw.ones([2], 'int32'));
    const o64 = keep(pw.ones([2], 'int64'));
    const u = keep(pw.fill([3], 255, 'uint8'));
    const big = keep(pw.fill([1], 2n ** 62n, 'int64'));
    const e = keep(pw.ones([0]));
    const ok =
      same(a.shape, [2, 3]) &&
      same(await a.read(), new Float32Array(6).fill(-0.1)) &&
      (await n.read()).every(Number.isNaN) &&
      same(await z.read(), [-0, -0]) &&
      same(await o.read(), [1, 1, 1, 1]) &&
      oi.dtype === 'int32' &&
      same(await oi.read(), [1, 1]) &&
      same(await o64.read(), [1n, 1n]) &&
      same(await u.read(), [255, 255, 255]) &&
      same(await big.read(), [2n ** 62n]) &&
      e.size === 0;
    if (!ok) return fail('fill / ones gave other values, shapes or dtypes');
    const calls: RefusedCall[] = [
      ['a bad shape', () => pw.fill([-1], 0), 'SHAPE_MISMATCH', 'shape'],
      ['a string value', () => pw.fill([1], '1' as never), 'INVALID_ARGUMENT', 'value'],
      ['a bad dtype', () => pw.ones([1], 'float64' as never), 'INVALID_ARGUMENT', 'dtype'],
      ['1.5 in int32', () => pw.fill([1], 1.5, 'int32'), 'PARAM_OUT_OF_RANGE', 'value'],
      ['256 in uint8', () => pw.fill([1], 256, 'uint8'), 'PARAM_OUT_OF_RANGE', 'value'],
      ['2^63 in int64', () => pw.fill([1], 2n ** 63n, 'int64'), 'PARAM_OUT_OF_RANGE', 'value'],
      ['a bigint in float32', () => pw.fill([1], 1n), 'INVALID_ARGUMENT', 'value'],
    ];
    return expectRefusedUnchanged(pw, calls, [a]);
  });
}

/** The contract's SGD step on the host: f32(p - f32(f32(lr) * g)). */
function sgdReference(p: Float32Array, g: Float32Array, lr: number): Float32Array {
  const l = f32(lr);
  return p.map((v, i) => f32(v - f32(l * g[i]!)));
}

function sgdInputs(n: number, seed: number): { p: Float32Array; g: Float32Array } {
  const rnd = seededRandom(seed);
  const p = new Float32Array(n);
  const g = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    // mixed magnitudes, so some products are exact, some round, some cancel
    p[i] = (rnd() - 0.5) * 2 ** Math.floor(rnd() * 40 - 20);
    g[i] = (rnd() - 0.5) * 2 ** Math.floor(rnd() * 40 - 20);
  }
  // specials in both, every pairing in the first rows
  const s = SPECIAL_VALUES;
  for (let k = 0; k < Math.min(n, s.length * s.length); k++) {
    p[k] = s[Math.floor(k / s.length)]!;
    g[k] = s[k % s.length]!;
  }
  return { p, g };
}

async function sgdCase(pw: Pointwise): Promise<CaseOutcome> {
  for (const n of [0, 1, 5, 4096, 4099, 65537]) {
    for (const lr of [0.1, 0, 1, 1e-30, 3e38, 2 ** -149]) {
      const problem = await withTensors(async (keep) => {
        const { p, g } = sgdInputs(n, n + 17);
        const param = keep(pw.tensor(p));
        const grad = keep(pw.tensor(g));
        const before = pw.memory();
        const back = pw.sgdStep(param, grad, lr);
        if (back !== param) return 'sgdStep did not return param';
        if (pw.memory().buffers !== before.buffers) return 'sgdStep allocated';
        const got = await param.read();
        const want = sgdReference(p, g, lr);
        const at = sameF32(got, want);
        if (at >= 0)
          return `n=${n} lr=${lr}: element ${at}: p=${p[at]} g=${g[at]} gave ${got[at]}, want ${want[at]}`;
        if (sameF32(await grad.read(), g) >= 0) return `n=${n}: grad changed`;
        return null;
      });
      if (problem) return fail(problem);
    }
  }
  // a [2, 3] param through a reshape view, and an update that reaches the device param
  return withTensors(async (keep) => {
    const p = keep(
      pw.tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    );
    const g = keep(keep(pw.tensor([1, 1, 1, 1, 1, 1])).reshape([2, 3]));
    pw.sgdStep(p, g, 0.5);
    if (!same(await p.read(), [0.5, 1.5, 2.5, 3.5, 4.5, 5.5])) return fail('sgdStep on [2, 3]');
    return PASS;
  });
}

async function sgdErrors(pw: Pointwise, other: Pointwise | null): Promise<CaseOutcome> {
  return withTensors(async (keep) => {
    const p = keep(pw.tensor([1, 2, 3]));
    const g = keep(pw.tensor([1, 1, 1]));
    const g2 = keep(pw.tensor([1, 1]));
    const gi = keep(pw.tensor([1, 1, 1], { dtype: 'int32' }));
    const g23 = keep(keep(pw.tensor([1, 1, 1])).reshape([3, 1]));
    const gone = pw.tensor([1, 1, 1]);
    gone.dispose();
    const calls: RefusedCall[] = [
      ['grad of another shape', () => pw.sgdStep(p, g2, 0.1), 'SHAPE_MISMATCH', 'grad'],
      ['grad [3, 1] for param [3]', () => pw.sgdStep(p, g23, 0.1), 'SHAPE_MISMATCH', 'grad'],
      ['an int32 grad', () => pw.sgdStep(p, gi as never, 0.1), 'DTYPE_MISMATCH', 'grad'],
      ['an int32 param', () => pw.sgdStep(gi as never, g, 0.1), 'DTYPE_MISMATCH', 'param'],
      ['a disposed grad', () => pw.sgdStep(p, gone, 0.1), 'TENSOR_DISPOSED', 'grad'],
      ['grad is param', () => pw.sgdStep(p, p, 0.1), 'INVALID_ARGUMENT', 'grad'],
      ['a negative lr', () => pw.sgdStep(p, g, -0.1), 'PARAM_OUT_OF_RANGE', 'lr'],
      ['a NaN lr', () => pw.sgdStep(p, g, Number.NaN), 'PARAM_OUT_OF_RANGE', 'lr'],
      ['lr 1e39 (Inf as float32)', () => pw.sgdStep(p, g, 1e39), 'PARAM_OUT_OF_RANGE', 'lr'],
      ['a string lr', () => pw.sgdStep(p, g, '0.1' as never), 'INVALID_ARGUMENT', 'lr'],
      [
        'a Float32Array grad',
        () => pw.sgdStep(p, new Float32Array(3) as never, 0.1),
        'INVALID_ARGUMENT',
        'grad',
      ],
    ];
    if (other) {
      const foreign = keep(other.tensor([1, 1, 1]));
      calls.push([
        'a grad of another instance',
        () => pw.sgdStep(p, foreign, 0.1),
        'FOREIGN_TENSOR',
        'grad',
      ]);
    }
    return expectRefusedUnchanged(pw, calls, [p, g]);
  });
}

/** Foreign objects where a Tensor is expected: what they are and how to convert them. */
async function foreignObjects(pw: Pointwise): Promise<CaseOutcome> {
  const tfjsLike = {
    dataId: {},
    shape: [2, 3],
    dtype: 'float32',
    size: 6,
    rankType: '2',
    kernelBackend: null,
    id: 1,
  };
  const gpuBufferLike = { size: 24, usage: 128, mapAsync() {}, unmap() {}, destroy() {} };
  const cases: [string, unknown, string[]][] = [
    [
      'a tfjs tf.Tensor',
      tfjsLike,
      [
        'TensorFlow.js tf.Tensor float32 [2,3]',
        'pw.tensor(await t.data(), t.shape)',
        '@pointwise/tfjs',
      ],
    ],
    ['a Float32Array', new Float32Array(6), ['Float32Array', 'pw.tensor(data, shape)']],
    ['a plain array', [1, 2, 3], ['plain array', 'pw.tensor(array)']],
    ['a GPUBuffer', gpuBufferLike, ['GPUBuffer', 'pw.tensor(']],
  ];
  for (const [what, value, needles] of cases) {
    try {
      pw.relu(value as never);
      return fail(`relu(${what}) was accepted`);
    } catch (error) {
      if (
        !(error instanceof PointwiseError) ||
        error.code !== 'INVALID_ARGUMENT' ||
        error.arg !== 'x'
      )
        return fail(`relu(${what}): expected INVALID_ARGUMENT naming x, got ${String(error)}`);
      for (const n of needles)
        if (!error.message.includes(n))
          return fail(`relu(${what}): message lacks "${n}": ${error.message}`);
      if (what === 'a tfjs tf.Tensor' && error.message.includes('got Tensor<'))
        return fail(`relu(${what}) calls a tf.Tensor a Tensor: ${error.message}`);
    }
  }
  return PASS;
}

/** prelu on channels-last data: the error says channelAxis: -1 when the last axis fits. */
async function preluNhwc(pw: Pointwise): Promise<CaseOutcome> {
  return withTensors(async (keep) => {
    const x = keep(pw.tensor(new Float32Array(24), [1, 2, 4, 3]));
    try {
      pw.prelu(x, { slope: [0.1, 0.2, 0.3] }).dispose();
      return fail('prelu of [1, 2, 4, 3] with three slopes and the default axis ran');
    } catch (error) {
      if (
        !(error instanceof PointwiseError) ||
        error.code !== 'SHAPE_MISMATCH' ||
        error.arg !== 'slope'
      )
        return fail(`expected SHAPE_MISMATCH naming slope, got ${String(error)}`);
      if (!error.message.includes('channelAxis: -1'))
        return fail(`the message does not mention channelAxis: -1: ${error.message}`);
    }
    const y = keep(pw.prelu(x, { slope: [0.1, 0.2, 0.3], channelAxis: -1 }));
    if (!same(y.shape, [1, 2, 4, 3])) return fail('channelAxis: -1 did not run');
    return PASS;
  });
}

/** The README's training loop: forward, backward, sgdStep on a device ceiling, no read. */
async function trainingLoop(pw: Pointwise): Promise<CaseOutcome> {
  return withTensors(async (keep) => {
    const x = keep(pw.tensor([-1, 0.5, 2, 7]));
    const target = [0, 0.5, 2, 3];
    const ceiling = keep(pw.tensor([6]));
    const act = pw.activation('clippedRelu', { ceiling });
    const y = keep(pw.zeros([4]));
    const g = keep(pw.zeros([4]));
    const dceiling = keep(pw.zeros([1]));
    let c = 6;
    for (let step = 0; step < 5; step++) {
      act.forward(x, { out: y });
      // dy = y - target on the host here (a loss kernel would keep it on the device)
      const yv = await y.read();
      g.write(yv.map((v, i) => v - target[i]!));
      act.backward(g, { x }, { out: { dx: g, dceiling } });
      const dc = (await dceiling.read())[0]!;
      pw.sgdStep(ceiling, dceiling, 0.25);
      c = f32(c - f32(f32(0.25) * dc));
    }
    const got = (await ceiling.read())[0]!;
    if (!Object.is(got, c))
      return fail(`ceiling after 5 steps ${got}, the host recurrence gives ${c}`);
    if (!(got < 6)) return fail('the ceiling did not move');
    return PASS;
  });
}

export function trainingCases(factory: () => BackendFactory | null): ConformanceCase[] {
  const simple = (
    id: string,
    op: string,
    description: string,
    run: (pw: Pointwise) => Promise<CaseOutcome>,
  ): ConformanceCase => ({ id, op, description, run });
  return [
    simple(
      'api/recorded/elu-example',
      'elu',
      "eluBackward from y of elu(alpha 0.5) uses 0.5 (the issue's 0.18394)",
      eluExample,
    ),
    simple(
      'api/recorded/omitted-params',
      'tensors',
      'backward from a recorded y with params omitted equals the explicit call',
      omittedParams,
    ),
    simple(
      'api/recorded/mismatch',
      'tensors',
      'other params, a y of another op, another or updated device tensor: PARAMS_MISMATCH',
      mismatch,
    ),
    simple(
      'api/recorded/lifetime',
      'tensors',
      'out, in-place, clone and views keep the record; writes forget it',
      recordLifetime,
    ),
    simple(
      'api/bound/every-activation',
      'tensors',
      "pw.activation(name, params) gives the explicit calls' bits for every sample param set",
      boundOps,
    ),
    simple(
      'api/bound/learnable',
      'clippedRelu',
      'a bound device ceiling is used by reference and updated by sgdStep',
      boundLearnable,
    ),
    simple(
      'api/bound/errors',
      'tensors',
      'bad names, params and per-call params are refused',
      boundOpErrors,
    ),
    simple(
      'tensor/write',
      'tensors',
      't.write(data): every dtype, ordering after queued work, refusals',
      writeCase,
    ),
    simple('tensor/clone', 'tensors', 't.clone(): a device copy with its own storage', cloneCase),
    simple(
      'tensor/reshape',
      'tensors',
      't.reshape(shape): a view sharing storage, freed with its last view',
      reshapeCase,
    ),
    simple('tensor/fill', 'tensors', 'pw.fill / pw.ones, every dtype, and refusals', fillCase),
    simple(
      'update/sgdStep',
      'tensors',
      'pw.sgdStep: f32(p - f32(lr*g)) bit for bit, specials included, in place',
      sgdCase,
    ),
    {
      id: 'update/sgdStep-errors',
      op: 'tensors',
      description: 'pw.sgdStep refusals change nothing',
      run: async (pw) => {
        const f = factory();
        const other = f ? await pointwise(f) : null;
        try {
          return await sgdErrors(pw, other);
        } finally {
          other?.destroy();
        }
      },
    },
    simple(
      'api/foreign-objects',
      'tensors',
      'a tf.Tensor, typed array, array or GPUBuffer as a Tensor: what it is and how to convert it',
      foreignObjects,
    ),
    simple(
      'api/prelu/nhwc-hint',
      'prelu',
      'channels-last slopes with the default axis: the error names channelAxis: -1',
      preluNhwc,
    ),
    simple(
      'api/training-loop',
      'clippedRelu',
      'forward, backward and sgdStep on a device ceiling match the host recurrence',
      trainingLoop,
    ),
  ];
}

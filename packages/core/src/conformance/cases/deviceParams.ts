// Conformance cases for learnable scalars kept on the device: clippedRelu's ceiling,
// shiftedRelu's threshold and dropout's replacement given as a float32 tensor of
// shape [] or [1]. Results are bit-identical to the same host number (forward, dx,
// the parameter gradient), the tensor is left unchanged, the gradient from one
// backward serves as the next step's parameter without a read, wrong dtype / shape /
// instance / a disposed tensor is a typed error naming the parameter that changes
// nothing, and values a host number could not be (c <= 0, NaN, ±Inf) give exactly
// what the formulas give.

import type { BackendFactory } from '../../backend.js';
import type { ErrorCode } from '../../errors.js';
import { type Pointwise, pointwise } from '../../pointwise.js';
import type { Tensor } from '../../tensor.js';
import { type CaseOutcome, type ConformanceCase, expectError } from '../case.js';

const fail = (message: string): CaseOutcome => ({ pass: false, message });
const PASS: CaseOutcome = { pass: true };
type F32 = Tensor<'float32'>;

/** Bits equal (any NaN matches any NaN). */
function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return (
    a.length === b.length &&
    Array.from(a).every((v, i) => Object.is(v, b[i]) || (Number.isNaN(v) && Number.isNaN(b[i])))
  );
}

/** The first 12 values, -0 written as such. */
function shownList(a: ArrayLike<number>): string {
  return Array.from(a)
    .slice(0, 12)
    .map((v) => (Object.is(v, -0) ? '-0' : String(v)))
    .join(',');
}

/** A sum: equal as numbers (a sum of no terms may be either zero), NaN matches NaN. */
function sameSum(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

const SHAPE = [4, 16];
const SIZE = 64;

/** x in [-4, 4) in steps of 1/8 (both kinks hit exactly), one NaN, +Inf and -0. */
function xValues(): Float32Array {
  const v = new Float32Array(SIZE).map((_, i) => ((i * 37) % 64) / 8 - 4);
  v[1] = Number.NaN;
  v[2] = Number.POSITIVE_INFINITY;
  v[3] = -0;
  return v;
}

/** dy in small multiples of 1/4, so every sum here is exact in float32. */
function dyValues(): Float32Array {
  return new Float32Array(SIZE).map((_, i) => ((i * 5) % 9) / 4 - 1);
}

/** The host calls of one op and their device-parameter twins. */
interface ScalarOp {
  op: string;
  name: 'ceiling' | 'threshold' | 'replacement';
  grad: 'dceiling' | 'dthreshold' | 'dreplacement';
  /** Host values (valid as numbers). */
  hostValues: number[];
  /** forward, backward from x and (where the op allows) from y: named results. */
  run(pw: Pointwise, x: F32, dy: F32, p: number | F32): Promise<Record<string, ArrayLike<number>>>;
  /** The formulas evaluated on the host for any float32 value of the parameter. */
  reference(x: Float32Array, dy: Float32Array, p: number): Record<string, ArrayLike<number>>;
  /** Device-only values: what the formulas give outside the host number's range. */
  deviceValues: number[];
}

async function readAll(
  made: Tensor[],
  parts: Record<string, F32>,
): Promise<Record<string, ArrayLike<number>>> {
  const out: Record<string, ArrayLike<number>> = {};
  for (const [k, t] of Object.entries(parts)) {
    made.push(t);
    out[k] = await t.read();
  }
  return out;
}

const DRAW = { ratio: 0.5, seed: 5n, stream: 2n, scale: true };

const OPS: ScalarOp[] = [
  {
    op: 'clippedRelu',
    name: 'ceiling',
    grad: 'dceiling',
    hostValues: [6, 1, 0.3, 3e38],
    deviceValues: [0, -0, -1.5, Number.NaN, Number.POSITIVE_INFINITY],
    async run(pw, x, dy, ceiling) {
      const made: Tensor[] = [];
      const y = pw.clippedRelu(x, { ceiling } as never);
      const b = pw.clippedReluBackward(dy, { x }, { ceiling } as never);
      const by = pw.clippedReluBackward(dy, { y }, { ceiling } as never);
      const out = await readAll(made, { y, dx: b.dx, dceiling: b.dceiling, dxFromY: by.dx });
      for (const t of made) t.dispose();
      return out;
    },
    reference(x, dy, c) {
      const y = x.map((v) => (v <= 0 ? 0 : v >= c ? c : v));
      const dx = x.map((v, i) => (v <= 0 || v >= c ? 0 : dy[i]!));
      const dxFromY = y.map((v, i) => (v <= 0 || v >= c ? 0 : dy[i]!));
      let sum = 0;
      x.forEach((v, i) => {
        if (v >= c) sum += dy[i]!;
      });
      return { y, dx, dceiling: [sum], dxFromY };
    },
  },
  {
    op: 'shiftedRelu',
    name: 'threshold',
    grad: 'dthreshold',
    hostValues: [0, -0, 1.5, -2.5, 0.1, 1e-39],
    deviceValues: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
    async run(pw, x, dy, threshold) {
      const made: Tensor[] = [];
      const y = pw.shiftedRelu(x, { threshold } as never);
      const b = pw.shiftedReluBackward(dy, { x }, { threshold } as never);
      const by = pw.shiftedReluBackward(dy, { y }, { threshold } as never);
      const out = await readAll(made, {
        y,
        dx: b.dx,
        dthreshold: b.dthreshold,
        dxFromY: by.dx,
        dthresholdFromY: by.dthreshold,
      });
      for (const t of made) t.dispose();
      return out;
    },
    reference(x, dy, t) {
      const y = x.map((v) => (v <= t ? 0 : v - t));
      const dx = x.map((v, i) => (v <= t ? 0 : dy[i]!));
      let sum = 0;
      x.forEach((v, i) => {
        if (!(v <= t)) sum -= dy[i]!;
      });
      let sumY = 0;
      y.forEach((v, i) => {
        if (!(v <= 0)) sumY -= dy[i]!;
      });
      const dxFromY = y.map((v, i) => (v <= 0 ? 0 : dy[i]!));
      return { y, dx, dthreshold: [sum], dxFromY, dthresholdFromY: [sumY] };
    },
  },
  {
    op: 'dropoutWithReplacement',
    name: 'replacement',
    grad: 'dreplacement',
    // -0: the dropped elements keep its sign, on every path (a threaded backend's
    // per-range arguments included: wasm-simd's pool wrote +0, issue 19)
    hostValues: [0, -0, -1.5, 1e30],
    deviceValues: [Number.NaN, Number.NEGATIVE_INFINITY],
    async run(pw, x, dy, replacement) {
      const made: Tensor[] = [];
      const f = pw.dropoutWithReplacement(x, { ...DRAW, replacement } as never);
      made.push(f.mask);
      const b = pw.dropoutWithReplacementBackward(dy, { ...DRAW, replacement } as never);
      const out = await readAll(made, { y: f.y, dx: b.dx, dreplacement: b.dreplacement });
      out.mask = await f.mask.read();
      for (const t of made) t.dispose();
      return out;
    },
    reference() {
      return {};
    },
  },
];

function compare(
  label: string,
  got: Record<string, ArrayLike<number>>,
  want: Record<string, ArrayLike<number>>,
  sums: readonly string[],
): string | null {
  for (const key of Object.keys(want)) {
    const g = got[key];
    const w = want[key]!;
    if (!g) return `${label}: no ${key}`;
    const ok = sums.includes(key) ? sameSum(g[0]!, w[0]!) && g.length === 1 : same(g, w);
    if (!ok) return `${label}: ${key} = ${shownList(g)} but expected ${shownList(w)}`;
  }
  return null;
}

async function deviceScalar(
  pw: Pointwise,
  s: ScalarOp,
  factory: BackendFactory | null,
): Promise<CaseOutcome> {
  const made: Tensor[] = [];
  const keep = <T extends Tensor>(t: T): T => {
    made.push(t);
    return t;
  };
  let other: Pointwise | null = null;
  try {
    const xData = xValues();
    const dyData = dyValues();
    const x = keep(pw.tensor(xData, SHAPE));
    const dy = keep(pw.tensor(dyData, SHAPE));
    const sums = ['dceiling', 'dthreshold', 'dthresholdFromY'];
    // 1. the same bits as the host number, with shape [1] and shape []
    for (const value of s.hostValues) {
      const host = await s.run(pw, x, dy, value);
      for (const shape of [[1], []]) {
        const p = keep(pw.tensor(new Float32Array([value]), shape));
        const device = await s.run(pw, x, dy, p);
        const shown = Object.is(value, -0) ? '-0' : String(value);
        const problem = compare(`${s.name} ${shown} as shape [${shape}]`, device, host, []);
        if (problem) return fail(`${problem} (host number gave that)`);
        if (!same(await p.read(), new Float32Array([value])))
          return fail(`the ${s.name} tensor was changed`);
      }
    }
    // 2. values only a device tensor can hold: exactly what the formulas give
    // a NaN with the sign bit set, too: comparisons must see it as NaN, not by its bits
    const negativeNaN = new Float32Array(new Uint32Array([0xffc00000]).buffer);
    for (const data of [...s.deviceValues.map((v) => new Float32Array([v])), negativeNaN]) {
      const value = data[0]!;
      const p = keep(pw.tensor(data, [1]));
      const got = await s.run(pw, x, dy, p);
      if (s.op === 'dropoutWithReplacement') {
        const ref = await s.run(pw, x, dy, 0);
        const y = Array.from(ref.y, (v, i) => (got.mask![i] ? v : value));
        const problem =
          compare(`replacement ${value}`, got, { mask: ref.mask!, dx: ref.dx! }, []) ??
          compare(`replacement ${value}`, got, { y, dreplacement: ref.dreplacement! }, [
            'dreplacement',
          ]);
        if (problem) return fail(problem);
      } else {
        const problem = compare(`${s.name} ${value}`, got, s.reference(xData, dyData, value), sums);
        if (problem) return fail(problem);
      }
    }
    // 3. training loop: each step's gradient is the next step's parameter, never read
    const dyTrain = keep(pw.tensor(new Float32Array(SIZE).fill(0.125), SHAPE));
    const start = s.op === 'dropoutWithReplacement' ? -1 : 0.5;
    let param: F32 = keep(pw.tensor([start]));
    let hostParam = start;
    for (let step = 0; step < 3; step++) {
      const device = await stepWith(pw, s, x, dyTrain, param, made);
      const host = await stepWith(pw, s, x, dyTrain, hostParam, made);
      const problem = compare(`training step ${step}`, device.results, host.results, []);
      if (problem) return fail(problem);
      param = device.grad;
      hostParam = host.results.grad![0]!;
    }
    // 4. refused: dtype, shape, disposed, another instance, an output that is the parameter
    const ints = keep(pw.tensor(new Int32Array(1)));
    const two = keep(pw.tensor([1, 2]));
    const gone = pw.tensor([1]);
    gone.dispose();
    const p = keep(pw.tensor([2]));
    const dx = keep(pw.tensor(new Float32Array(SIZE).fill(7), SHAPE));
    const call = (value: unknown) => () => forward(pw, s, x, value);
    const bad: [string, () => unknown, ErrorCode, string][] = [
      ['an int32 tensor', call(ints), 'DTYPE_MISMATCH', s.name],
      ['a [2] tensor', call(two), 'SHAPE_MISMATCH', s.name],
      ['a disposed tensor', call(gone), 'TENSOR_DISPOSED', s.name],
      [
        'the output as the parameter',
        () => backwardInto(pw, s, x, dy, p, { dx, [s.grad]: p }),
        'INVALID_ARGUMENT',
        `out.${s.grad}`,
      ],
      [
        'a disposed tensor in backward',
        () => backwardInto(pw, s, x, dy, gone, undefined),
        'TENSOR_DISPOSED',
        s.name,
      ],
    ];
    if (factory) {
      other = await pointwise(factory);
      const foreign = other.tensor([1]);
      bad.push(['a tensor of another instance', call(foreign), 'FOREIGN_TENSOR', s.name]);
    }
    await pw.flush();
    const before = pw.memory();
    for (const [what, run, code, arg] of bad) {
      const problem = expectError(run, code, arg);
      if (problem) return fail(`${s.name} as ${what}: ${problem}`);
    }
    await pw.flush();
    const after = pw.memory();
    if (after.bytes !== before.bytes || after.buffers !== before.buffers)
      return fail('a refused call changed memory');
    if (!same(await dx.read(), new Float32Array(SIZE).fill(7)) || !same(await p.read(), [2]))
      return fail('a refused call wrote to a tensor');
    return PASS;
  } finally {
    for (const t of made) t.dispose();
    other?.destroy();
  }
}

function forward(pw: Pointwise, s: ScalarOp, x: F32, value: unknown): unknown {
  const params = { [s.name]: value };
  if (s.op === 'clippedRelu') return pw.clippedRelu(x, params as never);
  if (s.op === 'shiftedRelu') return pw.shiftedRelu(x, params as never);
  const r = pw.dropoutWithReplacement(x, { ...DRAW, ...params } as never);
  r.mask.dispose();
  return r.y;
}

function backwardInto(
  pw: Pointwise,
  s: ScalarOp,
  x: F32,
  dy: F32,
  value: unknown,
  out: object | undefined,
): unknown {
  const params = { [s.name]: value, out };
  if (s.op === 'clippedRelu') return pw.clippedReluBackward(dy, { x }, params as never);
  if (s.op === 'shiftedRelu') return pw.shiftedReluBackward(dy, { x }, params as never);
  return pw.dropoutWithReplacementBackward(dy, { ...DRAW, ...params } as never);
}

/** One training step: forward and backward with `param`; returns its results and the gradient tensor. */
async function stepWith(
  pw: Pointwise,
  s: ScalarOp,
  x: F32,
  dy: F32,
  param: number | F32,
  made: Tensor[],
): Promise<{ results: Record<string, ArrayLike<number>>; grad: F32 }> {
  const y = forward(pw, s, x, param) as F32;
  const b = backwardInto(pw, s, x, dy, param, undefined) as Record<string, F32>;
  made.push(y, b.dx!, b[s.grad]!);
  return {
    results: { y: await y.read(), dx: await b.dx!.read(), grad: await b[s.grad]!.read() },
    grad: b[s.grad]!,
  };
}

export function deviceParamCases(factory: () => BackendFactory | null): ConformanceCase[] {
  return OPS.map((s) => ({
    id: `api/${s.op === 'dropoutWithReplacement' ? 'dropout' : s.op}/device-${s.name}`,
    op: s.op === 'dropoutWithReplacement' ? 'dropout' : s.op,
    description: `a float32 ${s.name} tensor ([] or [1]) gives the same bits as the host number (forward, dx, ${s.grad}), stays unchanged, serves as the next step's ${s.name} from ${s.grad} without a read, gives what the formulas give for ${s.deviceValues.map(String).join(', ')} and a negative NaN, and is refused with a typed error (dtype, shape, disposed, another instance, aliased by out.${s.grad})`,
    run: (pw: Pointwise) => deviceScalar(pw, s, factory()),
  }));
}

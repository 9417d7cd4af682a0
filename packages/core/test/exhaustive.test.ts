// The exhaustive mode's own parts: the fast chunk references agree bit for bit with
// the op specs' float64 references (every planned task, on its slice windows and on
// random bit patterns), the slice windows cover every kink and boundary within 2^24
// inputs, and the comparators flag what they must (a wrong NaN-free bit, a lost -0,
// elu beyond 2 ulp) and accept what they must (any NaN payload, elu within 2 ulp).
import { describe, expect, it } from 'vitest';
import { compareExact, compareUlp, emptyTally } from '../src/conformance/exhaustive/compare.js';
import { fastCheck } from '../src/conformance/exhaustive/fastcheck.js';
import { kinkBits, planSweeps, sliceWindows } from '../src/conformance/exhaustive/plan.js';
import {
  chunkReference,
  ELU_SATURATED,
  ELU_TINY,
  eluElement,
  eluZeroBelow,
} from '../src/conformance/exhaustive/reference.js';
import { skipInputs } from '../src/conformance/exhaustive/run.js';
import { resolveTask } from '../src/conformance/exhaustive/sweep.js';
import { activations } from '../src/ops/index.js';

const N = 1 << 14;

function inputsFor(task: ReturnType<typeof planSweeps>[number]): Uint32Array {
  const bits: number[] = [];
  for (const w of sliceWindows(task, N))
    for (let i = 0; i < w.count; i++) bits.push((w.start + i) >>> 0);
  let s = 0x9e3779b9;
  for (let i = 0; i < N; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    bits.push(s);
  }
  return Uint32Array.from(bits);
}

describe('exhaustive chunk references', () => {
  const tasks = planSweeps();
  it('cover every op, with backward from y only where the contract allows it', () => {
    expect(new Set(tasks.map((t) => t.op)).size).toBe(activations.length);
    expect(tasks.some((t) => t.op === 'prelu' && t.kind === 'backward-y')).toBe(false);
    expect(tasks.some((t) => t.id === 'leakyRelu/backward-y/alpha=-0.5/dy=0xbfb504f3')).toBe(false);
  });
  for (const task of tasks) {
    it(`${task.id} matches the op spec's reference bit for bit`, () => {
      const bits = inputsFor(task);
      const inp = new Float32Array(bits.buffer);
      const fast = new Float32Array(inp.length);
      const r = resolveTask(task, inp.length);
      chunkReference(task.op, task.kind, r)(inp, task.fixed ?? 0, fast);
      const spec = activations.find((a) => a.spec.name === task.op)!.spec as any;
      const ref = spec.reference;
      const slow = new Float32Array(inp.length);
      const fixed = task.fixed ?? 0;
      let elementBad = 0;
      for (let i = 0; i < inp.length; i++) {
        const v = inp[i]!;
        slow[i] =
          task.kind === 'forward'
            ? ref.forward(v, r, 0)
            : task.kind === 'backward-x'
              ? ref.backward(fixed, v, r, 0)
              : task.kind === 'backward-y'
                ? ref.backwardFromY(fixed, v, r, 0)
                : ref.backward(v, fixed, r, 0);
        if (
          task.op === 'elu' &&
          !Object.is(Math.fround(eluElement(task.kind, r.alpha!, v, fixed).expected), slow[i]) &&
          !Number.isNaN(slow[i])
        )
          elementBad++;
      }
      expect(elementBad).toBe(0);
      const a = new Uint32Array(fast.buffer);
      const b = new Uint32Array(slow.buffer);
      const nan = (x: number) => (x & 0x7fffffff) > 0x7f800000;
      let bad = 0;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(nan(a[i]!) && nan(b[i]!))) bad++;
      expect(bad).toBe(0);
    });
  }
});

describe("elu's reference: the closed-form ranges", () => {
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  const bitsOf = (v: number) => {
    f32[0] = v;
    return u32[0]!;
  };
  for (const task of planSweeps({ ops: ['elu'] }).filter(
    (t) => t.kind === 'forward' || t.kind === 'backward-x',
  )) {
    it(`${task.id}: agrees with the op spec's reference at every cut and across the negative half`, () => {
      const r = resolveTask(task, 1);
      const fixed = task.fixed ?? 0;
      const cuts = [ELU_TINY, ELU_SATURATED, eluZeroBelow(r.alpha!, fixed), -0, -745, -104]
        .filter(Number.isFinite)
        .map(bitsOf);
      const bits: number[] = [];
      for (const c of cuts) for (let d = -4096; d <= 4096; d++) bits.push((c + d) >>> 0);
      for (let b = 0x80000000; b <= 0xff800000; b += 7919) bits.push(b);
      const inp = new Float32Array(Uint32Array.from(bits).buffer);
      const fast = new Float32Array(inp.length);
      chunkReference('elu', task.kind, r)(inp, fixed, fast);
      const ref = (activations.find((a) => a.spec.name === 'elu')!.spec as any).reference;
      let bad = 0;
      for (let i = 0; i < inp.length; i++) {
        const want = Math.fround(
          task.kind === 'forward' ? ref.forward(inp[i]!, r, 0) : ref.backward(fixed, inp[i]!, r, 0),
        );
        if (!Object.is(want, fast[i]) && !(Number.isNaN(want) && Number.isNaN(fast[i]))) bad++;
      }
      expect(bad).toBe(0);
    });
  }
});

describe('fused closed-form checks (exact ops)', () => {
  const isNaN32 = (b: number) => (b & 0x7fffffff) > 0x7f800000;
  for (const task of planSweeps().filter((t) => t.op !== 'elu')) {
    it(`${task.id}: accepts exactly the reference's bits (any NaN), flags every planted change`, () => {
      const bits = new Int32Array(inputsFor(task).buffer);
      const inp = new Float32Array(bits.buffer);
      const r = resolveTask(task, inp.length);
      const check = fastCheck(task.op, task.kind, r, task.fixed);
      expect(check).not.toBeNull();
      const expectedF = new Float32Array(inp.length);
      chunkReference(task.op, task.kind, r)(inp, task.fixed ?? 0, expectedF);
      const expected = new Int32Array(expectedF.buffer);
      // the reference itself, with every NaN given another payload and sign: nothing differs
      const ok = Int32Array.from(expected, (e) => (isNaN32(e) ? (e ^ 0x80000001) | 0x00400000 : e));
      const t = emptyTally();
      check!(t, bits, inp, ok, new Float32Array(ok.buffer), ok.length);
      expect(t).toEqual({ checked: ok.length, differ: 0, worstUlp: 0, first: [] });
      // planted: the last mantissa bit, a zero's sign, a number for a NaN, a NaN for a
      // number; at every 61st input and at each kink and boundary and its neighbours
      const special = new Set<number>();
      for (const k of [
        ...kinkBits(task),
        0,
        0x80000000,
        0x00800000,
        0x80800000,
        0x7f800000,
        0xff800000,
      ])
        for (const d of [-2, -1, 0, 1, 2]) special.add((k + d) | 0);
      const bad = Int32Array.from(expected);
      const planted: number[] = [];
      for (let i = 3; i < bad.length; i++) {
        if (i % 61 !== 3 && !special.has(bits[i]!)) continue;
        const e = expected[i]!;
        if (isNaN32(e)) bad[i] = 0;
        else if ((e & 0x7fffffff) === 0) bad[i] = e ^ 0x80000000;
        else if (i % 2) bad[i] = e ^ 1;
        else bad[i] = 0x7fc00000;
        planted.push(i);
      }
      const t2 = emptyTally();
      check!(t2, bits, inp, bad, new Float32Array(bad.buffer), bad.length);
      expect(t2.checked).toBe(bad.length);
      expect(t2.differ).toBe(planted.length);
      const h = (b: number) => `0x${(b >>> 0).toString(16).padStart(8, '0')}`;
      expect(t2.first[0]).toEqual({
        input: h(bits[3]!),
        ...(task.fixed !== undefined
          ? { fixed: h(new Int32Array(Float32Array.of(task.fixed).buffer)[0]!) }
          : {}),
        expected: h(expected[3]!),
        got: h(bad[3]!),
      });
      // a shorter chunk: only the first n are checked
      const t3 = emptyTally();
      check!(t3, bits, inp, bad, new Float32Array(bad.buffer), 3);
      expect(t3).toEqual({ checked: 3, differ: 0, worstUlp: 0, first: [] });
    });
  }
  it('elu has none (it is judged by the ulp rule)', () => {
    const task = planSweeps({ ops: ['elu'] })[0]!;
    expect(fastCheck('elu', task.kind, resolveTask(task, 1), task.fixed)).toBeNull();
  });
});

describe('slice windows', () => {
  it('stay within the budget, merge overlaps and contain every kink and boundary', () => {
    for (const task of planSweeps({ defaultsOnly: true })) {
      const w = sliceWindows(task);
      expect(w.reduce((s, r) => s + r.count, 0)).toBeLessThanOrEqual(2 ** 24);
      for (let i = 1; i < w.length; i++)
        expect(w[i]!.start).toBeGreaterThan(w[i - 1]!.start + w[i - 1]!.count - 1);
      const inside = (b: number) => w.some((r) => b >= r.start && b < r.start + r.count);
      for (const b of [0, 0x80000000, 0x7f800000, 0xff800000, 0x00800000])
        expect(inside(b)).toBe(true);
    }
    const t = planSweeps({ ops: ['thresholdedRelu'], defaultsOnly: true })[0]!;
    expect(
      sliceWindows(t).some((r) => 0x3f800000 >= r.start && 0x3f800000 < r.start + r.count),
    ).toBe(true);
  });
  it('skipInputs drops a prefix across ranges', () => {
    expect(
      skipInputs(
        [
          { start: 10, count: 5 },
          { start: 100, count: 5 },
        ],
        7,
      ),
    ).toEqual([{ start: 102, count: 3 }]);
    expect(skipInputs([{ start: 10, count: 5 }], 0)).toEqual([{ start: 10, count: 5 }]);
  });
});

describe('comparators', () => {
  const inp = new Uint32Array([1, 2, 3, 4]);
  it('exact: any NaN for NaN, every other bit must match (a lost -0 differs)', () => {
    const t = emptyTally();
    compareExact(
      t,
      inp,
      undefined,
      new Uint32Array([0x7fc00000, 0x80000000, 5, 6]),
      new Uint32Array([0xffc00001, 0, 5, 7]),
    );
    expect(t.checked).toBe(4);
    expect(t.differ).toBe(2);
    expect(t.first).toEqual([
      { input: '0x00000002', expected: '0x80000000', got: '0x00000000' },
      { input: '0x00000004', expected: '0x00000006', got: '0x00000007' },
    ]);
  });
  it('ulp: within 2 ulp passes and counts toward the worst ulp, 3 ulp and a lost exact -0 differ', () => {
    const t = emptyTally();
    const one = 0x3f800000;
    const element = (i: number) => ({ expected: i === 3 ? -0 : 1, factor: 1, scale: 1 });
    compareUlp(
      t,
      2,
      inp,
      undefined,
      new Uint32Array([one, one, one, 0x80000000]),
      new Uint32Array([one, one + 2, one + 3, 0]),
      element,
    );
    expect(t.worstUlp).toBe(2);
    expect(t.differ).toBe(2);
    expect(t.first.map((d) => d.input)).toEqual(['0x00000003', '0x00000004']);
  });
  it('ulp: below the normal range, a result of the same sign passes (flush allowance), another sign differs', () => {
    const t = emptyTally();
    const tiny = 5 * 2 ** -149;
    const element = () => ({ expected: tiny, factor: 1, scale: 1 });
    compareUlp(
      t,
      2,
      inp,
      undefined,
      new Uint32Array([5, 5, 5, 5]),
      new Uint32Array([0, 0x007fffff, 0x80000000, 0x80000005]),
      element,
    );
    expect(t.worstUlp).toBe(0);
    expect(t.first.map((d) => d.input)).toEqual(['0x00000003', '0x00000004']);
  });
});

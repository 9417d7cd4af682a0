// Compares one chunk of backend output with the chunk reference, bit pattern by bit
// pattern, and accumulates a task's tally: how many differ, the worst ulp of the
// results judged by the ulp rule (elu), and the first few differing inputs.

import { F32_MIN_NORMAL } from '../../float32.js';
import { judgeUlp } from '../intervals.js';

/** One differing input, as hex bit patterns. */
export interface Difference {
  /** The swept input's bits (x, y or dy). */
  input: string;
  /** The fixed operand (dy or x), when the sweep has one. */
  fixed?: string;
  expected: string;
  got: string;
}

/** The running result of one sweep task. */
export interface Tally {
  checked: number;
  differ: number;
  /** elu: the largest ulp distance within the normal range (0 for exact ops). */
  worstUlp: number;
  first: Difference[];
}

export const MAX_LISTED = 5;

export function emptyTally(): Tally {
  return { checked: 0, differ: 0, worstUlp: 0, first: [] };
}

const h = (bits: number) => `0x${(bits >>> 0).toString(16).padStart(8, '0')}`;
const isNaNBits = (b: number) => (b & 0x7fffffff) > 0x7f800000;
/** Position on the float32 number line in ulps (±0 both 0). */
const ordinal = (b: number) => (b & 0x80000000 ? -(b & 0x7fffffff) : b);

function note(t: Tally, inBits: number, fixedBits: number | undefined, e: number, a: number): void {
  t.differ++;
  if (t.first.length < MAX_LISTED)
    t.first.push({
      input: h(inBits),
      ...(fixedBits !== undefined ? { fixed: h(fixedBits) } : {}),
      expected: h(e),
      got: h(a),
    });
}

/** Exact ops: the same bit pattern, or NaN for NaN (any payload). */
export function compareExact(
  t: Tally,
  inp: Uint32Array,
  fixedBits: number | undefined,
  expected: Uint32Array,
  actual: Uint32Array,
): void {
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    if (a !== e && !(isNaNBits(e) && isNaNBits(a))) note(t, inp[i]!, fixedBits, e, a);
  }
  t.checked += actual.length;
}

/** One element by the exact rule (does not count it as checked): the slow path of the fast checks. */
export function judgeExactOne(
  t: Tally,
  inBits: number,
  fixedBits: number | undefined,
  e: number,
  a: number,
): void {
  const eu = e >>> 0;
  const au = a >>> 0;
  if (au !== eu && !(isNaNBits(eu) && isNaNBits(au))) note(t, inBits, fixedBits, eu, au);
}

/**
 * elu: within `ulps` of the float32-rounded reference (fast path on the bits), else
 * the conformance suite's judge (flush and overflow allowances) on the float64
 * reference from `element(i)`. A zero whose float64 reference is an exact zero must
 * keep the reference's sign (elu(-0) = alpha·(-0)).
 */
const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

export function compareUlp(
  t: Tally,
  ulps: number,
  inp: Uint32Array,
  fixedBits: number | undefined,
  expected: Uint32Array,
  actual: Uint32Array,
  element: (i: number) => { expected: number; factor: number; scale: number },
): void {
  const minNormalBits = 0x00800000;
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    if (a === e) continue;
    if (isNaNBits(e) || isNaNBits(a)) {
      if (!(isNaNBits(e) && isNaNBits(a))) note(t, inp[i]!, fixedBits, e, a);
      continue;
    }
    const d = Math.abs(ordinal(a) - ordinal(e));
    const ae = e & 0x7fffffff;
    if (d <= ulps && ae >= minNormalBits && ae < 0x7f800000) {
      if (d > t.worstUlp) t.worstUlp = d;
      continue;
    }
    // both below the normal range with one sign bit: the judge's flush allowance (the
    // float32-rounded reference is subnormal or zero exactly when the float64 one is
    // below 2^-126), decided here on the bits without the float64 reference
    if (ae < minNormalBits && (a & 0x7fffffff) < minNormalBits && ((a ^ e) & 0x80000000) === 0)
      continue;
    const ref = element(i);
    if ((a & 0x7fffffff) === 0 && ref.expected === 0) {
      // ±0 against an exact zero: the sign must match
      note(t, inp[i]!, fixedBits, e, a);
      continue;
    }
    scratchBits[0] = a;
    const av = scratch[0]!;
    const verdict = judgeUlp(ulps, av, ref.expected, ref.factor, ref.scale);
    if (verdict === false) note(t, inp[i]!, fixedBits, e, a);
    else if (
      verdict === true &&
      Math.abs(ref.expected) >= F32_MIN_NORMAL &&
      Number.isFinite(Math.fround(ref.expected)) &&
      d > t.worstUlp
    )
      t.worstUlp = d;
  }
  t.checked += actual.length;
}

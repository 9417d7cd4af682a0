// Acceptance checks computed from the float64 reference (the CTS's intervals):
// exact ops must return the float32 reference's bit pattern (NaN: any NaN);
// elu must land within 2 ulp, with SPEC's flush and overflow allowances; sums
// (dslope, dceiling, dreplacement) within n · 2^-24 · Σ|term| of the exact sum.

import { F32_MAX, F32_MIN_NORMAL, f32, f32Bits, sameF32, ulpDistance } from '../float32.js';

export interface Mismatch {
  index: number;
  inputs: Record<string, number>;
  expected: number;
  actual: number;
}

export interface CheckResult {
  pass: boolean;
  failures: number;
  /**
   * Largest ulp distance among the results judged by the ulp rule (exact ops: 0 when
   * passing); results accepted by a flush or overflow allowance are left out.
   */
  maxUlp: number;
  first?: Mismatch;
}

export function describeFloat(v: number): string {
  return `${Object.is(v, -0) ? '-0' : v} (0x${f32Bits(v).toString(16).padStart(8, '0')})`;
}

export function describeMismatch(label: string, result: CheckResult): string {
  if (result.pass) return `${label}: ok`;
  const m = result.first!;
  const inputs = Object.entries(m.inputs)
    .map(([k, v]) => `${k}=${describeFloat(v)}`)
    .join(', ');
  return `${label}: ${result.failures} element(s) outside the interval; first at [${m.index}] ${inputs}: expected ${describeFloat(f32(m.expected))} (f64 ${m.expected}), got ${describeFloat(m.actual)}`;
}

/**
 * Check `actual[i]` for every i against `expected(i)` (float64) with `accept`.
 * `inputs(i)` names the inputs for the message of the first mismatch.
 */
export function checkElements(
  actual: Float32Array,
  expected: (i: number) => number,
  accept: (i: number, actual: number, expected: number) => boolean | 'allowance',
  inputs: (i: number) => Record<string, number>,
): CheckResult {
  let failures = 0;
  let maxUlp = 0;
  let first: Mismatch | undefined;
  for (let i = 0; i < actual.length; i++) {
    const e = expected(i);
    const a = actual[i]!;
    const verdict = accept(i, a, e);
    // the reported error covers results in the normal range judged by the ulp bound;
    // results accepted by an allowance (elu's flushed subnormal factor or result,
    // an overflowed intermediate) would swamp it
    const r = f32(e);
    if (
      verdict !== 'allowance' &&
      !Number.isNaN(a) &&
      Number.isFinite(r) &&
      Math.abs(r) >= F32_MIN_NORMAL
    ) {
      const d = ulpDistance(a, r);
      if (d > maxUlp) maxUlp = d;
    }
    if (verdict === false) {
      failures++;
      first ??= { index: i, inputs: inputs(i), expected: e, actual: a };
    }
  }
  return { pass: failures === 0, failures, maxUlp, first };
}

/** Exact ops: the float32 reference bit pattern, or any NaN for NaN. */
export function acceptExact(_i: number, actual: number, expected: number): boolean {
  return sameF32(actual, f32(expected));
}

/**
 * elu (SPEC: 2 ulp where alpha·exp(x) is a normal float32 and nothing overflows;
 * elsewhere float32 flush / overflow behaviour, a flushed result keeping the
 * reference's sign). `factor` is alpha·exp(x) (or y + alpha from y), `scale` the
 * multiplier in front of it (dy in backward, 1 in forward).
 */
export function acceptUlp(
  ulps: number,
  actual: number,
  expected: number,
  factor: number,
  scale: number,
): boolean {
  return judgeUlp(ulps, actual, expected, factor, scale) !== false;
}

/**
 * acceptUlp's verdict with its reason: true within `ulps`, 'allowance' when only a
 * flush or overflow allowance accepts it (left out of the reported max ulp), false.
 */
export function judgeUlp(
  ulps: number,
  actual: number,
  expected: number,
  factor: number,
  scale: number,
): boolean | 'allowance' {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  const rounded = f32(expected);
  // two zeros are 0 ulp apart, but the sign of zero is part of the contract (SPEC)
  const zeroOfOtherSign = actual === 0 && rounded === 0 && !Object.is(actual, rounded);
  if (!zeroOfOtherSign && ulpDistance(actual, rounded) <= ulps) return true;
  const sameSignZero = actual === 0 && signBit(actual) === signBit(expected);
  // the result itself is below the normal range: it may be flushed
  if (
    Math.abs(expected) < F32_MIN_NORMAL &&
    (sameSignZero || (Math.abs(actual) < F32_MIN_NORMAL && signBit(actual) === signBit(expected)))
  ) {
    return 'allowance';
  }
  // alpha·exp(x) is not a normal float32: float32 arithmetic may flush it to zero first
  if (Math.abs(factor) < F32_MIN_NORMAL) {
    if (sameSignZero) return 'allowance';
    if (Number.isNaN(actual) && !Number.isFinite(scale)) return 'allowance'; // 0 · Inf
  }
  // a float32 intermediate (scale · alpha) may overflow before the product shrinks
  if (
    Math.abs(scale * factor) > F32_MAX ||
    Math.abs(scale) * Math.max(1, Math.abs(factor)) > F32_MAX
  ) {
    if (actual === Math.sign(expected) * Number.POSITIVE_INFINITY) return 'allowance';
  }
  return false;
}

/** The sign bit of a number: true for -0 and negatives (Math.sign(-0) === Math.sign(0) compares equal). */
function signBit(v: number): boolean {
  return v < 0 || Object.is(v, -0);
}

/** Neumaier-compensated float64 sum, plus Σ|term| and the term count. */
export class ExactSum {
  sum = 0;
  compensation = 0;
  absSum = 0;
  count = 0;
  add(term: number): void {
    const t = this.sum + term;
    if (Math.abs(this.sum) >= Math.abs(term)) this.compensation += this.sum - t + term;
    else this.compensation += term - t + this.sum;
    this.sum = t;
    this.absSum += Math.abs(term);
    this.count++;
  }
  get value(): number {
    const v = this.sum + this.compensation;
    // Inf/NaN terms: the plain sum carries them, the compensation is meaningless
    return Number.isFinite(this.sum) ? v : this.sum;
  }
}

/** A parameter gradient: within the float32 summation bound of the exact sum. */
export function acceptSum(
  actual: number,
  exact: ExactSum,
): { pass: boolean; ulp: number; bound: number } {
  const e = exact.value;
  // the float32 summation bound, plus the final rounding of the sum to float32 (subnormals included)
  const bound = exact.count * 2 ** -24 * exact.absSum + halfUlpF32(e);
  const ulp = Number.isNaN(actual) || Number.isNaN(e) ? 0 : ulpDistance(actual, f32(e));
  if (Number.isNaN(e)) return { pass: Number.isNaN(actual), ulp, bound };
  if (!Number.isFinite(f32(e)))
    return { pass: actual === f32(e) || Math.abs(actual - e) <= bound, ulp, bound };
  return { pass: Math.abs(actual - e) <= bound, ulp, bound };
}

/** Half the float32 spacing at |v| (2^-150 in the subnormal range). */
function halfUlpF32(v: number): number {
  const a = Math.abs(v);
  if (!Number.isFinite(a)) return 0;
  if (a < F32_MIN_NORMAL) return 2 ** -150;
  return 2 ** (Math.floor(Math.log2(a)) - 24);
}

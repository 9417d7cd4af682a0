// The acceptance checks themselves: bit-exactness, the elu ulp rule with its
// flush allowances, the summation bound, the sweep's coverage and the rounding gradients.
import { describe, expect, it } from 'vitest';
import {
  acceptExact,
  acceptSum,
  acceptUlp,
  checkElements,
  ExactSum,
  judgeUlp,
} from '../src/conformance/intervals.js';
import {
  EDGE_SIZES,
  fullF32Sweep,
  roundingGradientsFor,
  SPECIAL_GRADIENTS,
} from '../src/conformance/values.js';
import { f32Bits, f32Step } from '../src/float32.js';

describe('acceptExact', () => {
  it('needs the same bit pattern, any NaN for NaN', () => {
    expect(acceptExact(0, 0, 0)).toBe(true);
    expect(acceptExact(0, -0, 0)).toBe(false);
    expect(acceptExact(0, Number.NaN, Number.NaN)).toBe(true);
    expect(acceptExact(0, f32Step(1, 1), 1)).toBe(false);
  });
});

describe('acceptUlp', () => {
  it('accepts within the bound and not beyond', () => {
    const e = Math.fround(0.7);
    expect(acceptUlp(2, f32Step(e, 2), e, 1, 1)).toBe(true);
    expect(acceptUlp(2, f32Step(e, 3), e, 1, 1)).toBe(false);
  });
  it('allows a flush to zero of the right sign for subnormal results only', () => {
    expect(acceptUlp(2, -0, -1e-40, 1, 1)).toBe(true);
    expect(acceptUlp(2, 0, -1e-40, 1, 1)).toBe(false);
    expect(acceptUlp(2, -0, -1e-30, 1, 1)).toBe(false);
  });
  it('tells the signs of zero apart, flush allowances included', () => {
    expect(acceptUlp(2, 0, 0, 1, 1)).toBe(true);
    expect(acceptUlp(2, -0, -0, 1, 1)).toBe(true);
    // two zeros are 0 ulp apart, and Math.sign(-0) === Math.sign(0)
    expect(acceptUlp(2, 0, -0, 1, 1)).toBe(false);
    expect(acceptUlp(2, -0, 0, 1, 1)).toBe(false);
    // a subnormal alpha·exp(x) may be flushed, but not to the other zero
    expect(acceptUlp(2, 0, -0, 1e-45, 1)).toBe(false);
    expect(acceptUlp(2, -0, -0, 1e-45, 1)).toBe(true);
  });
  it('allows 0·Inf = NaN only where alpha·exp(x) is not normal', () => {
    expect(
      acceptUlp(2, Number.NaN, Number.POSITIVE_INFINITY, 1e-45, Number.POSITIVE_INFINITY),
    ).toBe(true);
    expect(acceptUlp(2, Number.NaN, Number.POSITIVE_INFINITY, 0.5, Number.POSITIVE_INFINITY)).toBe(
      false,
    );
  });
});

describe('the reported max ulp', () => {
  it('counts results judged by the ulp rule, not those an allowance accepts', () => {
    const e = Math.fround(0.7);
    // [0]: 2 ulp off, judged by the rule; [1]: a normal expected result (huge dy times a
    // subnormal alpha·exp(x)) flushed to +0, accepted by the flush allowance
    const tiny = 2 ** -140;
    const dy = 2 ** 30;
    const expected = [e, dy * tiny];
    const actual = new Float32Array([f32Step(e, 2), 0]);
    const factors = [1, tiny];
    const scales = [1, dy];
    expect(judgeUlp(2, actual[1]!, expected[1]!, tiny, dy)).toBe('allowance');
    const result = checkElements(
      actual,
      (i) => expected[i]!,
      (i, a, x) => judgeUlp(2, a, x, factors[i]!, scales[i]!),
      () => ({}),
    );
    expect(result.pass).toBe(true);
    expect(result.maxUlp).toBe(2);
    // the same flush judged as a plain boolean acceptor counts its distance
    const plain = checkElements(
      actual,
      (i) => expected[i]!,
      (i, a, x) => acceptUlp(2, a, x, factors[i]!, scales[i]!),
      () => ({}),
    );
    expect(plain.maxUlp).toBeGreaterThan(1000);
  });
});

describe('acceptSum', () => {
  it('uses n · 2^-24 · Σ|term| plus the final rounding', () => {
    const s = new ExactSum();
    for (let i = 0; i < 1000; i++) s.add(0.1);
    expect(acceptSum(Math.fround(100), s).pass).toBe(true);
    expect(acceptSum(101, s).pass).toBe(false);
  });
  it('NaN sums need NaN', () => {
    const s = new ExactSum();
    s.add(Number.POSITIVE_INFINITY);
    s.add(Number.NEGATIVE_INFINITY);
    expect(acceptSum(Number.NaN, s).pass).toBe(true);
    expect(acceptSum(0, s).pass).toBe(false);
  });
});

describe('the sweep', () => {
  it('has over 10^6 values, every exponent of both signs, specials and kink neighbours', () => {
    const sweep = fullF32Sweep([0, 6]);
    expect(sweep.length).toBeGreaterThan(1_000_000);
    const exponents = new Set<number>();
    for (const v of sweep) exponents.add(f32Bits(v) >>> 23);
    expect(exponents.size).toBe(512); // 256 exponents (incl. Inf/NaN) × 2 signs
    expect(sweep.some(Number.isNaN)).toBe(true);
    expect(sweep.some((v) => Object.is(v, -0))).toBe(true);
    expect(sweep.includes(f32Step(6, 1)) && sweep.includes(f32Step(6, -1))).toBe(true);
  });
  it('covers the edge sizes the issue lists', () => {
    expect(EDGE_SIZES).toEqual([0, 1, 3, 4, 5, 63, 64, 65, 1023, 65537, 2 ** 20 + 3]);
  });
});

describe('roundingGradientsFor', () => {
  it('gives dy whose products round: full significands, both signs, both edges', () => {
    const dy = roundingGradientsFor(97 * 200, 7);
    const seen = { negative: 0, positive: 0, nearSubnormal: 0, nearOverflow: 0, nearOne: 0 };
    for (let i = 0; i < dy.length; i++) {
      if (i % 97 === 0) {
        expect(Object.is(dy[i], SPECIAL_GRADIENTS[(i / 97) % SPECIAL_GRADIENTS.length])).toBe(true);
        continue;
      }
      const bits = f32Bits(dy[i]!);
      expect(bits & 1, `dy[${i}] = ${dy[i]} has a short significand`).toBe(1);
      const exponent = (bits >>> 23) & 0xff;
      if (bits >>> 31) seen.negative++;
      else seen.positive++;
      if (exponent <= 6) seen.nearSubnormal++;
      else if (exponent >= 248) seen.nearOverflow++;
      else if (exponent >= 124 && exponent <= 129) seen.nearOne++;
      else throw new Error(`dy[${i}] = ${dy[i]} is in no band`);
    }
    for (const [band, count] of Object.entries(seen)) expect(count, band).toBeGreaterThan(1000);
    expect(seen.nearOne).toBeGreaterThan(6 * seen.nearOverflow);
  });
});

// Fast references for the exhaustive sweeps: one tight typed-array loop per op and
// sweep kind, writing the float32 reference for a whole chunk. Exact ops are a
// closed-form select on one IEEE comparison (the bit predicate: `x <= 0` is true for
// ±0 and every pattern with the sign bit set except NaN) and at most one float32
// product or difference, exact in float64 and rounded once by the Float32Array store.
// elu uses V8's float64 expm1 / exp (fdlibm, under 1 float64 ulp), rounded once to
// float32: within 2^-28 float32 ulp of the correctly rounded value, far below the
// contract's 2 ulp; the tiny and saturated ranges, where they have a closed form, skip
// the call. Checked against the op specs' own references in the core tests.

import type { ActivationName, SweepKind } from './plan.js';

/** Resolved parameters, as the op specs produce them (only the fields read here). */
export interface ResolvedLike {
  alpha?: number;
  slope?: Float32Array;
  threshold?: number;
  ceiling?: number;
}

/**
 * Fill `out` with the float32 reference for every element of `inp` (the swept
 * input: x, y or dy), `fixed` being dy (backward-x / backward-y) or x (backward-dy).
 */
export type ChunkReference = (inp: Float32Array, fixed: number, out: Float32Array) => void;

function exactForward(op: ActivationName, r: ResolvedLike): ChunkReference {
  switch (op) {
    case 'relu':
      return (x, _f, out) => {
        for (let i = 0; i < x.length; i++) out[i] = x[i]! <= 0 ? 0 : x[i]!;
      };
    case 'leakyRelu':
    case 'prelu': {
      const a = op === 'prelu' ? r.slope![0]! : r.alpha!;
      return (x, _f, out) => {
        for (let i = 0; i < x.length; i++) out[i] = x[i]! < 0 ? a * x[i]! : x[i]!;
      };
    }
    case 'thresholdedRelu': {
      const a = r.alpha!;
      return (x, _f, out) => {
        for (let i = 0; i < x.length; i++) out[i] = x[i]! <= a ? 0 : x[i]!;
      };
    }
    case 'shiftedRelu': {
      const t = r.threshold!;
      return (x, _f, out) => {
        for (let i = 0; i < x.length; i++) out[i] = x[i]! <= t ? 0 : x[i]! - t;
      };
    }
    case 'clippedRelu': {
      const c = r.ceiling!;
      return (x, _f, out) => {
        for (let i = 0; i < x.length; i++) {
          const v = x[i]!;
          out[i] = v <= 0 ? 0 : v >= c ? c : v;
        }
      };
    }
    case 'elu': {
      const a = r.alpha!;
      const saturated = -a;
      return (x, _f, out) => {
        for (let i = 0; i < x.length; i++) {
          const v = x[i]!;
          // the same values as `v > 0 ? v : a * Math.expm1(v)`, with expm1 only where it
          // is needed (ELU_TINY, ELU_SATURATED: about 12% of the bit patterns; NaN
          // falls through to expm1)
          out[i] =
            v > 0 ? v : v > ELU_TINY ? a * v : v < ELU_SATURATED ? saturated : a * Math.expm1(v);
        }
      };
    }
  }
}

/**
 * Below 2^-54 in magnitude, expm1(v) is v in float64 (fdlibm returns x there, and the
 * correctly rounded value is v too), so elu(v) = alpha·v, exact in float64.
 */
export const ELU_TINY = -(2 ** -54);
/**
 * Below -18, e^v < 2^-25: alpha·expm1(v) = -alpha + alpha·e^v is within a quarter of a
 * float32 ulp of -alpha on the side toward zero, where the float32 spacing is at least
 * alpha·2^-24, so it rounds to -alpha (exact in float32) whatever alpha is.
 */
export const ELU_SATURATED = -18;

/**
 * Below this x, |dy·alpha·e^x| < 2^-152, under a quarter of the smallest subnormal, so
 * dy·(alpha·exp(x)) rounds to a zero of the sign of dy·alpha (-Infinity when dy·alpha is
 * 0, infinite or NaN: no shortcut).
 */
export function eluZeroBelow(alpha: number, dy: number): number {
  const k = Math.abs(dy * alpha);
  return k > 0 && Number.isFinite(k) ? Math.log(2 ** -152 / k) - 1 : Number.NEGATIVE_INFINITY;
}

/** dx as a function of the saved value s (x or y) and dy; `fromY` picks the y formulas. */
function backward(
  op: ActivationName,
  r: ResolvedLike,
  fromY: boolean,
): (s: number, dy: number) => number {
  switch (op) {
    case 'relu':
      return (s, dy) => (s <= 0 ? 0 : dy);
    case 'leakyRelu':
    case 'prelu': {
      const a = op === 'prelu' ? r.slope![0]! : r.alpha!;
      return (s, dy) => (s > 0 ? dy : a * dy);
    }
    case 'thresholdedRelu': {
      const a = r.alpha!;
      return (s, dy) => (s <= a ? 0 : dy);
    }
    case 'shiftedRelu': {
      const t = fromY ? 0 : r.threshold!;
      return (s, dy) => (s <= t ? 0 : dy);
    }
    case 'clippedRelu': {
      const c = r.ceiling!;
      return (s, dy) => (s <= 0 || s >= c ? 0 : dy);
    }
    case 'elu': {
      const a = r.alpha!;
      return fromY
        ? (s, dy) => (s > 0 ? dy : dy * (s + a))
        : (s, dy) => (s > 0 ? dy : dy * (a * Math.exp(s)));
    }
  }
}

/**
 * dx over a chunk of saved values s (x or y) with one dy: an explicit loop per op, so
 * each is monomorphic (a shared loop calling a per-op closure ran 5-10x slower).
 */
function backwardOverSaved(op: ActivationName, r: ResolvedLike, fromY: boolean): ChunkReference {
  switch (op) {
    case 'relu':
      return (s, dy, out) => {
        for (let i = 0; i < s.length; i++) out[i] = s[i]! <= 0 ? 0 : dy;
      };
    case 'leakyRelu':
    case 'prelu': {
      const a = op === 'prelu' ? r.slope![0]! : r.alpha!;
      return (s, dy, out) => {
        const p = a * dy;
        for (let i = 0; i < s.length; i++) out[i] = s[i]! > 0 ? dy : p;
      };
    }
    case 'thresholdedRelu': {
      const a = r.alpha!;
      return (s, dy, out) => {
        for (let i = 0; i < s.length; i++) out[i] = s[i]! <= a ? 0 : dy;
      };
    }
    case 'shiftedRelu': {
      const t = fromY ? 0 : r.threshold!;
      return (s, dy, out) => {
        for (let i = 0; i < s.length; i++) out[i] = s[i]! <= t ? 0 : dy;
      };
    }
    case 'clippedRelu': {
      const c = r.ceiling!;
      return (s, dy, out) => {
        for (let i = 0; i < s.length; i++) {
          const v = s[i]!;
          out[i] = v <= 0 || v >= c ? 0 : dy;
        }
      };
    }
    case 'elu': {
      const a = r.alpha!;
      return fromY
        ? (s, dy, out) => {
            for (let i = 0; i < s.length; i++) {
              const v = s[i]!;
              out[i] = v > 0 ? dy : dy * (v + a);
            }
          }
        : (s, dy, out) => {
            // the same values as `v > 0 ? dy : dy * (a * Math.exp(v))`, with exp only
            // where it is needed: exp(v) is 1 in float64 for |v| < 2^-54, and below
            // eluZeroBelow the product rounds to a signed zero (about 12% need exp)
            const one = dy * a;
            const zero = dy * (a * 0);
            const low = eluZeroBelow(a, dy);
            for (let i = 0; i < s.length; i++) {
              const v = s[i]!;
              out[i] = v > 0 ? dy : v > ELU_TINY ? one : v < low ? zero : dy * (a * Math.exp(v));
            }
          };
    }
  }
}

/** The chunk reference for one op, sweep kind and resolved params. */
export function chunkReference(
  op: ActivationName,
  kind: SweepKind,
  r: ResolvedLike,
): ChunkReference {
  if (kind === 'forward') return exactForward(op, r);
  if (kind === 'backward-dy' && op === 'elu') {
    // x is fixed: one exp per chunk, not per element
    return (dy, x, out) => {
      const k = r.alpha! * Math.exp(x);
      for (let i = 0; i < dy.length; i++) out[i] = x > 0 ? dy[i]! : dy[i]! * k;
    };
  }
  if (kind === 'backward-dy') {
    const f = backward(op, r, false);
    return (dy, x, out) => {
      for (let i = 0; i < dy.length; i++) out[i] = f(x, dy[i]!);
    };
  }
  return backwardOverSaved(op, r, kind === 'backward-y');
}

/**
 * elu's float64 reference for one element, with what the accuracy rule needs: the
 * factor (alpha·exp(x), or y + alpha from y) and the scale in front of it (dy or 1).
 */
export function eluElement(
  kind: SweepKind,
  alpha: number,
  inp: number,
  fixed: number,
): { expected: number; factor: number; scale: number } {
  if (kind === 'forward')
    return {
      expected: inp > 0 ? inp : alpha * Math.expm1(inp),
      factor: inp > 0 ? 1 : alpha * Math.exp(inp),
      scale: 1,
    };
  if (kind === 'backward-y') {
    const factor = inp > 0 ? 1 : inp + alpha;
    return { expected: inp > 0 ? fixed : fixed * factor, factor, scale: fixed };
  }
  const [x, dy] = kind === 'backward-x' ? [inp, fixed] : [fixed, inp];
  const factor = x > 0 ? 1 : alpha * Math.exp(x);
  return { expected: x > 0 ? dy : dy * factor, factor, scale: dy };
}

// Closed-form checks for the exact ops: one fused loop per op and sweep kind that
// derives each expected bit pattern from the input (a select on one IEEE comparison
// between the input's own bits, a constant, or one product / difference rounded once
// by Math.fround, the same expressions as the chunk reference) and compares it with
// the result as int32 bits, with no expected array. It is a filter: it accepts only
// results whose bits equal the float32 reference; anything else (a NaN with another
// payload, a difference) takes the slow path, which recomputes that element with the
// chunk reference and judges it by the exact rule (NaN: any NaN).

import { f32Bits } from '../../float32.js';
import { judgeExactOne, type Tally } from './compare.js';
import type { ActivationName, SweepKind } from './plan.js';
import { type ChunkReference, chunkReference, type ResolvedLike } from './reference.js';

/**
 * Check `n` results (`actual`, and the same memory as `actualF`) against the inputs
 * (`bits`, and the same memory as `inp`), adding to `t` (its `checked` included).
 */
export type FastCheck = (
  t: Tally,
  bits: Int32Array,
  inp: Float32Array,
  actual: Int32Array,
  actualF: Float32Array,
  n: number,
) => void;

type Slow = (t: Tally, bits: Int32Array, actual: Int32Array, i: number) => void;

const NEG_ZERO = -2147483648;

/** A rounded product or difference `p` matches `a` (bits) / `af` (value): nonzero equal values, or the zero of p's sign. */
const productOk = (a: number, af: number, p: number) =>
  af === p && (p !== 0 || a === (1 / p < 0 ? NEG_ZERO : 0));

function slowPath(reference: ChunkReference, fixed: number, fixedBits: number | undefined): Slow {
  const one = new Float32Array(1);
  const oneBits = new Int32Array(one.buffer);
  const exp = new Float32Array(1);
  const expBits = new Int32Array(exp.buffer);
  return (t, bits, actual, i) => {
    oneBits[0] = bits[i]!;
    reference(one, fixed, exp);
    judgeExactOne(t, bits[i]!, fixedBits, expBits[0]!, actual[i]!);
  };
}

function forward(op: ActivationName, r: ResolvedLike, slow: Slow): FastCheck | null {
  switch (op) {
    case 'relu':
      return (t, bits, x, a, _af, n) => {
        for (let i = 0; i < n; i++) if (a[i] !== (x[i]! <= 0 ? 0 : bits[i])) slow(t, bits, a, i);
        t.checked += n;
      };
    case 'leakyRelu':
    case 'prelu': {
      const k = op === 'prelu' ? r.slope![0]! : r.alpha!;
      return (t, bits, x, a, af, n) => {
        for (let i = 0; i < n; i++) {
          const v = x[i]!;
          if (v < 0) {
            if (!productOk(a[i]!, af[i]!, Math.fround(k * v))) slow(t, bits, a, i);
          } else if (a[i] !== bits[i]) slow(t, bits, a, i);
        }
        t.checked += n;
      };
    }
    case 'thresholdedRelu': {
      const k = r.alpha!;
      return (t, bits, x, a, _af, n) => {
        for (let i = 0; i < n; i++) if (a[i] !== (x[i]! <= k ? 0 : bits[i])) slow(t, bits, a, i);
        t.checked += n;
      };
    }
    case 'shiftedRelu': {
      const k = r.threshold!;
      return (t, bits, x, a, af, n) => {
        for (let i = 0; i < n; i++) {
          const v = x[i]!;
          if (v <= k ? a[i] !== 0 : !productOk(a[i]!, af[i]!, Math.fround(v - k)))
            slow(t, bits, a, i);
        }
        t.checked += n;
      };
    }
    case 'clippedRelu': {
      const c = r.ceiling!;
      const cBits = f32Bits(c) | 0;
      return (t, bits, x, a, _af, n) => {
        for (let i = 0; i < n; i++) {
          const v = x[i]!;
          if (a[i] !== (v <= 0 ? 0 : v >= c ? cBits : bits[i])) slow(t, bits, a, i);
        }
        t.checked += n;
      };
    }
    default:
      return null;
  }
}

/** Backward over x or y with a fixed dy: every result is 0, dy or a constant product. */
function overSaved(
  op: ActivationName,
  r: ResolvedLike,
  fromY: boolean,
  dy: number,
  slow: Slow,
): FastCheck | null {
  const d = f32Bits(dy) | 0;
  switch (op) {
    case 'relu':
      return (t, bits, s, a, _af, n) => {
        for (let i = 0; i < n; i++) if (a[i] !== (s[i]! <= 0 ? 0 : d)) slow(t, bits, a, i);
        t.checked += n;
      };
    case 'leakyRelu':
    case 'prelu': {
      const p = f32Bits((op === 'prelu' ? r.slope![0]! : r.alpha!) * dy) | 0;
      return (t, bits, s, a, _af, n) => {
        for (let i = 0; i < n; i++) if (a[i] !== (s[i]! > 0 ? d : p)) slow(t, bits, a, i);
        t.checked += n;
      };
    }
    case 'thresholdedRelu':
    case 'shiftedRelu': {
      const k = op === 'thresholdedRelu' ? r.alpha! : fromY ? 0 : r.threshold!;
      return (t, bits, s, a, _af, n) => {
        for (let i = 0; i < n; i++) if (a[i] !== (s[i]! <= k ? 0 : d)) slow(t, bits, a, i);
        t.checked += n;
      };
    }
    case 'clippedRelu': {
      const c = r.ceiling!;
      return (t, bits, s, a, _af, n) => {
        for (let i = 0; i < n; i++) {
          const v = s[i]!;
          if (a[i] !== (v <= 0 || v >= c ? 0 : d)) slow(t, bits, a, i);
        }
        t.checked += n;
      };
    }
    default:
      return null;
  }
}

/** Backward over dy at a fixed x (leakyRelu, prelu): dy itself, or the product slope·dy. */
function overDy(op: ActivationName, r: ResolvedLike, x: number, slow: Slow): FastCheck | null {
  if (op !== 'leakyRelu' && op !== 'prelu') return null;
  if (x > 0)
    return (t, bits, _dy, a, _af, n) => {
      for (let i = 0; i < n; i++) if (a[i] !== bits[i]) slow(t, bits, a, i);
      t.checked += n;
    };
  const k = op === 'prelu' ? r.slope![0]! : r.alpha!;
  return (t, bits, dy, a, af, n) => {
    for (let i = 0; i < n; i++)
      if (!productOk(a[i]!, af[i]!, Math.fround(k * dy[i]!))) slow(t, bits, a, i);
    t.checked += n;
  };
}

/**
 * The fused check for one exact op, sweep kind, resolved params and fixed operand, or
 * null where there is none (elu, judged by the ulp rule against its chunk reference).
 */
export function fastCheck(
  op: ActivationName,
  kind: SweepKind,
  r: ResolvedLike,
  fixed: number | undefined,
): FastCheck | null {
  if (op === 'elu') return null;
  const f = fixed ?? 0;
  const slow = slowPath(
    chunkReference(op, kind, r),
    f,
    fixed === undefined ? undefined : f32Bits(fixed),
  );
  if (kind === 'forward') return forward(op, r, slow);
  if (kind === 'backward-dy') return overDy(op, r, f, slow);
  return overSaved(op, r, kind === 'backward-y', f, slow);
}

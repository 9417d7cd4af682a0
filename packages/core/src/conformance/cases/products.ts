// Exact float32 products and differences on random bit-pattern pairs: prelu with one
// slope per element (slope × x forward, slope × dy backward) and shiftedRelu's x - t at
// random thresholds. The sweeps vary one operand against a few fixed ones; these vary
// both, with most pairs steered to where a device's float unit cannot be trusted
// (subnormal operands and results, the rounding boundary into the subnormals, overflow),
// so a backend's own exact multiply or add is checked on pairs no sweep reaches.

import { f32FromBits } from '../../float32.js';
import { activations } from '../../ops/index.js';
import { type ConformanceCase, withTensors } from '../case.js';
import { seededRandom } from '../values.js';
import { backwardOf, checkerFor, forwardOf, outcome } from './activations.js';

const PAIRS = 2 ** 16;

type Spec = (typeof activations)[number]['spec'];
const specOf = (name: string) => activations.find((a) => a.spec.name === name)!.spec as Spec;

/**
 * `count` pairs of float32 bit patterns (a, b), a finite: a third with random bits, a
 * third whose exponents sum to just around the subnormal boundary of a product, a third
 * around its overflow.
 */
export function productPairs(count: number, seed: number): { a: Uint32Array; b: Uint32Array } {
  const rand = seededRandom(seed);
  const word = () => Math.floor(rand() * 2 ** 32) >>> 0;
  const a = new Uint32Array(count);
  const b = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const ea = rand() < 0.1 ? 0 : 1 + Math.floor(rand() * 253); // a tenth subnormal
    a[i] = (word() & 0x807fffff) | (ea << 23);
    const kind = i % 3;
    if (kind === 0) b[i] = word();
    else {
      // exponent sum near 103..127 (results around and below the smallest normal) or 380..384
      const target = kind === 1 ? 103 + Math.floor(rand() * 26) : 378 + Math.floor(rand() * 7);
      const eb = Math.min(254, Math.max(0, target - ea));
      b[i] = (word() & 0x807fffff) | (eb << 23);
    }
  }
  return { a, b };
}

function bitsToF32(bits: Uint32Array): Float32Array {
  return new Float32Array(bits.buffer.slice(0));
}

function preluProductCase(direction: 'forward' | 'backward'): ConformanceCase {
  const spec = specOf('prelu');
  return {
    id: `prelu/products/random-pairs/${direction}`,
    op: 'prelu',
    description:
      direction === 'forward'
        ? `y = slope[c]·x on ${PAIRS} random (slope, negative x) bit-pattern pairs, one slope per element, most near the subnormal and overflow boundaries: exact`
        : `dx = slope[c]·dy (x = -1) on ${PAIRS} random (slope, dy) bit-pattern pairs, one slope per element: exact`,
    run: (pw) =>
      withTensors(async (keep) => {
        const { a, b } = productPairs(PAIRS, direction === 'forward' ? 301 : 302);
        const slope = bitsToF32(a);
        const shape = [1, PAIRS];
        const p = { slope };
        const r = spec.resolve('prelu', { slope } as never, shape) as never;
        const check = checkerFor(spec as never, r);
        if (direction === 'forward') {
          for (let i = 0; i < PAIRS; i++) b[i] = b[i]! | 0x80000000;
          const x = bitsToF32(b);
          const y = keep(forwardOf(pw, spec as never)(keep(pw.tensor(x, shape)), p));
          return outcome('y', check.forward(x, await y.read()));
        }
        const dy = bitsToF32(b);
        const x = new Float32Array(PAIRS).fill(-1);
        const grads = backwardOf(pw, spec as never)(
          keep(pw.tensor(dy, shape)),
          { x: keep(pw.tensor(x, shape)) },
          { ...p, paramGrad: false },
        );
        for (const t of Object.values(grads)) keep(t);
        return outcome('dx', check.backward(dy, x, await grads.dx!.read()));
      }),
  };
}

/**
 * shiftedRelu's y = f32(x - t) at 8 random thresholds (subnormal, tiny and ordinary),
 * x from a few ulps to many binades above t: cancellation into the subnormals, and
 * differences that round.
 */
function shiftedDifferenceCase(): ConformanceCase {
  const spec = specOf('shiftedRelu');
  const per = 2 ** 13;
  return {
    id: 'shiftedRelu/differences/random-pairs',
    op: 'shiftedRelu',
    description: `y = f32(x - t) at 8 random thresholds (subnormal to ordinary, both signs) on ${per} x each, from 1 ulp to many binades above t: exact`,
    run: (pw) =>
      withTensors(async (keep) => {
        const rand = seededRandom(303);
        for (let k = 0; k < 8; k++) {
          const e = [0, 1, 2, 24, 60, 120, 127, 140][k]!;
          const tBits = ((k & 1) << 31) | (e << 23) | Math.floor(rand() * 2 ** 23);
          const threshold = f32FromBits(tBits >>> 0);
          const xBits = new Uint32Array(per);
          for (let i = 0; i < per; i++) {
            const step = i % 2 === 0 ? 1 + Math.floor(rand() * 64) : Math.floor(rand() * 2 ** 26);
            // above t: a positive t's bits grow, a negative t's shrink toward -0 and past it
            xBits[i] =
              threshold >= 0
                ? (tBits + step) >>> 0
                : step <= (tBits & 0x7fffffff)
                  ? (tBits - step) >>> 0
                  : step - (tBits & 0x7fffffff);
          }
          const x = bitsToF32(xBits);
          const p = { threshold };
          const r = spec.resolve('shiftedRelu', { threshold } as never, [per]) as never;
          const y = keep(forwardOf(pw, spec as never)(keep(pw.tensor(x)), p));
          const verdict = outcome(
            `y (t = ${threshold})`,
            checkerFor(spec as never, r).forward(x, await y.read()),
          );
          if (!verdict.pass) return verdict;
        }
        return { pass: true };
      }),
  };
}

export function productCases(): ConformanceCase[] {
  return [preluProductCase('forward'), preluProductCase('backward'), shiftedDifferenceCase()];
}

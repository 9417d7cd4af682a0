// elu backward with gradients that round: dense random (x, dy) pairs for every sample
// alpha and a few more (1.5, -1.5, 1.7, a subnormal alpha), from x and from y, and the
// pairs of issue 19 as explicit regressions. The full sweep spreads its 10^6 x over every
// exponent: only about 14,000 land where alpha*exp(x) is normal and the product with dy
// rounds, too few to catch a kernel that exceeds 2 ulp in 1 of 20,000 to 200,000 such
// pairs (webgpu before the fix). dy is never a short significand such as 1, which would
// make the final product exact and hide an inaccurate factor.

import { f32 } from '../../float32.js';
import { activations } from '../../ops/index.js';
import type { Pointwise } from '../../pointwise.js';
import type { CaseOutcome, ConformanceCase } from '../case.js';
import { combine, withTensors } from '../case.js';
import { concat, roundingGradientsFor, seededRandom, uniform } from '../values.js';
import { checkerFor, outcome, paramsLabel } from './activations.js';

type Spec = Parameters<typeof checkerFor>[0];

const elu = activations.find(({ spec }) => spec.name === 'elu')!.spec as unknown as Spec;

/** Pairs per alpha: webgpu before the fix failed 12 of them at alpha 1.5 and at least one at every normal sample alpha. */
const PAIRS = 2 ** 18;

/** The sample alphas plus those the issue and the kernels' bounds single out. */
function alphaParams(): { alpha?: number }[] {
  return [
    ...(elu.sampleParams as { alpha?: number }[]),
    { alpha: 1.5 },
    { alpha: -1.5 },
    { alpha: 1.7 },
    { alpha: f32(1e-39) },
  ];
}

/** x: 7 in 8 uniform in [-24, 0) (alpha*exp(x) normal), the rest in [-110, 24). */
function denseX(n: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = i % 8 === 7 ? -110 + 134 * random() : -24 * random();
  return x;
}

/** Pairs per backend call in eluRoundingSearch (bounds the memory of a long search). */
const CHUNK = 2 ** 20;

/**
 * elu backward from x (and from y when alpha >= 0) on `pairs` seeded random (x, dy)
 * pairs, x mostly in [-24, 0) and dy from roundingGradientsFor, each dx within the
 * contract's 2 ulp. The suite runs it per alpha; backends' own tests and one-off
 * searches call it with other seeds and more pairs.
 */
export async function eluRoundingSearch(
  pw: Pointwise,
  params: { alpha?: number },
  pairs: number,
  seed: number,
): Promise<CaseOutcome> {
  const parts: CaseOutcome[] = [];
  for (let done = 0, chunk = 0; done < pairs; done += CHUNK, chunk++) {
    const n = Math.min(CHUNK, pairs - done);
    parts.push(
      await withTensors(async (keep) => {
        const x = denseX(n, seed + 2 * chunk);
        const dy = roundingGradientsFor(n, seed + 2 * chunk + 1);
        const r = elu.resolve('elu', params, [n]);
        const check = checkerFor(elu, r);
        const tdy = keep(pw.tensor(dy));
        const fromX = keep(pw.eluBackward(tdy, { x: keep(pw.tensor(x)) }, params).dx);
        const got = [outcome('dx', check.backward(dy, x, await fromX.read()))];
        if (r.alpha >= 0) {
          const y = Float32Array.from(x, (v) => elu.reference.forward(v, r, 0));
          const fromY = keep(pw.eluBackward(tdy, { y: keep(pw.tensor(y)) }, params).dx);
          got.push(outcome('dx from y', check.backwardFromY(dy, y, await fromY.read())));
        }
        return combine(got);
      }),
    );
    if (!parts[parts.length - 1]!.pass) break;
  }
  return combine(parts);
}

function denseCase(p: { alpha?: number }): ConformanceCase {
  const label = paramsLabel(p);
  const fromY = elu.resolve('elu', p, [1]).alpha >= 0 ? ' and from y' : '';
  return {
    id: `elu/backward/rounding-dy/${label}`,
    op: 'elu',
    description: `backward from x${fromY} on ${PAIRS} random (x, dy) pairs, dy with full significands near 1 and near the subnormal and overflow edges, within 2 ulp`,
    run: (pw) => eluRoundingSearch(pw, p, PAIRS, 41),
  };
}

/** Issue 19's pairs (alpha 1.5: webgpu gave 0xbb7ab42a for 0xbb7ab427), amid random ones. */
function regressionCase(): ConformanceCase {
  return {
    id: 'elu/backward/rounding-dy/issue-19',
    op: 'elu',
    description:
      'backward from x at alpha 1.5 for (x, dy) = (-5.190690040588379, -0.45801281929016113) and (-3.7988500595092773, 1.7349998950958252), each a 3-ulp error once',
    run: (pw) =>
      withTensors(async (keep) => {
        const p = { alpha: 1.5 };
        const x = concat(
          Float32Array.of(-5.190690040588379, -3.7988500595092773),
          uniform(62, 43, -8, 0),
        );
        const dy = concat(
          Float32Array.of(-0.45801281929016113, 1.7349998950958252),
          uniform(62, 44, -4, 4),
        );
        const r = elu.resolve('elu', p, [x.length]);
        const dx = keep(pw.eluBackward(keep(pw.tensor(dy)), { x: keep(pw.tensor(x)) }, p).dx);
        return outcome('dx', checkerFor(elu, r).backward(dy, x, await dx.read()));
      }),
  };
}

export function eluGradientCases(): ConformanceCase[] {
  return [regressionCase(), ...alphaParams().map(denseCase)];
}

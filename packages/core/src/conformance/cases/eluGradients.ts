// elu backward with gradients that round: dense random (x, dy) pairs for every sample
// alpha and a few more (1.5, -1.5, 1.7, a subnormal alpha), from x and from y, and the
// pairs of issue 19 as explicit regressions. The full sweep meets the interesting x
// range (a few thousand x in [-20, 0)) too rarely to catch a kernel that is off by one
// ulp in 1 of 200,000 pairs; with dy = 1 the product with dy would not round at all.

import { f32 } from '../../float32.js';
import { activations } from '../../ops/index.js';
import type { ConformanceCase } from '../case.js';
import { combine, withTensors } from '../case.js';
import { concat, roundingGradientsFor, seededRandom, uniform } from '../values.js';
import { checkerFor, outcome, paramsLabel } from './activations.js';

type Spec = Parameters<typeof checkerFor>[0];

const elu = activations.find(({ spec }) => spec.name === 'elu')!.spec as unknown as Spec;

/** Pairs per alpha: at the rate (1 in 200,000) a faulty kernel fails ~5 of them. */
const PAIRS = 2 ** 20;

/** The sample alphas plus those the issue and the kernels' bounds single out. */
function alphaParams(): Record<string, unknown>[] {
  return [
    ...(elu.sampleParams as Record<string, unknown>[]),
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

function denseCase(p: Record<string, unknown>): ConformanceCase {
  const label = paramsLabel(p);
  return {
    id: `elu/backward/rounding-dy/${label}`,
    op: 'elu',
    description: `backward from x${elu.resolve('elu', p, [1]).alpha >= 0 ? ' and from y' : ''} on ${PAIRS} random (x, dy) pairs, dy with full significands near 1 and near the subnormal and overflow edges, within 2 ulp`,
    run: (pw) =>
      withTensors(async (keep) => {
        const x = denseX(PAIRS, 41);
        const dy = roundingGradientsFor(PAIRS, 42);
        const r = elu.resolve('elu', p, [PAIRS]);
        const check = checkerFor(elu, r);
        const tdy = keep(pw.tensor(dy));
        const fromX = keep(pw.eluBackward(tdy, { x: keep(pw.tensor(x)) }, p).dx);
        const parts = [outcome('dx', check.backward(dy, x, await fromX.read()))];
        if (r.alpha >= 0) {
          const y = Float32Array.from(x, (v) => elu.reference.forward(v, r, 0));
          const fromY = keep(pw.eluBackward(tdy, { y: keep(pw.tensor(y)) }, p).dx);
          parts.push(outcome('dx from y', check.backwardFromY(dy, y, await fromY.read())));
        }
        return combine(parts);
      }),
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

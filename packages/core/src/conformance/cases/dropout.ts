// Conformance cases for dense dropout with replacement (SPEC section 2): masks
// bit-identical to the reference Philox for given (seed, stream), drop rate
// within 6 sigma, ratio 0 and 1, training = false, scaling, backward from the
// mask vs regenerated from the seed, and dreplacement against the exact sum.

import {
  DROPOUT_PARAM_KEYS,
  type DropoutResolved,
  type DropoutWithReplacementParams,
  dropoutBackwardReference,
  dropoutReference,
  resolveDropout,
} from '../../ops/dropout.js';
import type { Pointwise } from '../../pointwise.js';
import { type CaseOutcome, type ConformanceCase, combine, withTensors } from '../case.js';
import { acceptExact, acceptSum, checkElements, describeMismatch, ExactSum } from '../intervals.js';
import { concat, EDGE_SIZES, gradientsFor, SPECIAL_VALUES, uniform } from '../values.js';

const op = 'dropout';

function resolve(p: DropoutWithReplacementParams): DropoutResolved {
  return resolveDropout('dropoutWithReplacement', p, DROPOUT_PARAM_KEYS);
}

function compareMask(actual: Uint8Array, expected: Uint8Array): CaseOutcome {
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) {
      return {
        pass: false,
        message: `mask[${i}] = ${actual[i]} but the reference Philox draw gives ${expected[i]}`,
      };
    }
  }
  return actual.length === expected.length
    ? { pass: true }
    : { pass: false, message: `mask has ${actual.length} elements, expected ${expected.length}` };
}

function compareValues(
  label: string,
  actual: Float32Array,
  expected: Float32Array,
  inputs: Float32Array,
): CaseOutcome {
  const result = checkElements(
    actual,
    (i) => expected[i]!,
    acceptExact,
    (i) => ({ in: inputs[i]! }),
  );
  return {
    pass: result.pass,
    maxUlp: result.maxUlp,
    message: result.pass ? undefined : describeMismatch(label, result),
  };
}

function dreplacementOutcome(actual: number, dy: Float32Array, mask: Uint8Array): CaseOutcome {
  const exact = new ExactSum();
  for (let i = 0; i < dy.length; i++) if (!mask[i]) exact.add(dy[i]!);
  const verdict = acceptSum(actual, exact);
  return verdict.pass
    ? { pass: true, maxUlp: verdict.ulp }
    : {
        pass: false,
        message: `dreplacement = ${actual} but the exact sum is ${exact.value} (bound ±${verdict.bound})`,
      };
}

/** Forward (y and mask) and backward from the mask, all against the reference. */
async function fullCheck(
  pw: Pointwise,
  x: Float32Array,
  p: DropoutWithReplacementParams,
): Promise<CaseOutcome> {
  return withTensors(async (keep) => {
    const r = resolve(p);
    const ref = dropoutReference(x, r);
    const out = pw.dropoutWithReplacement(keep(pw.tensor(x)), p);
    keep(out.y);
    const mask = keep(out.mask!);
    const dy = gradientsFor(x.length, 5);
    const back = pw.dropoutWithReplacementBackward(keep(pw.tensor(dy)), { ...p, mask });
    keep(back.dx);
    keep(back.dreplacement);
    const refBack = dropoutBackwardReference(dy, ref.mask, r);
    return combine([
      compareMask(await mask.read(), ref.mask),
      compareValues('y', await out.y.read(), ref.y, x),
      compareValues('dx', await back.dx.read(), refBack.dx, dy),
      dreplacementOutcome((await back.dreplacement.read())[0]!, dy, ref.mask),
    ]);
  });
}

const SEEDS: readonly { seed: bigint; stream: bigint }[] = [
  { seed: 0n, stream: 0n },
  { seed: 42n, stream: 1n },
  { seed: 0xffffffffn, stream: 0x1_0000_0000n },
  { seed: 0xdead_beef_cafe_f00dn, stream: 0xffff_ffff_ffff_ffffn },
];

export function dropoutCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const { seed, stream } of SEEDS) {
    for (const ratio of [0.5, 0.1, 0.9]) {
      cases.push({
        id: `dropout/mask/seed=${seed},stream=${stream},ratio=${ratio}`,
        op,
        description:
          'mask, y, dx and dreplacement bit-identical to the reference Philox draw (65537 elements)',
        run: (pw) =>
          fullCheck(
            pw,
            concat(uniform(65537 - SPECIAL_VALUES.length, 9), Float32Array.from(SPECIAL_VALUES)),
            { ratio, seed, stream, replacement: -1.5 },
          ),
      });
    }
  }
  for (const size of EDGE_SIZES) {
    cases.push({
      id: `dropout/size/${size}`,
      op,
      description: `forward, mask and backward on ${size} elements`,
      run: (pw) =>
        fullCheck(pw, uniform(size, size), { ratio: 0.3, seed: 7n, stream: BigInt(size) }),
    });
  }
  cases.push(
    {
      id: 'dropout/scale/ratio=0.3',
      op,
      description:
        'scale = true multiplies kept elements by f32(1/(1-ratio)), in forward and backward',
      run: (pw) =>
        fullCheck(pw, uniform(4099, 2), { ratio: 0.3, scale: true, replacement: 0.25, seed: 3n }),
    },
    {
      id: 'dropout/ratio=0',
      op,
      description: 'ratio 0 keeps every element: y = x bit for bit, mask all ones',
      run: (pw) =>
        fullCheck(pw, concat(uniform(1000, 4), Float32Array.from(SPECIAL_VALUES)), {
          ratio: 0,
          replacement: 9,
          seed: 1n,
        }),
    },
    {
      id: 'dropout/ratio=1',
      op,
      description:
        'ratio 1 drops every element (also with scale): y = f32(replacement), dx = +0, dreplacement = sum dy',
      run: async (pw) =>
        combine([
          await fullCheck(pw, uniform(1001, 5), { ratio: 1, replacement: 0.1, seed: 2n }),
          await fullCheck(pw, uniform(1001, 6), {
            ratio: 1,
            replacement: -3,
            scale: true,
            seed: 2n,
          }),
        ]),
    },
    {
      id: 'dropout/training=false',
      op,
      description: 'training = false: y = x, mask all ones, dx = dy (even with scale)',
      run: (pw) =>
        fullCheck(pw, concat(uniform(1003, 7), Float32Array.from(SPECIAL_VALUES)), {
          ratio: 0.7,
          training: false,
          scale: true,
          replacement: 5,
        }),
    },
    {
      id: 'dropout/drop-rate',
      op,
      description:
        'the fraction dropped on 10^6 elements is within 6 sigma of ratio (0.1, 0.5, 0.9)',
      run: (pw) =>
        withTensors(async (keep) => {
          const n = 1_000_000;
          const x = keep(pw.tensor(new Float32Array(n)));
          for (const ratio of [0.1, 0.5, 0.9]) {
            const mask = await keep(
              pw.dropoutWithReplacement(x, { ratio, seed: 1234n, stream: 5n }).mask!,
            ).read();
            let dropped = 0;
            for (let i = 0; i < n; i++) dropped += mask[i] ? 0 : 1;
            const sigma = Math.sqrt(n * ratio * (1 - ratio));
            if (Math.abs(dropped - n * ratio) > 6 * sigma) {
              return {
                pass: false,
                message: `ratio ${ratio}: dropped ${dropped} of ${n}, more than 6 sigma (${sigma.toFixed(1)}) from ${n * ratio}`,
              };
            }
          }
          return { pass: true };
        }),
    },
    {
      id: 'dropout/backward-regenerated',
      op,
      description:
        'backward without the mask (regenerated from seed, stream, ratio) equals backward from the mask',
      run: (pw) =>
        withTensors(async (keep) => {
          const p = {
            ratio: 0.4,
            seed: 0x1234_5678_9abcn,
            stream: 77n,
            scale: true,
            replacement: 2,
          };
          const n = 65537;
          const x = keep(pw.tensor(uniform(n, 8)));
          const mask = keep(pw.dropoutWithReplacement(x, p).mask!);
          keep(pw.dropoutWithReplacement(x, p).y);
          const dy = gradientsFor(n, 9);
          const tdy = keep(pw.tensor(dy));
          const withMask = pw.dropoutWithReplacementBackward(tdy, { ...p, mask });
          const regenerated = pw.dropoutWithReplacementBackward(tdy, p);
          for (const t of [
            withMask.dx,
            withMask.dreplacement,
            regenerated.dx,
            regenerated.dreplacement,
          ])
            keep(t);
          const a = await withMask.dx.read();
          const b = await regenerated.dx.read();
          const dx = compareValues('dx regenerated vs from mask', b, a, dy);
          const maskHost = await mask.read();
          return combine([
            dx,
            dreplacementOutcome((await regenerated.dreplacement.read())[0]!, dy, maskHost),
            compareValues(
              'y with returnMask: false',
              await keep(pw.dropoutWithReplacement(x, { ...p, returnMask: false }).y).read(),
              dropoutReference(await x.read(), resolve(p)).y,
              await x.read(),
            ),
          ]);
        }),
    },
    {
      id: 'dropout/gradient/finite-difference',
      op,
      description:
        'dreplacement equals the finite difference of Σ dy·y with respect to replacement',
      run: (pw) =>
        withTensors(async (keep) => {
          const n = 4096;
          const x = uniform(n, 10);
          const dy = uniform(n, 11, -1, 1);
          const p = { ratio: 0.5, seed: 5n, replacement: 0.5 };
          const back = pw.dropoutWithReplacementBackward(keep(pw.tensor(dy)), p);
          keep(back.dx);
          const got = (await keep(back.dreplacement).read())[0]!;
          const loss = (rep: number) => {
            const r = { ...resolve(p), replacement: rep };
            const { y } = dropoutReference(x, r);
            let s = 0;
            for (let i = 0; i < n; i++) s += dy[i]! * (Number.isNaN(y[i]!) ? 0 : y[i]!);
            return s;
          };
          const fd = (loss(0.5 + 2 ** -10) - loss(0.5 - 2 ** -10)) / 2 ** -9;
          return Math.abs(got - fd) <= 1e-4 * n
            ? { pass: true }
            : { pass: false, message: `dreplacement ${got} vs finite difference ${fd}` };
        }),
    },
  );
  return cases;
}

// Conformance cases for `paramGrad: false` on backward: dx only, the parameter
// gradient's sum skipped (a parameter that is not learned, as PyTorch computes only
// the gradients that are required). The result is exactly `{ dx }`, bit-identical to
// the default call's dx, with one allocation (dx) or none into `out: { dx }`; the
// option is accepted (a no-op) by backwards without a parameter gradient; a bad value,
// or an `out` gradient it would leave unwritten, is refused and changes nothing.
// Run at a small size and at one past three 32768-element chunks with a ragged tail,
// so chunked and multi-workgroup paths are covered.

import type { Pointwise } from '../../pointwise.js';
import type { Tensor } from '../../tensor.js';
import {
  type CaseOutcome,
  type ConformanceCase,
  expectRefusedUnchanged,
  type RefusedCall,
} from '../case.js';
import { countAllocations, dyValues, savedFor, xValues } from './outputs.js';

const fail = (message: string): CaseOutcome => ({ pass: false, message });
const PASS: CaseOutcome = { pass: true };
const SHAPES: readonly (readonly number[])[] = [
  [2, 3, 8],
  [2, 3, 16551],
];

type F32 = Tensor<'float32'>;
type Grads = Record<string, F32>;
type Saved = { x: F32 } | { y: F32 };

const DROPOUT = { ratio: 0.5, seed: 11n, stream: 3n, scale: true, replacement: 0.5 };

/** Tensors some backwards read besides dy and x or y (device tensors: no upload per call). */
interface Inputs {
  mask: Tensor<'uint8'>;
  slopes: F32;
  slope: F32;
}

interface GradCase {
  op: string;
  /** The parameter gradient the default call returns, or null (none from this call). */
  grad: string | null;
  from: 'x' | 'y';
  label?: string;
  /** The backward with extra options (`paramGrad`, `out`) merged into its params. */
  call(pw: Pointwise, dy: F32, saved: Saved, extra: object, inputs: Inputs): Grads;
}

const CASES: GradCase[] = [
  {
    op: 'prelu',
    grad: 'dslope',
    from: 'x',
    label: 'three channels',
    call: (pw, dy, s, e, t) => pw.preluBackward(dy, s as never, { slope: t.slopes, ...e } as never),
  },
  {
    op: 'prelu',
    grad: 'dslope',
    from: 'x',
    label: 'one slope',
    call: (pw, dy, s, e, t) => pw.preluBackward(dy, s as never, { slope: t.slope, ...e } as never),
  },
  {
    op: 'shiftedRelu',
    grad: 'dthreshold',
    from: 'x',
    call: (pw, dy, s, e) =>
      pw.shiftedReluBackward(dy, s as never, { threshold: 0.5, ...e } as never),
  },
  {
    op: 'shiftedRelu',
    grad: 'dthreshold',
    from: 'y',
    call: (pw, dy, s, e) =>
      pw.shiftedReluBackward(dy, s as never, { threshold: 0.5, ...e } as never),
  },
  {
    op: 'clippedRelu',
    grad: 'dceiling',
    from: 'x',
    call: (pw, dy, s, e) => pw.clippedReluBackward(dy, s as never, { ceiling: 2, ...e } as never),
  },
  {
    op: 'clippedRelu',
    grad: null,
    from: 'y',
    call: (pw, dy, s, e) => pw.clippedReluBackward(dy, s as never, { ceiling: 2, ...e } as never),
  },
  {
    op: 'dropoutWithReplacement',
    grad: 'dreplacement',
    from: 'x',
    label: 'from the mask',
    call: (pw, dy, _s, e, t) =>
      pw.dropoutWithReplacementBackward(dy, { ...DROPOUT, mask: t.mask, ...e } as never),
  },
  {
    op: 'dropoutWithReplacement',
    grad: 'dreplacement',
    from: 'x',
    label: 'regenerated',
    call: (pw, dy, _s, e) => pw.dropoutWithReplacementBackward(dy, { ...DROPOUT, ...e } as never),
  },
  {
    op: 'relu',
    grad: null,
    from: 'x',
    call: (pw, dy, s, e) => pw.reluBackward(dy, s as never, e as never),
  },
  {
    op: 'leakyRelu',
    grad: null,
    from: 'y',
    call: (pw, dy, s, e) => pw.leakyReluBackward(dy, s as never, { alpha: 0.1, ...e } as never),
  },
  {
    op: 'thresholdedRelu',
    grad: null,
    from: 'x',
    call: (pw, dy, s, e) =>
      pw.thresholdedReluBackward(dy, s as never, { alpha: 0.5, ...e } as never),
  },
  {
    op: 'elu',
    grad: null,
    from: 'x',
    call: (pw, dy, s, e) => pw.eluBackward(dy, s as never, e as never),
  },
];

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));
}

async function dxOnly(pw: Pointwise, c: GradCase, shape: readonly number[]): Promise<CaseOutcome> {
  const made: Tensor[] = [];
  const keep = <T extends Tensor>(t: T): T => {
    made.push(t);
    return t;
  };
  try {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = keep(pw.tensor(xValues(n), shape as number[]));
    const { saved, extra } = savedFor(pw, c, x);
    if (extra) keep(extra);
    const forward = pw.dropoutWithReplacement(x, DROPOUT);
    keep(forward.y);
    const inputs: Inputs = {
      mask: keep(forward.mask),
      slopes: keep(pw.tensor([0.25, -0.5, 3])),
      slope: keep(pw.tensor([0.25])),
    };
    const dy = keep(pw.tensor(dyValues(n), shape as number[]));
    const full = c.call(pw, dy, saved, {}, inputs);
    for (const t of Object.values(full)) keep(t);
    if (c.grad !== null && !full[c.grad]) return fail(`the default call returned no ${c.grad}`);
    const wantDx = await full.dx!.read();
    const wantGrad = c.grad ? await full[c.grad]!.read() : null;
    // paramGrad: true is the default
    const explicit = c.call(pw, dy, saved, { paramGrad: true }, inputs);
    for (const t of Object.values(explicit)) keep(t);
    if (Object.keys(explicit).sort().join() !== Object.keys(full).sort().join())
      return fail(
        `paramGrad: true returned ${Object.keys(explicit)}, the default ${Object.keys(full)}`,
      );
    if (!sameBits(await explicit.dx!.read(), wantDx)) return fail('paramGrad: true changed dx');
    if (c.grad && wantGrad) {
      const got = await explicit[c.grad]!.read();
      const same = Array.from(got).every(
        (v, i) => Object.is(v, wantGrad[i]) || (Number.isNaN(v) && Number.isNaN(wantGrad[i]!)),
      );
      if (!same) return fail(`paramGrad: true changed ${c.grad}`);
    }
    // paramGrad: false, allocating: one new tensor (dx) and nothing else
    await pw.flush();
    const allocating = countAllocations(pw.backend, () =>
      c.call(pw, dy, saved, { paramGrad: false }, inputs),
    );
    for (const t of Object.values(allocating.result)) keep(t);
    if (Object.keys(allocating.result).join() !== 'dx')
      return fail(
        `paramGrad: false returned { ${Object.keys(allocating.result).join(', ')} }, not { dx }`,
      );
    if (allocating.count !== 1)
      return fail(`paramGrad: false made ${allocating.count} backend allocations, not 1 (dx)`);
    const gotDx = await allocating.result.dx!.read();
    if (!sameBits(gotDx, wantDx)) {
      const i = Array.from(gotDx).findIndex((v, k) => !Object.is(v, wantDx[k]));
      return fail(`paramGrad: false: dx[${i}] = ${gotDx[i]}, the default call's ${wantDx[i]}`);
    }
    // into out: { dx }: nothing allocated, memory unchanged, the given tensor back
    const into = keep(pw.tensor(new Float32Array(n).fill(7), shape as number[]));
    await pw.flush();
    const before = pw.memory();
    const given = countAllocations(pw.backend, () =>
      c.call(pw, dy, saved, { paramGrad: false, out: { dx: into } }, inputs),
    );
    await pw.flush();
    const after = pw.memory();
    if (given.result.dx !== into) return fail('out.dx: dx is not the given tensor');
    if (Object.keys(given.result).join() !== 'dx')
      return fail(`out.dx: returned { ${Object.keys(given.result).join(', ')} }`);
    if (given.count !== 0 || after.bytes !== before.bytes || after.buffers !== before.buffers)
      return fail(
        `out.dx: ${given.count} allocations, memory ${before.bytes} B -> ${after.bytes} B`,
      );
    if (!sameBits(await into.read(), wantDx))
      return fail("out.dx differs from the default call's dx");
    return PASS;
  } finally {
    for (const t of made) t.dispose();
  }
}

async function refused(pw: Pointwise): Promise<CaseOutcome> {
  const made: Tensor[] = [];
  const keep = <T extends Tensor>(t: T): T => {
    made.push(t);
    return t;
  };
  try {
    const x = keep(pw.tensor(xValues(48), [2, 3, 8]));
    const dy = keep(pw.tensor(dyValues(48), [2, 3, 8]));
    const dx = keep(pw.tensor(new Float32Array(48).fill(7), [2, 3, 8]));
    const g1 = keep(pw.tensor([7]));
    const g3 = keep(pw.tensor([7, 7, 7]));
    const draw = { ratio: 0.5, seed: 1n, stream: 0n };
    const bad: RefusedCall[] = [
      [
        'a string',
        () => pw.reluBackward(dy, { x }, { paramGrad: 'no' as never }),
        'INVALID_ARGUMENT',
        'paramGrad',
      ],
      [
        'a number',
        () => pw.preluBackward(dy, { x }, { slope: 0.1, paramGrad: 0 as never }),
        'INVALID_ARGUMENT',
        'paramGrad',
      ],
      [
        'null',
        () => pw.shiftedReluBackward(dy, { x }, { paramGrad: null as never }),
        'INVALID_ARGUMENT',
        'paramGrad',
      ],
      [
        'dropout, a string',
        () => pw.dropoutWithReplacementBackward(dy, { ...draw, paramGrad: 'false' as never }),
        'INVALID_ARGUMENT',
        'paramGrad',
      ],
      [
        'out.dslope with paramGrad false',
        () =>
          pw.preluBackward(
            dy,
            { x },
            {
              slope: [1, 2, 3],
              paramGrad: false,
              out: { dx, dslope: g3 } as never,
            },
          ),
        'INVALID_ARGUMENT',
        'out.dslope',
      ],
      [
        'out.dceiling with paramGrad false',
        () =>
          pw.clippedReluBackward(
            dy,
            { x },
            { paramGrad: false, out: { dx, dceiling: g1 } as never },
          ),
        'INVALID_ARGUMENT',
        'out.dceiling',
      ],
      [
        'out.dthreshold with paramGrad false',
        () =>
          pw.shiftedReluBackward(
            dy,
            { x },
            { paramGrad: false, out: { dx, dthreshold: g1 } as never },
          ),
        'INVALID_ARGUMENT',
        'out.dthreshold',
      ],
      [
        'out.dreplacement with paramGrad false',
        () =>
          pw.dropoutWithReplacementBackward(dy, {
            ...draw,
            paramGrad: false,
            out: { dx, dreplacement: g1 } as never,
          }),
        'INVALID_ARGUMENT',
        'out.dreplacement',
      ],
    ];
    const watched = [x, dy, dx, g1, g3];
    return await expectRefusedUnchanged(pw, bad, watched);
  } finally {
    for (const t of made) t.dispose();
  }
}

export function paramGradCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const c of CASES) {
    for (const shape of SHAPES) {
      const n = shape.reduce((a, b) => a * b, 1);
      const what = c.label ? `, ${c.label}` : '';
      cases.push({
        id: `paramGrad/${c.op}/from-${c.from}${c.label ? `/${c.label.replaceAll(' ', '-')}` : ''}/${n}`,
        op: c.op === 'dropoutWithReplacement' ? 'dropout' : c.op,
        description: `${c.op} backward (from ${c.from}${what}) on ${n} elements with paramGrad: false returns { dx } only, bit-identical to the default call's dx, allocating dx alone (none into out: { dx })${c.grad ? `; the default and paramGrad: true return ${c.grad}` : ''}`,
        run: (pw) => dxOnly(pw, c, shape),
      });
    }
  }
  cases.push({
    id: 'paramGrad/refused',
    op: 'outputs',
    description:
      'paramGrad that is not a boolean, or paramGrad: false with out.dslope / dceiling / dthreshold / dreplacement, is refused with INVALID_ARGUMENT naming it, and changes nothing',
    run: (pw) => refused(pw),
  });
  return cases;
}

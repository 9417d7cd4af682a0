// Conformance cases for the user API every backend is driven through: strict
// tensor() (nested arrays with inferred shapes, a dtype option, errors that name the
// index), dropout's defaults (inverted scaling, a fresh draw per call from the
// instance's generator, the draw record backward takes), scope() and `using`, the
// inspect string, and the instance's public surface (internals are not on it).

import type { BackendFactory } from '../../backend.js';
import type { ErrorCode } from '../../errors.js';
import { type Pointwise, pointwise } from '../../pointwise.js';
import type { Tensor } from '../../tensor.js';
import { type CaseOutcome, type ConformanceCase, expectError } from '../case.js';

const fail = (message: string): CaseOutcome => ({ pass: false, message });
const PASS: CaseOutcome = { pass: true };

function same(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  return a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));
}

async function strictTensor(pw: Pointwise): Promise<CaseOutcome> {
  const before = pw.memory();
  const nested = pw.tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const ok =
    same(nested.shape, [2, 3]) &&
    nested.dtype === 'float32' &&
    same(await nested.read(), [1, 2, 3, 4, 5, 6]);
  nested.dispose();
  if (!ok) return fail('[[1, 2, 3], [4, 5, 6]] did not become a float32 [2, 3] tensor');
  const ints = pw.tensor([[7], [-8]], { dtype: 'int32' });
  const big = pw.tensor([1, 2n ** 60n], { dtype: 'int64' });
  const bytes = pw.tensor([0, 255], { dtype: 'uint8', shape: [1, 2] });
  const typedOk =
    ints.dtype === 'int32' &&
    same(await ints.read(), [7, -8]) &&
    same(ints.shape, [2, 1]) &&
    same(await big.read(), [1n, 2n ** 60n]) &&
    same(bytes.shape, [1, 2]) &&
    same(await bytes.read(), [0, 255]);
  for (const t of [ints, big, bytes]) t.dispose();
  if (!typedOk) return fail('the dtype option did not give int32 / int64 / uint8 tensors');
  const bad: [string, () => unknown, ErrorCode, string][] = [
    ['a string', () => pw.tensor(['1', 'x'] as never), 'INVALID_ARGUMENT', 'data[0]'],
    ['undefined', () => pw.tensor([1, undefined] as never), 'INVALID_ARGUMENT', 'data[1]'],
    ['null', () => pw.tensor([null] as never), 'INVALID_ARGUMENT', 'data[0]'],
    ['a boolean', () => pw.tensor([1, 2, true] as never), 'INVALID_ARGUMENT', 'data[2]'],
    // biome-ignore lint/suspicious/noSparseArray: a hole is what this rejects
    ['a hole', () => pw.tensor([1, , 3] as never), 'INVALID_ARGUMENT', 'data[1]'],
    ['a bigint in float32', () => pw.tensor([1n] as never), 'INVALID_ARGUMENT', 'data[0]'],
    ['a ragged row', () => pw.tensor([[1, 2], [3]]), 'SHAPE_MISMATCH', 'data[1]'],
    [
      'a deeper row',
      () =>
        pw.tensor([
          [1, 2],
          [3, [4]],
        ] as never),
      'SHAPE_MISMATCH',
      'data[1][1]',
    ],
    ['1.5 in int32', () => pw.tensor([1.5], { dtype: 'int32' }), 'PARAM_OUT_OF_RANGE', 'data[0]'],
    ['256 in uint8', () => pw.tensor([256], { dtype: 'uint8' }), 'PARAM_OUT_OF_RANGE', 'data[0]'],
    [
      'dtype float64',
      () => pw.tensor([1], { dtype: 'float64' as never }),
      'INVALID_ARGUMENT',
      'dtype',
    ],
    [
      'a typed array with another dtype',
      () => pw.tensor(new Int32Array(2), { dtype: 'float32' as never }),
      'DTYPE_MISMATCH',
      'dtype',
    ],
    ['an unknown option', () => pw.tensor([1], { shap: [1] } as never), 'INVALID_ARGUMENT', 'shap'],
  ];
  for (const [what, call, code, arg] of bad) {
    const problem = expectError(call, code, arg);
    if (problem) return fail(`tensor() with ${what}: ${problem}`);
  }
  const after = pw.memory();
  return after.bytes === before.bytes && after.buffers === before.buffers
    ? PASS
    : fail('a rejected tensor() call left memory allocated');
}

async function dropoutDefaults(
  pw: Pointwise,
  factory: BackendFactory | null,
): Promise<CaseOutcome> {
  const x = pw.tensor(new Float32Array(4096).fill(3));
  const dy = pw.tensor(new Float32Array(4096).fill(1));
  const made: Tensor[] = [x, dy];
  try {
    const first = pw.dropoutWithReplacement(x);
    const second = pw.dropoutWithReplacement(x);
    made.push(first.y, first.mask, second.y, second.mask);
    const y = await first.y.read();
    const mask = await first.mask.read();
    // inverted dropout by default: kept elements are x / (1 - 0.5) = 6
    for (let i = 0; i < y.length; i++) {
      if (y[i] !== (mask[i] ? 6 : 0))
        return fail(
          `default dropout gave y[${i}] = ${y[i]} (mask ${mask[i]}); expected scale by 2`,
        );
    }
    if (same(mask, await second.mask.read()))
      return fail('two dropout calls without a seed gave the same mask');
    if (first.draw.seed !== second.draw.seed || first.draw.stream === second.draw.stream)
      return fail('the instance generator should keep its seed and advance the stream');
    // backward from the draw alone regenerates the same mask
    const fromDraw = pw.dropoutWithReplacementBackward(dy, { draw: first.draw });
    const fromMask = pw.dropoutWithReplacementBackward(dy, { mask: first.mask, draw: first.draw });
    made.push(fromDraw.dx, fromDraw.dreplacement, fromMask.dx, fromMask.dreplacement);
    if (!same(await fromDraw.dx.read(), await fromMask.dx.read()))
      return fail('backward from the draw differs from backward with the mask');
    const noMask = pw.dropoutWithReplacement(x, { returnMask: false });
    made.push(noMask.y);
    if (noMask.mask !== null) return fail('returnMask: false still returned a mask');
    const problems = [
      expectError(() => pw.dropoutWithReplacementBackward(dy, {}), 'INVALID_ARGUMENT', 'draw'),
      expectError(
        () => pw.dropoutWithReplacementBackward(dy, { draw: first.draw, ratio: 0.1 }),
        'INVALID_ARGUMENT',
        'ratio',
      ),
      expectError(
        () => pw.dropoutWithReplacementBackward(dy, { draw: { seed: 1 } as never }),
        'INVALID_ARGUMENT',
        'draw',
      ),
    ].filter((p) => p !== null);
    if (problems.length) return fail(`backward: ${problems[0]}`);
    // an instance seed makes the generator reproducible across instances
    if (factory) {
      const masks: Uint8Array[] = [];
      for (let k = 0; k < 2; k++) {
        const seeded = await pointwise(factory, { seed: 99n });
        try {
          const t = seeded.tensor(new Float32Array(512).fill(1));
          masks.push(await seeded.dropoutWithReplacement(t).mask.read());
        } finally {
          seeded.destroy();
        }
      }
      if (!same(masks[0]!, masks[1]!))
        return fail('two instances with seed 99 gave different first masks');
    }
    return PASS;
  } finally {
    for (const t of made) t?.dispose();
  }
}

async function scopes(pw: Pointwise): Promise<CaseOutcome> {
  const before = pw.memory();
  let inner: Tensor<'float32'> | null = null;
  let kept: Tensor | null = null;
  const result = pw.scope(() => {
    inner = pw.tensor([1, -2]);
    kept = pw.keep(pw.relu(inner));
    const nested = pw.scope(() => {
      const a = pw.tensor([3]);
      return { a, b: [pw.relu(a)] };
    });
    return nested.b[0]!;
  });
  const problems: string[] = [];
  if (!inner || !(inner as Tensor).disposed) problems.push('a tensor made inside was not disposed');
  if (!kept || (kept as Tensor).disposed) problems.push('a kept tensor was disposed');
  if (result.disposed) problems.push('the returned tensor was disposed');
  else if (!same(await result.read(), [3])) problems.push('the returned tensor lost its data');
  result.dispose();
  (kept as Tensor | null)?.dispose();
  try {
    pw.scope(() => {
      pw.tensor([5]);
      throw new Error('boom');
    });
  } catch {
    // expected: the tensor made before the throw must be gone
  }
  const refused = expectError(() => pw.scope(async () => pw.tensor([6])), 'INVALID_ARGUMENT', 'fn');
  if (refused) problems.push(`an async scope: ${refused}`);
  {
    using t = pw.tensor([7]);
    if (t.disposed) problems.push('using disposed too early');
  }
  const inspectKey = Symbol.for('nodejs.util.inspect.custom');
  const shown = pw.tensor([1.5, -0, 2, 3, 4, 5, 6, 7, 8, 9], [2, 5]);
  const text = String((shown as unknown as Record<symbol, () => string>)[inspectKey]!());
  shown.dispose();
  if (!text.includes('float32') || !text.includes('[2, 5]') || !text.includes(pw.backendName))
    problems.push(`inspect shows ${text}`);
  if (pw.backend.readSync && !text.includes('1.5, -0'))
    problems.push(`inspect does not show the first values: ${text}`);
  const after = pw.memory();
  if (after.bytes !== before.bytes || after.buffers !== before.buffers)
    problems.push(`memory went from ${before.buffers} to ${after.buffers} buffers`);
  return problems.length ? fail(problems.join('; ')) : PASS;
}

async function deviceSlope(pw: Pointwise): Promise<CaseOutcome> {
  const values = new Float32Array(2 * 3 * 5).map((_, i) => (i % 7) - 3.5);
  const x = pw.tensor(values, [2, 3, 5]);
  const dy = pw.tensor(new Float32Array(30).fill(0.75), [2, 3, 5]);
  const slopes = [0.1, -0.3, 2.5];
  const slope = pw.tensor(slopes);
  const made: Tensor[] = [x, dy, slope];
  try {
    const host = pw.prelu(x, { slope: slopes });
    const device = pw.prelu(x, { slope });
    const hostBack = pw.preluBackward(dy, { x }, { slope: slopes });
    const deviceBack = pw.preluBackward(dy, { x }, { slope });
    made.push(host, device, hostBack.dx, hostBack.dslope, deviceBack.dx, deviceBack.dslope);
    if (!same(await host.read(), await device.read()))
      return fail('prelu with a device slope differs from the same host slope');
    if (
      !same(await hostBack.dx.read(), await deviceBack.dx.read()) ||
      !same(await hostBack.dslope.read(), await deviceBack.dslope.read())
    )
      return fail('preluBackward with a device slope differs from the same host slope');
    const ints = pw.tensor(new Int32Array(3));
    const two = pw.tensor([1, 2]);
    made.push(ints, two);
    const problems = [
      expectError(() => pw.prelu(x, { slope: ints as never }), 'DTYPE_MISMATCH', 'slope'),
      expectError(() => pw.prelu(x, { slope: two }), 'SHAPE_MISMATCH', 'slope'),
    ].filter((p) => p !== null);
    return problems.length ? fail(String(problems[0])) : PASS;
  } finally {
    for (const t of made) t.dispose();
  }
}

function publicSurface(pw: Pointwise): CaseOutcome {
  const internals = ['adopt', 'bufferOf', 'kernel', 'empty', 'call', 'checkAlive', 'forget'];
  const visible = internals.filter((name) => name in pw);
  return visible.length ? fail(`internals on the instance: ${visible.join(', ')}`) : PASS;
}

export function apiCases(factory: () => BackendFactory | null): ConformanceCase[] {
  return [
    {
      id: 'api/tensor/strict',
      op: 'tensors',
      description:
        'tensor(): nested arrays with the inferred shape, a dtype option, and errors naming the index for strings, null, undefined, booleans, holes, bigints in float32, ragged rows, out-of-range integers',
      run: strictTensor,
    },
    {
      id: 'api/dropout/defaults-and-draws',
      op: 'dropout',
      description:
        'dropout scales by 1/(1-ratio) by default; calls without seed or stream draw fresh masks from the instance generator; backward takes the draw record (or refuses without mask and draw); an instance seed reproduces the masks',
      run: (pw) => dropoutDefaults(pw, factory()),
    },
    {
      id: 'api/scope-using-inspect',
      op: 'tensors',
      description:
        'scope() disposes what it made except returned and kept tensors (nested, on throw, async refused); `using` disposes; inspect shows dtype, shape, backend and values',
      run: scopes,
    },
    {
      id: 'api/prelu/device-slope',
      op: 'prelu',
      description:
        'a float32 slope tensor on the backend gives the same bits as the same host slope (forward, dx, dslope); wrong dtype or length is refused',
      run: deviceSlope,
    },
    {
      id: 'api/public-surface',
      op: 'tensors',
      description: 'the instance shows no internals (adopt, bufferOf, kernel, empty, call)',
      run: async (pw) => publicSurface(pw),
    },
  ];
}

// Conformance cases for SPEC section 4: every rejected call throws a
// PointwiseError with the expected stable code, names the op and argument, and
// changes nothing: inputs and `out` keep their bytes, no tensor is leaked.

import type { Backend, BackendFactory } from '../../backend.js';
import { type ErrorCode, PointwiseError } from '../../errors.js';
import { contextOf, type Pointwise, pointwise, pointwiseWith } from '../../pointwise.js';
import type { Tensor } from '../../tensor.js';
import type { CaseOutcome, ConformanceCase } from '../case.js';

interface Fixture {
  x: Tensor<'float32'>;
  dy: Tensor<'float32'>;
  out: Tensor<'float32'>;
  nchw: Tensor<'float32'>;
  ints: Tensor<'int32'>;
  ids: Tensor<'int64'>;
  lengths: Tensor<'int32'>;
  mask: Tensor<'uint8'>;
  negativeLengths: Tensor<'int32'>;
  shortLengths: Tensor<'int32'>;
  intLengths: Tensor<'int32'>;
}

const X = [-1, 2, -3, 4, 0, Number.NaN];

function makeFixture(pw: Pointwise): Fixture {
  return {
    x: pw.tensor(X),
    dy: pw.tensor([1, 1, 1, 1, 1, 1]),
    out: pw.tensor([7, 7, 7, 7, 7, 7]),
    nchw: pw.tensor(new Float32Array(24).fill(-1), [2, 3, 2, 2]),
    ints: pw.tensor(new Int32Array([1, 2, 3, 4, 5, 6])),
    ids: pw.tensor(new BigInt64Array([1n, 2n, 3n])),
    lengths: pw.tensor(new Int32Array([1, 2])),
    mask: pw.tensor(new Uint8Array([1, 0, 1, 0, 1])),
    negativeLengths: pw.tensor(new Int32Array([4, -1])),
    shortLengths: pw.tensor(new Int32Array([1, 1])),
    intLengths: pw.tensor(new Int32Array([6])),
  };
}

async function snapshot(f: Fixture): Promise<string[]> {
  const out: string[] = [];
  for (const t of Object.values(f)) {
    if (t.disposed) continue;
    out.push(Array.from(await (t as Tensor).read(), String).join(','));
  }
  return out;
}

interface ErrorScenario {
  name: string;
  code: ErrorCode;
  op: string;
  /** The argument the error must name. */
  arg?: string;
  call(pw: Pointwise, f: Fixture): unknown;
}

const scenarios: ErrorScenario[] = [
  {
    name: 'alpha 1e39 is not finite in float32',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'elu',
    arg: 'alpha',
    call: (pw, f) => pw.elu(f.x, { alpha: 1e39 }),
  },
  {
    name: 'alpha NaN',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'leakyRelu',
    arg: 'alpha',
    call: (pw, f) => pw.leakyRelu(f.x, { alpha: Number.NaN }),
  },
  {
    name: 'alpha not a number',
    code: 'INVALID_ARGUMENT',
    op: 'thresholdedRelu',
    arg: 'alpha',
    call: (pw, f) => pw.thresholdedRelu(f.x, { alpha: '1' as unknown as number }),
  },
  {
    name: 'ceiling 0',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'clippedRelu',
    arg: 'ceiling',
    call: (pw, f) => pw.clippedRelu(f.x, { ceiling: 0 }),
  },
  {
    name: 'ceiling -1 in backward',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'clippedReluBackward',
    arg: 'ceiling',
    call: (pw, f) => pw.clippedReluBackward(f.dy, { x: f.x }, { ceiling: -1 }),
  },
  {
    name: 'unknown parameter',
    code: 'INVALID_ARGUMENT',
    op: 'elu',
    arg: 'alhpa',
    call: (pw, f) => pw.elu(f.x, { alhpa: 1 } as never),
  },
  {
    name: 'slope with a NaN',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'prelu',
    arg: 'slope[1]',
    call: (pw, f) => pw.prelu(f.nchw, { slope: [0.1, Number.NaN, 0.2] }),
  },
  {
    name: 'slope length does not match the channel axis',
    code: 'SHAPE_MISMATCH',
    op: 'prelu',
    arg: 'slope',
    call: (pw, f) => pw.prelu(f.nchw, { slope: [0.1, 0.2] }),
  },
  {
    name: 'channelAxis out of range',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'prelu',
    arg: 'channelAxis',
    call: (pw, f) => pw.prelu(f.nchw, { slope: [1, 2, 3], channelAxis: 4 }),
  },
  {
    name: 'dy shape differs from x',
    code: 'SHAPE_MISMATCH',
    op: 'reluBackward',
    arg: 'dy',
    call: (pw, f) => pw.reluBackward(f.nchw, { x: f.x }),
  },
  {
    name: 'out shape differs from x',
    code: 'SHAPE_MISMATCH',
    op: 'relu',
    arg: 'out',
    call: (pw, f) => pw.relu(f.x, { out: f.nchw }),
  },
  {
    name: 'int32 input to an activation',
    code: 'DTYPE_MISMATCH',
    op: 'relu',
    arg: 'x',
    call: (pw, f) => pw.relu(f.ints as never),
  },
  {
    name: 'float mask',
    code: 'DTYPE_MISMATCH',
    op: 'dropoutWithReplacementBackward',
    arg: 'mask',
    call: (pw, f) => pw.dropoutWithReplacementBackward(f.dy, { mask: f.out as never }),
  },
  {
    name: 'mask shape differs from dy',
    code: 'SHAPE_MISMATCH',
    op: 'dropoutWithReplacementBackward',
    arg: 'mask',
    call: (pw, f) => pw.dropoutWithReplacementBackward(f.dy, { mask: f.mask }),
  },
  {
    name: 'ratio 1.5',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'dropoutWithReplacement',
    arg: 'ratio',
    call: (pw, f) => pw.dropoutWithReplacement(f.x, { ratio: 1.5 }),
  },
  {
    name: 'negative seed',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'dropoutWithReplacement',
    arg: 'seed',
    call: (pw, f) => pw.dropoutWithReplacement(f.x, { seed: -1 }),
  },
  {
    name: 'seed above 2^64 - 1',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'dropoutWithReplacement',
    arg: 'stream',
    call: (pw, f) => pw.dropoutWithReplacement(f.x, { stream: 1n << 64n }),
  },
  {
    name: 'replacement 1e39',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'dropoutWithReplacement',
    arg: 'replacement',
    call: (pw, f) => pw.dropoutWithReplacement(f.x, { replacement: 1e39 }),
  },
  {
    name: 'both x and y given',
    code: 'INVALID_ARGUMENT',
    op: 'eluBackward',
    arg: 'saved',
    call: (pw, f) => pw.eluBackward(f.dy, { x: f.x, y: f.out } as never),
  },
  {
    name: 'backward from y where SPEC needs x (prelu)',
    code: 'X_REQUIRED',
    op: 'preluBackward',
    arg: 'y',
    call: (pw, f) => pw.preluBackward(f.dy, { y: f.x }),
  },
  {
    name: 'backward from y with alpha < 0 (leakyRelu)',
    code: 'X_REQUIRED',
    op: 'leakyReluBackward',
    arg: 'y',
    call: (pw, f) => pw.leakyReluBackward(f.dy, { y: f.x }, { alpha: -0.5 }),
  },
  {
    name: 'in-place prelu loses x',
    code: 'X_REQUIRED',
    op: 'prelu',
    arg: 'out',
    call: (pw, f) => pw.prelu(f.x, { out: f.x }),
  },
  {
    name: 'in-place elu with alpha < 0',
    code: 'X_REQUIRED',
    op: 'elu',
    arg: 'out',
    call: (pw, f) => pw.elu(f.x, { alpha: -1, out: f.x }),
  },
  {
    name: 'not a tensor',
    code: 'INVALID_ARGUMENT',
    op: 'relu',
    arg: 'x',
    call: (pw) => pw.relu(new Float32Array(3) as never),
  },
  {
    name: 'negative segment length',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'sparseDropoutWithReplacement',
    arg: 'lengths[1]',
    call: (pw, f) => pw.sparseDropoutWithReplacement(f.ids, f.negativeLengths),
  },
  {
    name: 'sum(lengths) differs from values.length',
    code: 'SHAPE_MISMATCH',
    op: 'sparseDropoutWithReplacement',
    arg: 'lengths',
    call: (pw, f) => pw.sparseDropoutWithReplacement(f.ids, f.shortLengths),
  },
  {
    name: 'replacement does not fit int32',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'sparseDropoutWithReplacement',
    arg: 'replacement',
    call: (pw, f) =>
      pw.sparseDropoutWithReplacement(f.ints, f.intLengths, { replacement: 2 ** 31 }),
  },
  {
    name: 'replacement not an integer',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'sparseDropoutWithReplacement',
    arg: 'replacement',
    call: (pw, f) => pw.sparseDropoutWithReplacement(f.ids, f.lengths, { replacement: 0.5 }),
  },
  {
    name: 'sparse ratio -0.1',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'sparseDropoutWithReplacement',
    arg: 'ratio',
    call: (pw, f) => pw.sparseDropoutWithReplacement(f.ids, f.lengths, { ratio: -0.1 }),
  },
  {
    name: 'float values to sparse dropout',
    code: 'DTYPE_MISMATCH',
    op: 'sparseDropoutWithReplacement',
    arg: 'values',
    call: (pw, f) => pw.sparseDropoutWithReplacement(f.x as never, f.lengths),
  },
  {
    name: 'shape that does not match the data',
    code: 'SHAPE_MISMATCH',
    op: 'tensor',
    arg: 'shape',
    call: (pw) => pw.tensor([1, 2, 3], [2, 2]),
  },
  {
    name: 'tensor of 2^40 elements',
    code: 'OUT_OF_MEMORY',
    op: 'zeros',
    arg: 'shape',
    call: (pw) => pw.zeros([2 ** 20, 2 ** 20]),
  },
  {
    name: 'ratio NaN (same code as alpha NaN)',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'dropoutWithReplacement',
    arg: 'ratio',
    call: (pw, f) => pw.dropoutWithReplacement(f.x, { ratio: Number.NaN }),
  },
  {
    name: 'sparse replacement 1.5 (same code as seed 1.5)',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'sparseDropoutWithReplacement',
    arg: 'replacement',
    call: (pw, f) => pw.sparseDropoutWithReplacement(f.ids, f.lengths, { replacement: 1.5 }),
  },
  {
    name: 'seed 1.5',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'dropoutWithReplacement',
    arg: 'seed',
    call: (pw, f) => pw.dropoutWithReplacement(f.x, { seed: 1.5 }),
  },
  ...(
    [
      ['number', 5],
      ['boolean', true],
      ['string', 'fast'],
      ['null', null],
      ['array', [1]],
    ] as const
  ).flatMap(([kind, value]): ErrorScenario[] => [
    {
      name: `forward params given as a ${kind}`,
      code: 'INVALID_ARGUMENT',
      op: 'relu',
      arg: 'params',
      call: (pw, f) => pw.relu(f.x, value as never),
    },
    {
      name: `backward params given as a ${kind}`,
      code: 'INVALID_ARGUMENT',
      op: 'eluBackward',
      arg: 'params',
      call: (pw, f) => pw.eluBackward(f.dy, { x: f.x }, value as never),
    },
    {
      name: `dropout params given as a ${kind}`,
      code: 'INVALID_ARGUMENT',
      op: 'dropoutWithReplacement',
      arg: 'params',
      call: (pw, f) => pw.dropoutWithReplacement(f.x, value as never),
    },
    {
      name: `dropout backward params given as a ${kind}`,
      code: 'INVALID_ARGUMENT',
      op: 'dropoutWithReplacementBackward',
      arg: 'params',
      call: (pw, f) => pw.dropoutWithReplacementBackward(f.dy, value as never),
    },
    {
      name: `sparse dropout params given as a ${kind}`,
      code: 'INVALID_ARGUMENT',
      op: 'sparseDropoutWithReplacement',
      arg: 'params',
      call: (pw, f) => pw.sparseDropoutWithReplacement(f.ids, f.lengths, value as never),
    },
  ]),
  {
    name: 'channelAxis 99 with a single slope',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'prelu',
    arg: 'channelAxis',
    call: (pw, f) => pw.prelu(f.nchw, { slope: 0.5, channelAxis: 99 }),
  },
  {
    name: 'channelAxis -7 with a single slope',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'preluBackward',
    arg: 'channelAxis',
    call: (pw, f) => pw.preluBackward(f.dy, { x: f.x }, { slope: 0.5, channelAxis: -7 }),
  },
  {
    name: 'channelAxis null',
    code: 'INVALID_ARGUMENT',
    op: 'prelu',
    arg: 'channelAxis',
    call: (pw, f) => pw.prelu(f.nchw, { slope: [1, 2, 3], channelAxis: null as never }),
  },
  {
    name: 'channelAxis 1.5',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'prelu',
    arg: 'channelAxis',
    call: (pw, f) => pw.prelu(f.nchw, { slope: [1, 2, 3], channelAxis: 1.5 }),
  },
  {
    name: 'three slopes on a rank-1 input',
    code: 'SHAPE_MISMATCH',
    op: 'prelu',
    arg: 'slope',
    call: (pw, f) => pw.prelu(f.x, { slope: [1, 2, 3] }),
  },
  ...(['float64', 'float16', 'bool', '', 42] as const).flatMap((dtype): ErrorScenario[] => [
    {
      name: `zeros with dtype ${JSON.stringify(dtype)}`,
      code: 'INVALID_ARGUMENT',
      op: 'zeros',
      arg: 'dtype',
      call: (pw) => pw.zeros([3], dtype as never),
    },
    {
      name: `empty with dtype ${JSON.stringify(dtype)}`,
      code: 'INVALID_ARGUMENT',
      op: 'empty',
      arg: 'dtype',
      call: (pw) => pw[contextOf]().empty(dtype as never, [3]),
    },
  ]),
  ...(
    [
      ['negative', [-1]],
      ['fractional', [1.5]],
      ['NaN', [Number.NaN]],
      ['Infinity', [Number.POSITIVE_INFINITY]],
      ['string entry', ['3']],
      ['not an array', 3],
      ['null', null],
      ['of 2^60 elements', [2 ** 30, 2 ** 30]],
    ] as const
  ).flatMap(([kind, shape]): ErrorScenario[] => [
    {
      name: `zeros with a ${kind} shape`,
      code: 'SHAPE_MISMATCH',
      op: 'zeros',
      arg: 'shape',
      call: (pw) => pw.zeros(shape as never),
    },
    {
      name: `empty with a ${kind} shape`,
      code: 'SHAPE_MISMATCH',
      op: 'empty',
      arg: 'shape',
      call: (pw) => pw[contextOf]().empty('float32', shape as never),
    },
    {
      name: `tensor with a ${kind} shape`,
      code: 'SHAPE_MISMATCH',
      op: 'tensor',
      arg: 'shape',
      call: (pw) => pw.tensor([1, 2, 3], shape as never),
    },
  ]),
  {
    name: 'disposed input',
    code: 'TENSOR_DISPOSED',
    op: 'relu',
    arg: 'x',
    call: (pw) => {
      const t = pw.tensor([1, 2]);
      t.dispose();
      return pw.relu(t);
    },
  },
];

// shiftedRelu's threshold (kept apart from the list above): a number, finite after
// rounding to float32, checked in forward and in backward from x and from y.
const shiftedReluScenarios: ErrorScenario[] = [
  {
    name: 'threshold Infinity',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'shiftedRelu',
    arg: 'threshold',
    call: (pw, f) => pw.shiftedRelu(f.x, { threshold: Number.POSITIVE_INFINITY }),
  },
  {
    name: 'threshold 1e39 is not finite in float32',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'shiftedRelu',
    arg: 'threshold',
    call: (pw, f) => pw.shiftedRelu(f.x, { threshold: 1e39, out: f.x }),
  },
  {
    name: 'threshold NaN in backward from x',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'shiftedReluBackward',
    arg: 'threshold',
    call: (pw, f) => pw.shiftedReluBackward(f.dy, { x: f.x }, { threshold: Number.NaN }),
  },
  {
    name: 'threshold -1e39 in backward from y',
    code: 'PARAM_OUT_OF_RANGE',
    op: 'shiftedReluBackward',
    arg: 'threshold',
    call: (pw, f) => pw.shiftedReluBackward(f.dy, { y: f.out }, { threshold: -1e39 }),
  },
  {
    name: 'threshold not a number',
    code: 'INVALID_ARGUMENT',
    op: 'shiftedRelu',
    arg: 'threshold',
    call: (pw, f) => pw.shiftedRelu(f.x, { threshold: '0.5' as unknown as number }),
  },
  {
    name: 'thresholdedRelu alpha passed to shiftedRelu',
    code: 'INVALID_ARGUMENT',
    op: 'shiftedRelu',
    arg: 'alpha',
    call: (pw, f) => pw.shiftedRelu(f.x, { alpha: 1 } as never),
  },
];

async function expectRejection(pw: Pointwise, scenario: ErrorScenario): Promise<CaseOutcome> {
  const f = makeFixture(pw);
  try {
    const before = await snapshot(f);
    const memoryBefore = pw.memory();
    let thrown: unknown = null;
    let returned: unknown;
    try {
      returned = await scenario.call(pw, f);
    } catch (error) {
      thrown = error;
    }
    if (thrown === null) {
      disposeResult(returned);
      return {
        pass: false,
        message: `${scenario.name}: expected ${scenario.code}, but the call succeeded`,
      };
    }
    if (!(thrown instanceof PointwiseError))
      return {
        pass: false,
        message: `${scenario.name}: expected a PointwiseError, got ${String(thrown)}`,
      };
    if (thrown.code !== scenario.code)
      return {
        pass: false,
        message: `${scenario.name}: expected ${scenario.code}, got ${thrown.code}: ${thrown.message}`,
      };
    if (thrown.op !== scenario.op)
      return {
        pass: false,
        message: `${scenario.name}: error names op ${thrown.op}, expected ${scenario.op}`,
      };
    if (scenario.arg !== undefined && thrown.arg !== scenario.arg)
      return {
        pass: false,
        message: `${scenario.name}: error names argument ${thrown.arg}, expected ${scenario.arg}`,
      };
    if (!thrown.message.includes(scenario.op))
      return {
        pass: false,
        message: `${scenario.name}: message does not name the op: ${thrown.message}`,
      };
    const after = await snapshot(f);
    if (after.join('|') !== before.join('|'))
      return { pass: false, message: `${scenario.name}: a rejected call changed a tensor` };
    const memoryAfter = pw.memory();
    if (memoryAfter.buffers !== memoryBefore.buffers || memoryAfter.bytes !== memoryBefore.bytes) {
      return {
        pass: false,
        message: `${scenario.name}: a rejected call left ${memoryAfter.buffers - memoryBefore.buffers} buffer(s) allocated`,
      };
    }
    // the allocator still hands out separate storage (a bad dtype once broke it)
    const a = pw.tensor([1, 2, 3, 4]);
    const b = pw.tensor([5, 6, 7, 8]);
    pw.relu(b, { out: b });
    const intact =
      (await a.read()).join(',') === '1,2,3,4' && (await b.read()).join(',') === '5,6,7,8';
    a.dispose();
    b.dispose();
    if (!intact)
      return { pass: false, message: `${scenario.name}: new tensors share storage afterwards` };
    return { pass: true, message: thrown.message };
  } finally {
    for (const t of Object.values(f)) t.dispose();
  }
}

function disposeResult(value: unknown): void {
  if (value && typeof value === 'object') {
    if ('dispose' in value && typeof value.dispose === 'function') value.dispose();
    else
      for (const v of Object.values(value))
        if (v && typeof v === 'object' && 'dispose' in v) (v as Tensor).dispose();
  }
}

function opOfScenario(s: ErrorScenario): string {
  const base = s.op.replace(/Backward$/, '');
  if (base === 'dropoutWithReplacement') return 'dropout';
  if (base === 'sparseDropoutWithReplacement') return 'sparseDropout';
  if (base === 'tensor' || base === 'zeros' || base === 'empty') return 'tensors';
  return base;
}

export function errorCases(factory: () => BackendFactory | null): ConformanceCase[] {
  const cases: ConformanceCase[] = [...scenarios, ...shiftedReluScenarios].map((scenario) => ({
    id: `errors/${scenario.code}/${scenario.name.replace(/\s+/g, '-')}`,
    op: opOfScenario(scenario),
    description: `${scenario.name} → ${scenario.code}, nothing changed`,
    run: (pw) => expectRejection(pw, scenario),
  }));
  cases.push(
    {
      id: 'errors/FOREIGN_TENSOR/tensor-from-another-instance',
      op: 'tensors',
      description: 'a tensor from another Pointwise instance (same backend kind) is rejected',
      run: async (pw) => {
        const source = factory();
        if (!source) return { pass: false, message: 'no factory to create a second instance' };
        const other = await pointwise(source);
        const foreign = other.tensor([1, 2, 3]);
        try {
          pw.relu(foreign);
          return { pass: false, message: 'relu accepted a foreign tensor' };
        } catch (error) {
          const ok =
            error instanceof PointwiseError && error.code === 'FOREIGN_TENSOR' && error.arg === 'x';
          return ok
            ? { pass: true }
            : { pass: false, message: `expected FOREIGN_TENSOR, got ${String(error)}` };
        } finally {
          foreign.dispose();
          other.destroy();
        }
      },
    },
    {
      id: 'errors/KERNEL_MISSING/backend-without-elu',
      op: 'tensors',
      description: 'an op the backend does not implement is a KERNEL_MISSING error, not a crash',
      run: async (pw) => {
        const { elu: _drop, ...rest } = pw.backend.kernels;
        const partial = pointwiseWith({ ...pw.backend, kernels: rest } as Backend);
        const x = partial.tensor([1]);
        try {
          partial.elu(x);
          return { pass: false, message: 'elu ran without a kernel' };
        } catch (error) {
          return error instanceof PointwiseError && error.code === 'KERNEL_MISSING'
            ? { pass: true }
            : { pass: false, message: String(error) };
        } finally {
          x.dispose();
        }
      },
    },
    {
      id: 'errors/BACKEND_UNAVAILABLE/reason-reported',
      op: 'tensors',
      description:
        'pointwise() on an unavailable backend rejects with BACKEND_UNAVAILABLE and the reason',
      run: async (pw) => {
        const unavailable: BackendFactory = {
          name: pw.backendName,
          isAvailable: async () => ({ available: false, reason: 'test: feature missing' }),
          create: async () => pw.backend,
        };
        try {
          await pointwise(unavailable);
          return { pass: false, message: 'an unavailable backend was created' };
        } catch (error) {
          const ok =
            error instanceof PointwiseError &&
            error.code === 'BACKEND_UNAVAILABLE' &&
            error.message.includes('test: feature missing');
          return ok ? { pass: true } : { pass: false, message: String(error) };
        }
      },
    },
    {
      id: 'errors/SYNC_READ_UNSUPPORTED/readSync',
      op: 'tensors',
      description:
        'readSync either returns the data (CPU backends) or throws SYNC_READ_UNSUPPORTED',
      run: async (pw) => {
        const t = pw.tensor([1.5, -2]);
        try {
          const data = t.readSync();
          return data[0] === 1.5 && data[1] === -2
            ? { pass: true }
            : { pass: false, message: `readSync returned ${data}` };
        } catch (error) {
          return error instanceof PointwiseError && error.code === 'SYNC_READ_UNSUPPORTED'
            ? { pass: true }
            : { pass: false, message: String(error) };
        } finally {
          t.dispose();
        }
      },
    },
  );
  return cases;
}

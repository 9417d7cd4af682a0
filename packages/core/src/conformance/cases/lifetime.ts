// Conformance cases for the lifetime contract every backend is held to: a tensor
// disposed while a read or an async op uses it still gives that work its data;
// double dispose is a no-op; use after dispose or after destroy() is a typed error;
// a call rejected halfway through its allocations leaves memory() exactly as it
// was; allocating until the backend refuses leaves earlier tensors intact; many
// reads in flight at once all resolve with the right data.

import type { Backend, BackendFactory } from '../../backend.js';
import { type ErrorCode, PointwiseError } from '../../errors.js';
import { sparseDropoutReference } from '../../ops/sparseDropout.js';
import { contextOf, type Pointwise, pointwise, pointwiseWith } from '../../pointwise.js';
import type { Tensor } from '../../tensor.js';
import type { CaseOutcome, ConformanceCase } from '../case.js';

const fail = (message: string): CaseOutcome => ({ pass: false, message });
const PASS: CaseOutcome = { pass: true };

/** Runs `call` and says whether it threw (or rejected with) a PointwiseError of `code`. */
async function rejectsWith(code: ErrorCode, call: () => unknown): Promise<string | null> {
  try {
    await call();
  } catch (error) {
    if (error instanceof PointwiseError && error.code === code) return null;
    return `expected ${code}, got ${error instanceof Error ? error.message : String(error)}`;
  }
  return `expected ${code}, but the call succeeded`;
}

function sameArray(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function disposeAll(value: unknown): void {
  if (!value || typeof value !== 'object') return;
  if ('dispose' in value && typeof value.dispose === 'function') {
    value.dispose();
    return;
  }
  for (const v of Object.values(value)) disposeAll(v);
}

/**
 * The same backend, with every allocation counted and, once `failFrom(n)` is set,
 * the n-th and later ones (counting from 0) refused with OUT_OF_MEMORY. Everything
 * else is the real backend: the kernels run, and memory() is the backend's own.
 */
interface FailingBackend extends Backend {
  count(): number;
  failFrom(n: number | null): void;
}

function failingAllocations(real: Backend): FailingBackend {
  let count = 0;
  let failAt: number | null = null;
  const guard = (dtype: unknown, size: unknown) => {
    if (failAt !== null && count >= failAt) {
      throw new PointwiseError(
        'OUT_OF_MEMORY',
        { op: 'alloc', arg: 'size', value: size },
        `injected allocation failure (${String(dtype)})`,
      );
    }
    count++;
  };
  return new Proxy(real, {
    get(target, key) {
      if (key === 'count') return () => count;
      if (key === 'failFrom')
        return (n: number | null) => {
          failAt = n;
        };
      if (key === 'alloc')
        return (dtype: never, size: number) => {
          guard(dtype, size);
          return target.alloc(dtype, size);
        };
      if (key === 'upload')
        return (dtype: never, data: ArrayLike<unknown>) => {
          guard(dtype, data.length);
          return target.upload(dtype, data as never);
        };
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as FailingBackend;
}

interface HalfwayCall {
  name: string;
  /** The op name the OUT_OF_MEMORY error must carry. */
  op: string;
  run(pw: Pointwise, t: HalfwayInputs): unknown;
}

interface HalfwayInputs {
  x: Tensor<'float32'>;
  dy: Tensor<'float32'>;
  mask: Tensor<'uint8'>;
  ids: Tensor<'int64'>;
  lengths: Tensor<'int32'>;
}

const SLOPES = [0.1, 0.2, 0.3];
const halfwayCalls: HalfwayCall[] = [
  { name: 'relu', op: 'relu', run: (pw, t) => pw.relu(t.x) },
  { name: 'reluBackward', op: 'reluBackward', run: (pw, t) => pw.reluBackward(t.dy, { x: t.x }) },
  { name: 'prelu', op: 'prelu', run: (pw, t) => pw.prelu(t.x, { slope: SLOPES }) },
  {
    name: 'preluBackward',
    op: 'preluBackward',
    run: (pw, t) => pw.preluBackward(t.dy, { x: t.x }, { slope: SLOPES }),
  },
  {
    name: 'clippedReluBackward',
    op: 'clippedReluBackward',
    run: (pw, t) => pw.clippedReluBackward(t.dy, { x: t.x }),
  },
  { name: 'elu', op: 'elu', run: (pw, t) => pw.elu(t.x) },
  {
    name: 'dropout',
    op: 'dropoutWithReplacement',
    run: (pw, t) => pw.dropoutWithReplacement(t.x, { ratio: 0.5, seed: 1 }),
  },
  {
    name: 'dropoutBackward-regenerated',
    op: 'dropoutWithReplacementBackward',
    run: (pw, t) => pw.dropoutWithReplacementBackward(t.dy, { ratio: 0.5, seed: 1 }),
  },
  {
    name: 'dropoutBackward-mask',
    op: 'dropoutWithReplacementBackward',
    run: (pw, t) => pw.dropoutWithReplacementBackward(t.dy, { ratio: 0.5, mask: t.mask }),
  },
  {
    name: 'sparseDropout',
    op: 'sparseDropoutWithReplacement',
    run: (pw, t) => pw.sparseDropoutWithReplacement(t.ids, t.lengths, { ratio: 0.5, seed: 3 }),
  },
];

function halfwayInputs(pw: Pointwise): HalfwayInputs {
  const x = new Float32Array(2 * 3 * 4).map((_, i) => (i % 7) - 3);
  return {
    x: pw.tensor(x, [2, 3, 4]),
    dy: pw.tensor(new Float32Array(24).fill(0.5), [2, 3, 4]),
    mask: pw.tensor(
      new Uint8Array(24).map((_, i) => i & 1),
      [2, 3, 4],
    ),
    ids: pw.tensor(new BigInt64Array([1n, 2n, 3n, 4n, 5n])),
    lengths: pw.tensor(new Int32Array([2, 0, 3])),
  };
}

async function snapshotOf(inputs: HalfwayInputs): Promise<string> {
  const parts: string[] = [];
  for (const t of Object.values(inputs)) parts.push(Array.from(await t.read(), String).join(','));
  return parts.join('|');
}

/** Every allocation point of `call`, failed in turn: each must leave nothing behind. */
async function rejectedHalfway(pw: Pointwise, call: HalfwayCall): Promise<CaseOutcome> {
  const counting = failingAllocations(pw.backend);
  const countingPw = pointwiseWith(counting);
  const countingInputs = halfwayInputs(countingPw);
  const start = counting.count();
  disposeAll(await call.run(countingPw, countingInputs));
  const allocations = counting.count() - start;
  disposeAll(countingInputs);
  if (allocations === 0) return fail(`${call.name} made no allocation through the backend`);
  for (let k = 0; k < allocations; k++) {
    const backend = failingAllocations(pw.backend);
    const faulty = pointwiseWith(backend);
    const inputs = halfwayInputs(faulty);
    try {
      const snapshot = await snapshotOf(inputs);
      const before = pw.backend.memory();
      backend.failFrom(backend.count() + k);
      let problem: string | null = null;
      try {
        disposeAll(await call.run(faulty, inputs));
        problem = 'the call succeeded';
      } catch (error) {
        if (!(error instanceof PointwiseError) || error.code !== 'OUT_OF_MEMORY')
          problem = `expected OUT_OF_MEMORY, got ${String(error)}`;
        else if (error.op !== call.op)
          problem = `OUT_OF_MEMORY names op ${error.op}, expected ${call.op}`;
      }
      backend.failFrom(null);
      const where = `${call.name}, allocation ${k + 1} of ${allocations} refused`;
      if (problem) return fail(`${where}: ${problem}`);
      const after = pw.backend.memory();
      if (after.bytes !== before.bytes || after.buffers !== before.buffers)
        return fail(
          `${where}: left ${after.buffers - before.buffers} buffer(s), ${after.bytes - before.bytes} bytes`,
        );
      if ((await snapshotOf(inputs)) !== snapshot)
        return fail(`${where}: the rejected call changed an input or out`);
    } finally {
      disposeAll(inputs);
    }
  }
  return { pass: true, message: `${allocations} allocation point(s) each refused and rolled back` };
}

/**
 * The same backend whose allocations, uploads and reads, once `lose(true)` is set,
 * throw DEVICE_LOST naming backend internals (`alloc`, `upload`, `read`), as a
 * backend does once its device is gone. Everything else is the real backend.
 */
function losableDevice(real: Backend): Backend & { lose(on: boolean): void } {
  let gone = false;
  return new Proxy(real, {
    get(target, key) {
      if (key === 'lose')
        return (on: boolean) => {
          gone = on;
        };
      if (key === 'alloc' || key === 'upload' || key === 'read') {
        const method = Reflect.get(target, key, target) as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => {
          if (gone)
            throw new PointwiseError(
              'DEVICE_LOST',
              { op: key, arg: 'device', value: real.name },
              'injected device loss',
            );
          return method.apply(target, args);
        };
      }
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as Backend & { lose(on: boolean): void };
}

async function deviceLostNamesTheOp(pw: Pointwise): Promise<CaseOutcome> {
  const backend = losableDevice(pw.backend);
  const view = pointwiseWith(backend);
  const inputs = halfwayInputs(view);
  try {
    backend.lose(true);
    const calls: [string, () => unknown][] = [
      ['tensor', () => view.tensor([1, 2])],
      ['zeros', () => view.zeros([2])],
      ...halfwayCalls.map((call): [string, () => unknown] => [
        call.op,
        () => call.run(view, inputs),
      ]),
    ];
    for (const [op, call] of calls) {
      try {
        disposeAll(await call());
        return fail(`${op} succeeded on a lost device`);
      } catch (error) {
        if (!(error instanceof PointwiseError) || error.code !== 'DEVICE_LOST')
          return fail(`${op}: expected DEVICE_LOST, got ${String(error)}`);
        if (error.op !== op)
          return fail(`${op}: DEVICE_LOST names ${error.op} (${error.message}), not the op called`);
      }
    }
    return PASS;
  } finally {
    backend.lose(false);
    disposeAll(inputs);
  }
}

async function destroyWhileSparsePending(source: BackendFactory | null): Promise<CaseOutcome> {
  if (!source) return fail('no factory to create a separate instance');
  const pw = await pointwise(source);
  const values = pw.tensor(new BigInt64Array(4096).map((_, i) => BigInt(i)));
  const lengths = pw.tensor(new Int32Array(1024).fill(4));
  const pending = pw.sparseDropoutWithReplacement(values, lengths, { ratio: 0.5, seed: 5 });
  pw.destroy();
  try {
    await pending;
    return { pass: true, message: 'the call finished before destroy() took effect' };
  } catch (error) {
    if (!(error instanceof PointwiseError) || error.code !== 'INSTANCE_DESTROYED')
      return fail(`expected INSTANCE_DESTROYED (or a result), got ${String(error)}`);
    if (error.op !== 'sparseDropoutWithReplacement')
      return fail(
        `INSTANCE_DESTROYED names ${error.op} (${error.message}), not sparseDropoutWithReplacement`,
      );
    return PASS;
  }
}

const CHUNK = 2 ** 26; // float32 elements: 256 MiB
const MAX_CHUNKS = 16; // stop at 4 GiB: enough for wasm32 to refuse, bounded elsewhere

async function allocateUntilRefused(source: BackendFactory | null): Promise<CaseOutcome> {
  if (!source) return fail('no factory to create a separate instance');
  const pw = await pointwise(source);
  const chunks: Tensor<'float32'>[] = [];
  try {
    const small = pw.tensor([1, 2, 3, 4]);
    let refusal: PointwiseError | null = null;
    for (let i = 0; i < MAX_CHUNKS && refusal === null; i++) {
      const before = pw.memory();
      try {
        chunks.push(pw[contextOf]().empty('float32', [CHUNK]));
      } catch (error) {
        if (!(error instanceof PointwiseError) || error.code !== 'OUT_OF_MEMORY')
          return fail(`allocation ${i + 1} threw ${String(error)}, not OUT_OF_MEMORY`);
        const after = pw.memory();
        if (after.bytes !== before.bytes || after.buffers !== before.buffers)
          return fail('the refused allocation changed memory()');
        refusal = error;
      }
    }
    const data = await small.read();
    if (!sameArray(data, [1, 2, 3, 4]))
      return fail(`a tensor made before the big allocations now reads [${Array.from(data)}]`);
    const probe = pw.tensor([-1, 2]);
    const y = pw.relu(probe);
    const ok = sameArray(await y.read(), [0, 2]);
    y.dispose();
    probe.dispose();
    if (!ok) return fail('a small op after the refusal gave a wrong result');
    let halfway = 'not tried';
    if (refusal !== null && chunks.length > 0) {
      // free one chunk: y of a chunk-sized dropout fits, its mask may not
      chunks.pop()!.dispose();
      const x = chunks[0]!;
      const before = pw.memory();
      try {
        disposeAll(pw.dropoutWithReplacement(x, { ratio: 0.5 }));
        halfway = 'dropout fitted';
      } catch (error) {
        if (!(error instanceof PointwiseError) || error.code !== 'OUT_OF_MEMORY')
          return fail(`dropout near the limit threw ${String(error)}`);
        if (error.op !== 'dropoutWithReplacement')
          return fail(`OUT_OF_MEMORY names ${error.op}, not dropoutWithReplacement`);
        halfway = 'dropout refused';
      }
      const after = pw.memory();
      if (after.bytes !== before.bytes || after.buffers !== before.buffers)
        return fail(`${halfway}, and memory() went from ${before.bytes} to ${after.bytes} bytes`);
    }
    small.dispose();
    return {
      pass: true,
      message:
        refusal === null
          ? `no refusal within ${MAX_CHUNKS} x 256 MiB; earlier data intact`
          : `refused after ${chunks.length} x 256 MiB (${halfway}); earlier data intact`,
    };
  } finally {
    for (const c of chunks) c.dispose();
    pw.destroy();
  }
}

async function useAfterDestroy(source: BackendFactory | null): Promise<CaseOutcome> {
  if (!source) return fail('no factory to create a separate instance');
  const pw = await pointwise(source);
  const x = pw.tensor([-1, 2, 3, 4]);
  const ids = pw.tensor(new Int32Array([1, 2]));
  const lengths = pw.tensor(new Int32Array([2]));
  pw.destroy();
  const code: ErrorCode = 'INSTANCE_DESTROYED';
  const calls: [string, () => unknown][] = [
    ['tensor()', () => pw.tensor([1])],
    ['zeros()', () => pw.zeros([2])],
    ['relu', () => pw.relu(x)],
    ['reluBackward', () => pw.reluBackward(x, { x })],
    ['prelu', () => pw.prelu(x)],
    ['dropout', () => pw.dropoutWithReplacement(x, { ratio: 0.5 })],
    ['sparse dropout', () => pw.sparseDropoutWithReplacement(ids, lengths)],
    ['read()', () => x.read()],
    ['readSync()', () => x.readSync()],
    ['memory()', () => pw.memory()],
    ['flush()', () => pw.flush()],
  ];
  for (const [name, call] of calls) {
    const problem = await rejectsWith(code, call);
    if (problem) return fail(`${name} after destroy(): ${problem}`);
  }
  try {
    x.dispose();
    pw.destroy();
  } catch (error) {
    return fail(`dispose() or a second destroy() threw ${String(error)}`);
  }
  const fresh = await pointwise(source);
  try {
    const t = fresh.tensor([-3, 3]);
    const y = fresh.relu(t);
    const ok = sameArray(await y.read(), [0, 3]);
    return ok ? PASS : fail('a new instance after destroy() computed a wrong relu');
  } finally {
    fresh.destroy();
  }
}

export function lifetimeCases(factory: () => BackendFactory | null): ConformanceCase[] {
  const cases: ConformanceCase[] = [
    {
      id: 'lifetime/dispose-while-read-pending',
      op: 'lifetime',
      description: 'dispose() right after read() was issued: the read still resolves with the data',
      run: async (pw) => {
        const values = new Float32Array(4099).map((_, i) => i * 0.5 - 7);
        const before = pw.memory();
        const t = pw.tensor(values);
        const y = pw.relu(t);
        const pending = [t.read(), y.read()];
        t.dispose();
        y.dispose();
        const [a, b] = await Promise.all(pending);
        const after = pw.memory();
        if (!sameArray(a!, values)) return fail('the read of a disposed tensor gave other data');
        if (
          !sameArray(
            b!,
            values.map((v) => (v <= 0 ? 0 : v)),
          )
        )
          return fail('the read of a disposed op result gave other data');
        if (after.bytes !== before.bytes || after.buffers !== before.buffers)
          return fail('storage was not freed once the reads finished');
        return PASS;
      },
    },
    {
      id: 'lifetime/dispose-while-async-op-pending',
      op: 'lifetime',
      description:
        'sparse dropout whose inputs are disposed before it resolves still reads them intact',
      run: async (pw) => {
        const ids = new BigInt64Array(4096).map((_, i) => BigInt(i) * 1000003n + 7n);
        const lens = new Int32Array(512).fill(8);
        for (const ratio of [0, 0.5]) {
          const values = pw.tensor(ids);
          const lengths = pw.tensor(lens);
          const pending = pw.sparseDropoutWithReplacement(values, lengths, {
            ratio,
            replacement: -1,
            seed: 11,
          });
          values.dispose();
          lengths.dispose();
          // unrelated allocations that would reuse freed storage
          const noise = [
            pw.tensor(new BigInt64Array(4096).fill(-5n)),
            pw.tensor(new Int32Array(512).fill(9)),
          ];
          const result = await pending;
          const expected = sparseDropoutReference(ids, lens, {
            ratio,
            replacement: -1n,
            seed: 11n,
            stream: 0n,
          });
          const got = await result.values.read();
          const gotLengths = await result.lengths.read();
          disposeAll(result);
          disposeAll(noise);
          if (!sameArray(got, expected.values) || !sameArray(gotLengths, expected.lengths))
            return fail(`ratio ${ratio}: the result read freed memory`);
        }
        return PASS;
      },
    },
    {
      id: 'lifetime/double-dispose',
      op: 'lifetime',
      description: 'disposing twice is a no-op: memory() drops once, other tensors keep their data',
      run: async (pw) => {
        const before = pw.memory();
        const a = pw.tensor([1, 2, 3, 4]);
        a.dispose();
        a.dispose();
        const b = pw.tensor([5, 6, 7, 8]);
        const c = pw.tensor([9, 10, 11, 12]);
        a.dispose();
        const ok =
          sameArray(await b.read(), [5, 6, 7, 8]) && sameArray(await c.read(), [9, 10, 11, 12]);
        b.dispose();
        c.dispose();
        const after = pw.memory();
        if (!ok) return fail('a second dispose() released storage now used by another tensor');
        if (after.bytes !== before.bytes || after.buffers !== before.buffers)
          return fail(`memory went from ${before.buffers} to ${after.buffers} buffers`);
        return a.disposed ? PASS : fail('disposed is false after dispose()');
      },
    },
    {
      id: 'lifetime/use-after-dispose',
      op: 'lifetime',
      description:
        'a disposed tensor as op input, out, saved x, mask, or read target is TENSOR_DISPOSED',
      run: async (pw) => {
        const live = pw.tensor([1, -1, 2, -2]);
        const dead = pw.tensor([1, -1, 2, -2]);
        const deadMask = pw.tensor(new Uint8Array([1, 0, 1, 0]));
        const deadIds = pw.tensor(new Int32Array([1, 2]));
        const lengths = pw.tensor(new Int32Array([2]));
        dead.dispose();
        deadMask.dispose();
        deadIds.dispose();
        const calls: [string, () => unknown][] = [
          ['relu(x)', () => pw.relu(dead)],
          ['relu out', () => pw.relu(live, { out: dead })],
          ['backward saved x', () => pw.reluBackward(live, { x: dead })],
          ['backward dy', () => pw.eluBackward(dead, { x: live })],
          ['dropout mask', () => pw.dropoutWithReplacementBackward(live, { mask: deadMask })],
          ['sparse values', () => pw.sparseDropoutWithReplacement(deadIds, lengths)],
          ['read()', () => dead.read()],
          ['readSync()', () => dead.readSync()],
        ];
        try {
          for (const [name, call] of calls) {
            const problem = await rejectsWith('TENSOR_DISPOSED', call);
            if (problem) return fail(`${name}: ${problem}`);
          }
          return sameArray(await live.read(), [1, -1, 2, -2])
            ? PASS
            : fail('a live tensor changed');
        } finally {
          live.dispose();
          lengths.dispose();
        }
      },
    },
    {
      id: 'lifetime/use-after-destroy',
      op: 'lifetime',
      description:
        'after destroy() every call (tensor(), ops, reads, memory(), flush()) is INSTANCE_DESTROYED; dispose() and destroy() again are no-ops; a new instance works',
      run: () => useAfterDestroy(factory()),
    },
    {
      id: 'lifetime/device-lost-names-the-op',
      op: 'lifetime',
      description:
        'a backend whose alloc, upload and read report DEVICE_LOST naming its internals: tensor(), zeros() and every op still reject with DEVICE_LOST naming the op called',
      run: (pw) => deviceLostNamesTheOp(pw),
    },
    {
      id: 'lifetime/destroy-while-sparse-dropout-pending',
      op: 'lifetime',
      description:
        'destroy() while sparse dropout awaits: it resolves, or rejects with INSTANCE_DESTROYED naming sparseDropoutWithReplacement (not an internal step)',
      run: () => destroyWhileSparsePending(factory()),
    },
    ...halfwayCalls.map(
      (call): ConformanceCase => ({
        id: `lifetime/rejected-halfway/${call.name}`,
        op: 'lifetime',
        description: `${call.name} refused at each of its allocations in turn: OUT_OF_MEMORY naming the op, memory() and every input exactly as before`,
        run: (pw) => rejectedHalfway(pw, call),
      }),
    ),
    {
      id: 'lifetime/allocate-until-refused',
      op: 'lifetime',
      description:
        'allocating 256 MiB tensors until OUT_OF_MEMORY (or 4 GiB): the refusal changes nothing, earlier tensors keep their data, small ops still work, a dropout refused halfway leaves memory() as it was',
      run: () => allocateUntilRefused(factory()),
    },
    {
      id: 'lifetime/tensor-fields-immutable',
      op: 'lifetime',
      description:
        'dtype, shape and size cannot be changed at run time, so `x.size = 32` cannot make an in-place op overwrite a neighbour',
      run: async (pw) => {
        const x = pw.tensor(new Float32Array(16).fill(-1));
        const neighbour = pw.tensor(new Float32Array(16).fill(-2));
        try {
          const attempts: [string, () => void][] = [
            ['size', () => Object.assign(x, { size: 32 })],
            ['shape', () => Object.assign(x, { shape: [32] })],
            ['dtype', () => Object.assign(x, { dtype: 'int32' })],
            ['shape[0]', () => ((x.shape as number[])[0] = 32)],
            ['shape.push', () => (x.shape as number[]).push(2)],
          ];
          for (const [field, attempt] of attempts) {
            try {
              attempt();
            } catch {
              // refused: fine (frozen objects throw in strict mode)
            }
            if (x.size !== 16 || x.shape.length !== 1 || x.shape[0] !== 16 || x.dtype !== 'float32')
              return fail(
                `writing ${field} changed the tensor to ${x.dtype}[${x.shape}] size ${x.size}`,
              );
          }
          pw.relu(x, { out: x });
          const ok = (await neighbour.read()).every((v) => v === -2);
          return ok ? PASS : fail('an in-place relu overwrote the neighbouring tensor');
        } finally {
          x.dispose();
          neighbour.dispose();
        }
      },
    },
    {
      id: 'lifetime/read-host-copy-refused',
      op: 'lifetime',
      description:
        'a read whose host copy the engine cannot allocate (RangeError) is OUT_OF_MEMORY naming read / readSync, and the tensor is intact',
      run: async (pw) => {
        const refusing = new Proxy(pw.backend, {
          get(target, key) {
            if (key === 'read')
              return async () => {
                throw new RangeError('Array buffer allocation failed');
              };
            if (key === 'readSync' && target.readSync)
              return () => {
                throw new RangeError('Array buffer allocation failed');
              };
            const value = Reflect.get(target, key, target);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
        const faulty = pointwiseWith(refusing);
        const t = faulty.tensor([1, 2, 3]);
        try {
          for (const [op, call] of [
            ['read', () => t.read()],
            ['readSync', () => t.readSync()],
          ] as const) {
            if (op === 'readSync' && !pw.backend.readSync) continue;
            try {
              await call();
              return fail(`${op} succeeded through a refusing backend`);
            } catch (error) {
              if (!(error instanceof PointwiseError) || error.code !== 'OUT_OF_MEMORY')
                return fail(`${op}: expected OUT_OF_MEMORY, got ${String(error)}`);
              if (error.op !== op) return fail(`${op}: the error names ${error.op}`);
            }
          }
          const data = await pw.backend.read(t.bufferFor('test', 't'), 'float32', 3);
          return sameArray(data, [1, 2, 3]) ? PASS : fail('the tensor changed');
        } finally {
          t.dispose();
        }
      },
    },
    {
      id: 'lifetime/promise-all-1000-reads',
      op: 'lifetime',
      description:
        '1,000 reads in flight at once (some of disposed tensors) all resolve with their data',
      run: async (pw) => {
        const tensors = Array.from({ length: 100 }, (_, i) =>
          pw.tensor(new Float32Array(33).fill(i - 50)),
        );
        const reads: Promise<Float32Array>[] = [];
        const source: number[] = [];
        for (let i = 0; i < 1000; i++) {
          // halfway, dispose the first 50 tensors (their reads are in flight)
          const k = i <= 500 ? i % 100 : 50 + (i % 50);
          source.push(k);
          reads.push(tensors[k]!.read());
          if (i === 500) for (const t of tensors.slice(0, 50)) t.dispose();
        }
        const results = await Promise.all(reads);
        for (const t of tensors) t.dispose();
        for (let i = 0; i < results.length; i++) {
          const r = results[i]!;
          if (r.length !== 33 || r.some((v) => v !== source[i]! - 50))
            return fail(`read ${i} gave wrong data`);
        }
        return PASS;
      },
    },
  ];
  return cases;
}

// The suite must be able to fail: each deliberately broken variant of a js kernel
// (the classic mistakes SPEC warns about) must make the named cases fail.
import type { Backend, BackendFactory, KernelSet } from '@pointwise/core';
import { runConformance } from '@pointwise/core/conformance';
import { describe, expect, it } from 'vitest';
import { createJsBackend } from '../src/backend.js';
import { jsKernels } from '../src/kernels.js';

function factoryWith(patch: Partial<KernelSet>): BackendFactory {
  return {
    name: 'js-broken',
    isAvailable: async () => ({ available: true }),
    create: async (): Promise<Backend> => createJsBackend({ ...jsKernels, ...patch }),
  };
}

async function failingIds(patch: Partial<KernelSet>, filter: string): Promise<string[]> {
  const report = await runConformance(factoryWith(patch), { filter });
  return report.cases.filter((c) => !c.pass).map((c) => c.id);
}

describe('the conformance suite rejects broken kernels', () => {
  it('relu backward as dy * mask (gives -0 and NaN where SPEC wants +0)', async () => {
    const broken: KernelSet['relu'] = {
      ...jsKernels.relu,
      backward({ dy, source, dx, size }) {
        const s = source as Float32Array;
        const g = dy as Float32Array;
        const out = dx as Float32Array;
        for (let i = 0; i < size; i++) out[i] = g[i]! * (s[i]! > 0 ? 1 : 0);
      },
    };
    expect(await failingIds({ relu: broken }, 'relu/backward-x/sweep')).toContain(
      'relu/backward-x/sweep/default',
    );
  });

  it('relu forward as Math.max(x, 0) with -0 kept (relu(-0) must be +0)', async () => {
    const broken: KernelSet['relu'] = {
      ...jsKernels.relu,
      forward({ x, y, size }) {
        const xs = x as Float32Array;
        const ys = y as Float32Array;
        for (let i = 0; i < size; i++) ys[i] = xs[i]! < 0 ? 0 : xs[i]!;
      },
    };
    expect(await failingIds({ relu: broken }, 'relu/forward/sweep')).toEqual([
      'relu/forward/sweep/default',
    ]);
  });

  it("elu'(0) = 1 (Caffe2 / tfjs convention instead of SPEC's alpha)", async () => {
    const broken: KernelSet['elu'] = {
      ...jsKernels.elu,
      backward(call) {
        jsKernels.elu.backward(call);
        const s = call.source as Float32Array;
        const g = call.dy as Float32Array;
        const out = call.dx as Float32Array;
        if (call.from === 'x') for (let i = 0; i < call.size; i++) if (s[i] === 0) out[i] = g[i]!;
      },
    };
    expect(await failingIds({ elu: broken }, 'elu/backward-x/sweep/alpha=2.5')).toEqual([
      'elu/backward-x/sweep/alpha=2.5',
    ]);
  });

  it('elu computed in float32 as exp(x) - 1 (cancellation near 0 breaks the 2-ulp bound)', async () => {
    const broken: KernelSet['elu'] = {
      ...jsKernels.elu,
      forward({ x, y, size, params }) {
        const xs = x as Float32Array;
        const ys = y as Float32Array;
        for (let i = 0; i < size; i++) {
          const v = xs[i]!;
          ys[i] = v > 0 ? v : params.alpha * (Math.fround(Math.exp(v)) - 1);
        }
      },
    };
    expect(await failingIds({ elu: broken }, 'elu/forward/sweep/default')).toEqual([
      'elu/forward/sweep/default',
    ]);
  });

  it('prelu dslope summing only x < 0 (misses NaN and 0 * Inf terms)', async () => {
    const broken: KernelSet['prelu'] = {
      ...jsKernels.prelu,
      backward(call) {
        jsKernels.prelu.backward(call);
        const xs = call.source as Float32Array;
        const g = call.dy as Float32Array;
        let sum = 0;
        for (let i = 0; i < call.size; i++) if (xs[i]! < 0) sum += xs[i]! * g[i]!;
        (call.dslope as Float32Array)[0] = sum;
      },
    };
    expect(await failingIds({ prelu: broken }, 'prelu/dslope/special-terms')).toEqual([
      'prelu/dslope/special-terms',
    ]);
  });

  it('clippedRelu dceiling that misses x == c (PACT gives dy there)', async () => {
    const broken: KernelSet['clippedRelu'] = {
      ...jsKernels.clippedRelu,
      backward(call) {
        jsKernels.clippedRelu.backward(call);
        if (call.dceiling === null) return;
        const xs = call.source as Float32Array;
        const g = call.dy as Float32Array;
        let sum = 0;
        for (let i = 0; i < call.size; i++) if (xs[i]! > call.params.ceiling) sum += g[i]!;
        (call.dceiling as Float32Array)[0] = sum;
      },
    };
    expect(await failingIds({ clippedRelu: broken }, 'clippedRelu/dceiling/special-terms')).toEqual(
      ['clippedRelu/dceiling/special-terms'],
    );
  });

  it("shiftedRelu'(t) = dy (x < t instead of x <= t)", async () => {
    const broken: KernelSet['shiftedRelu'] = {
      ...jsKernels.shiftedRelu,
      backward(call) {
        jsKernels.shiftedRelu.backward(call);
        const s = call.source as Float32Array;
        const g = call.dy as Float32Array;
        const out = call.dx as Float32Array;
        const t = call.params.threshold;
        if (call.from === 'x') for (let i = 0; i < call.size; i++) if (s[i] === t) out[i] = g[i]!;
      },
    };
    expect(
      await failingIds({ shiftedRelu: broken }, 'shiftedRelu/backward-x/sweep/threshold=0.1'),
    ).toEqual(['shiftedRelu/backward-x/sweep/threshold=0.1']);
  });

  it('shiftedRelu forward as relu(x) - t (unshifted kink)', async () => {
    const broken: KernelSet['shiftedRelu'] = {
      ...jsKernels.shiftedRelu,
      forward({ x, y, size, params }) {
        const xs = x as Float32Array;
        const ys = y as Float32Array;
        for (let i = 0; i < size; i++) ys[i] = (xs[i]! <= 0 ? 0 : xs[i]!) - params.threshold;
      },
    };
    expect(await failingIds({ shiftedRelu: broken }, 'shiftedRelu/forward/sweep/')).toEqual([
      'shiftedRelu/forward/sweep/threshold=1.5',
      'shiftedRelu/forward/sweep/threshold=-2.5',
      'shiftedRelu/forward/sweep/threshold=0.1',
      'shiftedRelu/forward/sweep/threshold=1e-39',
    ]);
  });

  it('shiftedRelu dthreshold with the sign of dceiling (sum of dy, not its negation)', async () => {
    const broken: KernelSet['shiftedRelu'] = {
      ...jsKernels.shiftedRelu,
      backward(call) {
        jsKernels.shiftedRelu.backward(call);
        const g = call.dthreshold as Float32Array;
        g[0] = -g[0]!;
      },
    };
    expect(
      await failingIds({ shiftedRelu: broken }, 'shiftedRelu/dthreshold/special-terms'),
    ).toEqual(['shiftedRelu/dthreshold/special-terms']);
  });

  it('shiftedRelu backward from y comparing y with t (the kink in y is 0)', async () => {
    const broken: KernelSet['shiftedRelu'] = {
      ...jsKernels.shiftedRelu,
      backward(call) {
        jsKernels.shiftedRelu.backward({ ...call, from: 'x' });
      },
    };
    const failing = await failingIds({ shiftedRelu: broken }, 'shiftedRelu/backward-y');
    expect(failing).toContain('shiftedRelu/backward-y/sweep/threshold=1.5');
    expect(failing).toContain('shiftedRelu/backward-y-vs-x/threshold=-2.5');
    // with t = 0 the two comparisons coincide
    expect(failing).not.toContain('shiftedRelu/backward-y/sweep/default');
  });

  it('shiftedRelu dthreshold from y not written (only from x)', async () => {
    const broken: KernelSet['shiftedRelu'] = {
      ...jsKernels.shiftedRelu,
      backward(call) {
        const keep = (call.dthreshold as Float32Array)[0]!;
        jsKernels.shiftedRelu.backward(call);
        if (call.from === 'y') (call.dthreshold as Float32Array)[0] = keep;
      },
    };
    const failing = await failingIds({ shiftedRelu: broken }, 'shiftedRelu/');
    expect(failing).toContain('shiftedRelu/backward-y/sweep/default');
    expect(failing).toContain('shiftedRelu/backward-y-vs-x/default');
    expect(failing).toContain('shiftedRelu/dthreshold/special-terms');
    expect(failing).not.toContain('shiftedRelu/backward-x/sweep/default');
  });

  it('dropout whose Philox counter ignores the stream', async () => {
    const broken: KernelSet['dropout'] = {
      ...jsKernels.dropout,
      forward(call) {
        jsKernels.dropout.forward({
          ...call,
          params: { ...call.params, streamLo: 0, streamHi: 0 },
        });
      },
    };
    const failing = await failingIds({ dropout: broken }, 'dropout/mask/');
    expect(failing).toContain('dropout/mask/seed=42,stream=1,ratio=0.5');
    expect(failing).not.toContain('dropout/mask/seed=0,stream=0,ratio=0.5');
  });

  it('sparse dropout that drops empty segments without writing the replacement', async () => {
    const broken: KernelSet['sparseDropout'] = {
      forward(call) {
        const lengths = call.hostLengths;
        const empties = Array.from(lengths).map((l) => l === 0);
        const result = jsKernels.sparseDropout.forward(call) as {
          values: Int32Array | BigInt64Array;
          valuesSize: number;
          lengths: Int32Array;
        };
        // undo the replacement for empty segments: wrong per Caffe2
        let offset = 0;
        const kept: (number | bigint)[] = [];
        for (let j = 0; j < lengths.length; j++) {
          const len = result.lengths[j]!;
          if (empties[j] && len === 1) {
            result.lengths[j] = 0;
            offset += 1;
            continue;
          }
          for (let k = 0; k < len; k++) kept.push(result.values[offset + k]!);
          offset += len;
        }
        const values = call.alloc(call.valuesDtype, kept.length) as Int32Array | BigInt64Array;
        kept.forEach((v, i) => {
          (values as unknown as (number | bigint)[])[i] = v;
        });
        return { values, valuesSize: kept.length, lengths: result.lengths };
      },
    };
    expect(await failingIds({ sparseDropout: broken }, 'sparseDropout/ratio=1')).toEqual([
      'sparseDropout/ratio=1',
    ]);
  });

  it('a kernel that leaks a buffer per call', async () => {
    const backend = createJsBackend(jsKernels);
    const leaky: BackendFactory = {
      name: 'js-leaky',
      isAvailable: async () => ({ available: true }),
      create: async () => ({
        ...backend,
        kernels: {
          ...jsKernels,
          relu: {
            ...jsKernels.relu,
            forward(call) {
              backend.alloc('float32', 4);
              jsKernels.relu.forward(call);
            },
          },
        },
      }),
    };
    const report = await runConformance(leaky, { filter: 'memory/' });
    expect(report.failed).toBe(1);
  });
});

// The exhaustive checker must catch the defects that slip between samples: a
// backend wrapping the js kernels with (a) a kink off by one ulp, (b) a lost -0,
// (c) a 3-ulp elu backward product at 1 in 2^18 (x, dy) pairs. Each is caught on
// the CI slice's windows, and the report names the first differing inputs in hex.
import type { Backend, BackendFactory, KernelSet } from '@pointwise/core';
import { runExhaustive } from '@pointwise/core/conformance';
import { describe, expect, it } from 'vitest';
import { createJsBackend } from '../src/backend.js';
import { jsKernels } from '../src/kernels.js';

function factoryWith(patch: Partial<KernelSet>): BackendFactory {
  return {
    name: 'js-planted',
    isAvailable: async () => ({ available: true }),
    create: async (): Promise<Backend> => createJsBackend({ ...jsKernels, ...patch }),
  };
}

const f = new Float32Array(1);
const u = new Uint32Array(f.buffer);
const bitsOf = (v: number) => {
  f[0] = v;
  return u[0]!;
};
const fromBits = (b: number) => {
  u[0] = b;
  return f[0]!;
};

async function differing(patch: Partial<KernelSet>, ops: string[]) {
  const report = await runExhaustive(factoryWith(patch), { ops, slice: true });
  return report.tasks.filter((t) => t.differ > 0);
}

describe('the exhaustive checker catches planted defects', () => {
  it('(a) a kink off by one ulp: thresholdedRelu zeroes the float just above alpha too', async () => {
    const broken: KernelSet['thresholdedRelu'] = {
      ...jsKernels.thresholdedRelu,
      forward({ x, y, size, params }) {
        const above = fromBits(bitsOf(params.alpha) + 1);
        const xs = x as Float32Array;
        const ys = y as Float32Array;
        for (let i = 0; i < size; i++) ys[i] = xs[i]! <= above ? 0 : xs[i]!;
      },
    };
    const bad = await differing({ thresholdedRelu: broken }, ['thresholdedRelu']);
    expect(bad.map((t) => t.id)).toEqual(['thresholdedRelu/forward/default']);
    expect(bad[0]!.differ).toBe(1);
    expect(bad[0]!.first[0]).toEqual({
      input: '0x3f800001',
      expected: '0x3f800001',
      got: '0x00000000',
    });
  });

  it('(b) a lost -0: leakyRelu(-0) written as +0', async () => {
    const broken: KernelSet['leakyRelu'] = {
      ...jsKernels.leakyRelu,
      forward(call) {
        jsKernels.leakyRelu.forward(call);
        const ys = call.y as Float32Array;
        for (let i = 0; i < call.size; i++) if (ys[i] === 0) ys[i] = 0;
      },
    };
    const bad = await differing({ leakyRelu: broken }, ['leakyRelu']);
    expect(bad.map((t) => t.id)).toEqual(['leakyRelu/forward/default']);
    // -0 itself, and the negative subnormals whose 0.01·x rounds to -0
    expect(bad[0]!.first[0]).toEqual({
      input: '0x80000000',
      expected: '0x80000000',
      got: '0x00000000',
    });
  });

  it('(b) a lost -0 in elu: elu(-0) = +0 (inside 2 ulp, but the sign of an exact zero is kept)', async () => {
    const broken: KernelSet['elu'] = {
      ...jsKernels.elu,
      forward(call) {
        jsKernels.elu.forward(call);
        const ys = call.y as Float32Array;
        for (let i = 0; i < call.size; i++) if (ys[i] === 0) ys[i] = 0;
      },
    };
    const bad = await differing({ elu: broken }, ['elu']);
    expect(bad.map((t) => t.id)).toEqual(['elu/forward/default']);
    expect(bad[0]!.differ).toBe(1);
    expect(bad[0]!.first[0]).toEqual({
      input: '0x80000000',
      expected: '0x80000000',
      got: '0x00000000',
    });
  });

  it('(c) a 3-ulp product in elu backward at 1 in 2^18 (x, dy) pairs', async () => {
    const broken: KernelSet['elu'] = {
      ...jsKernels.elu,
      backward(call) {
        jsKernels.elu.backward(call);
        if (call.from !== 'x') return;
        const s = call.source as Float32Array;
        const g = call.dy as Float32Array;
        const out = call.dx as Float32Array;
        for (let i = 0; i < call.size; i++) {
          if (s[i]! < 0 && ((bitsOf(s[i]!) ^ bitsOf(g[i]!)) & 0x3ffff) === 0x2a5a5)
            out[i] = fromBits(bitsOf(out[i]!) + 3);
        }
      },
    };
    const bad = await differing({ elu: broken }, ['elu']);
    expect(bad.map((t) => t.id)).toEqual([
      'elu/backward-x/default/dy=0x3f800000',
      'elu/backward-dy/default/x=0xbf800000',
    ]);
    for (const t of bad) {
      expect(t.differ).toBeGreaterThan(0);
      expect(t.worstUlp).toBeLessThanOrEqual(2);
      const d = t.first[0]!;
      expect(Number.parseInt(d.got, 16) - Number.parseInt(d.expected, 16)).toBe(3);
    }
  });

  it('the unbroken js backend passes the same slice', async () => {
    expect(await differing({}, ['thresholdedRelu', 'leakyRelu', 'elu'])).toEqual([]);
  });
});

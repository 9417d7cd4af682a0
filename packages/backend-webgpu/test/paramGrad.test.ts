// paramGrad: false on webgpu: the backward is the dx pass alone (no reduction kernel
// built or dispatched, no partials buffer: the device's kernel / dispatch / alloc are
// watched), and its dx is bit for bit backend-js's at sizes spanning many workgroups,
// with the default binding limit and with 64 KiB bindings (several chunks, ragged
// tail): prelu (channels first, channels last, one slope), shiftedRelu and
// clippedRelu (host and device parameters), dropout from the mask and regenerated
// (scaled or not), in place too.
import { jsBackend } from '@pointwise/backend-js';
import { type Pointwise, pointwise, sameF32, type Tensor } from '@pointwise/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { floatData } from '../../../tools/test-support/src/index.js';
import type { WebGpuDevice } from '../src/backend.js';
import { webgpuBackend } from '../src/index.js';

type F32 = Tensor<'float32'>;
// 60015 elements: 235 workgroups, 4 chunks of 16384 at 64 KiB with a ragged tail (the
// default call is the reference)
const SHAPE = [5, 3, 4001];
const N = SHAPE.reduce((a, b) => a * b, 1);
const DRAW = { ratio: 0.4, seed: 0x1234_5678_9abcn, stream: 5n, replacement: -3 };

type Grads = Record<string, F32 | undefined>;

interface Case {
  name: string;
  /** Default SHAPE. */
  shape?: number[];
  /** Made once per instance: the backward (reading x or y, masks, device parameters) and the tensors it owns. */
  setup(pw: Pointwise, x: F32): { run: (dy: F32, extra: object) => Grads; own: Tensor[] };
}

const prelu = (slope: (pw: Pointwise) => F32 | number, channelAxis?: number): Case['setup'] => {
  return (pw, x) => {
    const s = slope(pw);
    return {
      own: typeof s === 'number' ? [] : [s],
      run: (dy, e) => pw.preluBackward(dy, { x }, { slope: s, channelAxis, ...e } as never),
    };
  };
};

const CASES: Case[] = [
  {
    name: 'prelu, channel axis 1',
    setup: prelu((pw) => pw.tensor([0.25, -3, 2 ** -140])),
  },
  {
    name: 'prelu, channels last',
    shape: [20005, 3],
    setup: prelu((pw) => pw.tensor([-0.5, 1e-30, 0.375]), -1),
  },
  { name: 'prelu, one slope', setup: prelu(() => 0.3) },
  {
    name: 'shiftedRelu from x',
    setup: (pw, x) => ({
      own: [],
      run: (dy, e) => pw.shiftedReluBackward(dy, { x }, { threshold: 0.75, ...e } as never),
    }),
  },
  {
    name: 'shiftedRelu from x, device threshold',
    setup: (pw, x) => {
      const threshold = pw.tensor([-1.5]);
      return {
        own: [threshold],
        run: (dy, e) => pw.shiftedReluBackward(dy, { x }, { threshold, ...e } as never),
      };
    },
  },
  {
    name: 'shiftedRelu from y',
    setup: (pw, x) => {
      const y = pw.shiftedRelu(x, { threshold: 0.75 });
      return {
        own: [y],
        run: (dy, e) => pw.shiftedReluBackward(dy, { y }, { threshold: 0.75, ...e } as never),
      };
    },
  },
  {
    name: 'clippedRelu from x, device ceiling',
    setup: (pw, x) => {
      const ceiling = pw.tensor([2.5]);
      return {
        own: [ceiling],
        run: (dy, e) => pw.clippedReluBackward(dy, { x }, { ceiling, ...e } as never),
      };
    },
  },
  {
    name: 'dropout from the mask',
    setup: (pw, x) => {
      const { y, mask } = pw.dropoutWithReplacement(x, { ...DRAW, scale: true });
      return {
        own: [y, mask],
        run: (dy, e) =>
          pw.dropoutWithReplacementBackward(dy, { ...DRAW, scale: true, mask, ...e } as never),
      };
    },
  },
  {
    name: 'dropout regenerated, scaled',
    setup: (pw) => ({
      own: [],
      run: (dy, e) =>
        pw.dropoutWithReplacementBackward(dy, { ...DRAW, scale: true, ...e } as never),
    }),
  },
  {
    name: 'dropout regenerated, unscaled',
    setup: (pw) => ({
      own: [],
      run: (dy, e) =>
        pw.dropoutWithReplacementBackward(dy, { ...DRAW, scale: false, ...e } as never),
    }),
  },
];

function deviceOf(pw: Pointwise): WebGpuDevice {
  return (pw.backend as unknown as { webgpu: WebGpuDevice }).webgpu;
}

/** Runs `fn` with the device watched: the kernels dispatched (keys), and allocations other than uploads. */
function watched<T>(
  pw: Pointwise,
  fn: () => T,
): { result: T; dispatched: string[]; allocs: number } {
  const dev = deviceOf(pw);
  const kernel = vi.spyOn(dev, 'kernel');
  const dispatch = vi.spyOn(dev, 'dispatch');
  const alloc = vi.spyOn(dev, 'alloc');
  const upload = vi.spyOn(dev, 'upload');
  try {
    const result = fn();
    const keyOf = new Map(kernel.mock.calls.map((c, i) => [kernel.mock.results[i]!.value, c[0]]));
    const dispatched = dispatch.mock.calls.map((c) => keyOf.get(c[0]) ?? '?');
    // core uploads a host slope per call; that allocation is not the kernel's
    return { result, dispatched, allocs: alloc.mock.calls.length - upload.mock.calls.length };
  } finally {
    for (const spy of [kernel, dispatch, alloc, upload]) spy.mockRestore();
  }
}

async function bits(t: F32): Promise<Float32Array> {
  return (await t.read()) as Float32Array;
}

function expectSameBits(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  const i = Array.from(got).findIndex((v, k) => !sameF32(v, want[k]!));
  expect(i, `${what}: dx[${i}] = ${got[i]}, want ${want[i]}`).toBe(-1);
}

describe.each([
  { label: 'default bindings', maxBindingSize: undefined },
  { label: '64 KiB bindings', maxBindingSize: 65536 },
])('paramGrad: false, $label', ({ maxBindingSize }) => {
  let js: Pointwise;
  let gpu: Pointwise;
  const xs = floatData(N, 41, [0, 0.75, -1.5, 2.5]);
  const dys = floatData(N, 43, [0]);
  beforeAll(async () => {
    js = await pointwise(jsBackend());
    gpu = await pointwise(webgpuBackend({ maxBindingSize }));
  });
  afterAll(() => {
    js?.destroy();
    gpu?.destroy();
  });

  /** Runs `body` with x, dy and the case's tensors on `pw`, disposing them after. */
  async function withCase<T>(
    pw: Pointwise,
    c: Case,
    body: (run: (dy: F32, extra: object) => Grads, dy: F32) => Promise<T>,
  ): Promise<T> {
    const x = pw.tensor(xs, c.shape ?? SHAPE);
    const dy = pw.tensor(dys, c.shape ?? SHAPE);
    const { run, own } = c.setup(pw, x);
    try {
      return await body(run, dy);
    } finally {
      for (const t of [x, dy, ...own]) t.dispose();
    }
  }

  /** dx with paramGrad: false: allocated, or into out.dx = dy itself (in place). */
  function dxOf(pw: Pointwise, c: Case, inPlace: boolean): Promise<Float32Array> {
    return withCase(pw, c, async (run, dy) => {
      const r = run(dy, inPlace ? { paramGrad: false, out: { dx: dy } } : { paramGrad: false });
      expect(Object.keys(r)).toEqual(['dx']);
      if (inPlace) expect(r.dx).toBe(dy);
      const dx = await bits(r.dx!);
      if (!inPlace) r.dx!.dispose();
      return dx;
    });
  }

  for (const c of CASES) {
    it(`${c.name}: dx bit for bit backend-js's, allocating and in place`, async () => {
      const want = await dxOf(js, c, false);
      expectSameBits(await dxOf(gpu, c, false), want, `${c.name} (allocating)`);
      expectSameBits(await dxOf(gpu, c, true), want, `${c.name} (in place)`);
      const full = await withCase(gpu, c, async (run, dy) => {
        const r = run(dy, {});
        const dx = await bits(r.dx!);
        for (const t of Object.values(r)) t?.dispose();
        return dx;
      });
      expectSameBits(full, want, `${c.name} (webgpu's default call)`);
    });

    it(`${c.name}: the dx pass only, no reduction and no partials buffer`, async () => {
      await withCase(gpu, c, async (run, dy) => {
        const dx = gpu.tensor(new Float32Array(N), c.shape ?? SHAPE);
        // the default call: reductions seen, so the watch can fail
        const full = watched(gpu, () => run(dy, {}));
        for (const t of Object.values(full.result)) t?.dispose();
        const reductions = full.dispatched.filter((k) => k.startsWith('reduce'));
        const dxPasses = full.dispatched.filter((k) => !k.startsWith('reduce'));
        expect(reductions.length).toBeGreaterThan(0);
        expect(dxPasses.length).toBeGreaterThan(0);
        expect(full.allocs).toBeGreaterThan(2); // dx, the gradient, partials
        // paramGrad: false: exactly the default call's dx passes; dx the one allocation
        const allocating = watched(gpu, () => run(dy, { paramGrad: false }));
        expect(allocating.dispatched).toEqual(dxPasses);
        expect(allocating.allocs).toBe(1);
        allocating.result.dx!.dispose();
        const into = watched(gpu, () => run(dy, { paramGrad: false, out: { dx } }));
        expect(into.result.dx).toBe(dx);
        expect(into.dispatched).toEqual(dxPasses);
        expect(into.allocs).toBe(0);
        await gpu.flush();
        dx.dispose();
      });
    });
  }
});

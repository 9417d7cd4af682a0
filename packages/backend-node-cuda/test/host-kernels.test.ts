// The kernels compiled for the host, beyond the conformance suite: bit-identical to
// backend-js around tile boundaries and in every prelu layout (vector and scalar paths);
// sums that do not depend on the load path (a misaligned wrapped pointer forces the scalar
// path) and repeat bit for bit; empty tensors launch nothing and still write +0 sums.
import { jsBackend } from '@pointwise/backend-js';
import { type Pointwise, pointwise, sameF32, type Tensor } from '@pointwise/core';
import { SPECIAL_VALUES, seededRandom } from '@pointwise/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CudaBackend } from '../src/backend.js';
import { cudaStream, devicePointer, wrapDevicePointer } from '../src/interop.js';
import { hostCudaBackend } from './host/backend.js';
import type { HostDevice } from './host/host-device.js';

const factory = hostCudaBackend();
let cuda: Pointwise;
let js: Pointwise;
let device: HostDevice;
beforeAll(async () => {
  cuda = await pointwise(factory);
  js = await pointwise(jsBackend());
  device = (factory.last as CudaBackend).device as HostDevice;
});
afterAll(() => {
  cuda.destroy();
  js.destroy();
});

function data(size: number, seed: number): Float32Array {
  const next = seededRandom(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    out[i] =
      i % 5 === 2
        ? SPECIAL_VALUES[Math.floor(next() * SPECIAL_VALUES.length)]!
        : (next() - 0.5) * 16;
  }
  return out;
}

async function bits(t: Tensor): Promise<number[]> {
  return Array.from((await t.read()) as ArrayLike<number>);
}

function expectSame(got: number[], want: number[], what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!sameF32(got[i]!, want[i]!)) throw new Error(`${what}[${i}]: ${got[i]} vs js ${want[i]}`);
  }
}

type Run = (pw: Pointwise, x: Float32Array, dy: Float32Array) => Record<string, Tensor>;

async function compare(name: string, size: number, run: Run, sums: string[] = []) {
  const x = data(size, size + 1);
  const dy = data(size, size + 2);
  const a = run(cuda, x, dy);
  const b = run(js, x, dy);
  for (const key of Object.keys(b)) {
    const got = await bits(a[key]!);
    const want = await bits(b[key]!);
    if (sums.includes(key)) {
      for (let i = 0; i < want.length; i++) {
        const tol = Math.abs(want[i]!) * 2 ** -23 + 2 ** -149;
        const ok =
          got[i] === want[i] ||
          Math.abs(got[i]! - want[i]!) <= tol ||
          (Number.isNaN(got[i]) && Number.isNaN(want[i]));
        if (!ok) throw new Error(`${name}.${key}[${i}]: ${got[i]} vs js ${want[i]}`);
      }
    } else expectSame(got, want, `${name}.${key} size ${size}`);
  }
  for (const r of [a, b]) for (const t of Object.values(r)) t.dispose();
}

describe.each([4095, 4096, 4097, 12289])('size %i (tile boundaries)', (size) => {
  it('relu family, elu-from-y and both dropouts match backend-js bit for bit', async () => {
    await compare(
      'ops',
      size,
      (pw, xs, ds) => {
        const x = pw.tensor(xs);
        const dy = pw.tensor(ds);
        const drop = pw.dropoutWithReplacement(x, {
          ratio: 0.3,
          seed: 7n,
          stream: 3n,
          replacement: -2,
        });
        const c = pw.clippedReluBackward(dy, { x }, { ceiling: 2 });
        const back = pw.dropoutWithReplacementBackward(dy, {
          ratio: 0.3,
          seed: 7n,
          stream: 3n,
          scale: true,
        });
        return {
          relu: pw.relu(x),
          relub: pw.reluBackward(dy, { x }).dx,
          leaky: pw.leakyRelu(x, { alpha: 0.1 }),
          thr: pw.thresholdedRelu(x, { alpha: 0.5 }),
          clip: pw.clippedRelu(x, { ceiling: 2 }),
          clipdx: c.dx,
          dceiling: c.dceiling!,
          y: drop.y,
          mask: drop.mask!,
          ddx: back.dx,
          drep: back.dreplacement,
          x,
          dy,
        };
      },
      ['dceiling', 'drep'],
    );
  });
});

describe('prelu layouts (per-channel grid, vector path when inner % 4 == 0)', () => {
  for (const [shape, axis] of [
    [[2, 3, 4097], 1],
    [[3, 8, 512], 1],
    [[1000, 5], -1],
    [[9000], 0],
  ] as [number[], number][]) {
    it(`shape [${shape}] axis ${axis}`, async () => {
      const size = shape.reduce((p, d) => p * d, 1);
      const channels = shape[axis < 0 ? shape.length + axis : axis]!;
      const slope = Array.from({ length: channels }, (_, c) => (c % 3) - 0.75);
      await compare(
        'prelu',
        size,
        (pw, xs, ds) => {
          const x = pw.tensor(xs, shape);
          const dy = pw.tensor(ds, shape);
          const g = pw.preluBackward(dy, { x }, { slope, channelAxis: axis });
          return {
            y: pw.prelu(x, { slope, channelAxis: axis }),
            dx: g.dx,
            dslope: g.dslope!,
            x,
            dy,
          };
        },
        ['dslope'],
      );
    });
  }
});

describe('deterministic sums', () => {
  const size = 3 * 4096 + 17;
  it('a misaligned (scalar-path) input gives the same bits as the aligned (float4) one, run after run', async () => {
    const x = cuda.tensor(data(size + 1, 5));
    const dy = cuda.tensor(data(size + 1, 6));
    // views starting one float in: 4-byte aligned only, so the kernels take the scalar path
    const xm = wrapDevicePointer(cuda, devicePointer(x) + 4n, 'float32', [size]);
    const dym = wrapDevicePointer(cuda, devicePointer(dy) + 4n, 'float32', [size]);
    const xa = cuda.tensor((await x.read()).slice(1));
    const dya = cuda.tensor((await dy.read()).slice(1));
    const runs = [];
    for (const [xx, dd] of [
      [xa, dya],
      [xm, dym],
      [xa, dya],
    ] as const) {
      const g = cuda.clippedReluBackward(dd, { x: xx }, { ceiling: 1 });
      const p = cuda.preluBackward(dd, { x: xx }, { slope: 0.5 });
      const d = cuda.dropoutWithReplacementBackward(dd, { ratio: 0.5, seed: 1n });
      runs.push([
        ...(await bits(g.dceiling!)),
        ...(await bits(p.dslope!)),
        ...(await bits(d.dreplacement)),
        ...(await bits(g.dx)),
      ]);
      for (const t of [g.dx, g.dceiling!, p.dx, p.dslope!, d.dx, d.dreplacement]) t.dispose();
    }
    expectSame(runs[1]!, runs[0]!, 'misaligned vs aligned');
    expectSame(runs[2]!, runs[0]!, 'second run');
    for (const t of [x, dy, xm, dym, xa, dya]) t.dispose();
  });

  it('empty tensors launch no element kernel and still give +0 sums', async () => {
    const before = device.launches.get('pw_clipped_relu_backward_sum') ?? 0;
    const x = cuda.tensor(new Float32Array(0));
    const g = cuda.clippedReluBackward(x, { x }, { ceiling: 1 });
    const p = cuda.preluBackward(
      cuda.tensor(new Float32Array(0), [0, 3]),
      { x: cuda.tensor(new Float32Array(0), [0, 3]) },
      { slope: [1, 2, 3] },
    );
    expect(device.launches.get('pw_clipped_relu_backward_sum') ?? 0).toBe(before);
    expect(Object.is((await g.dceiling!.read())[0], 0)).toBe(true);
    expect(Array.from(await p.dslope!.read())).toEqual([0, 0, 0]);
  });
});

describe('interop', () => {
  it('wraps a pointer without owning it and exposes a result pointer', async () => {
    const before = cuda.memory();
    const x = cuda.tensor(new Float32Array([-1, 2, -3, 4]));
    const view = wrapDevicePointer(cuda, devicePointer(x), 'float32', [4]);
    const y = cuda.relu(view);
    expect(Array.from(await y.read())).toEqual([0, 2, 0, 4]);
    view.dispose();
    expect(Array.from(await x.read())).toEqual([-1, 2, -3, 4]);
    for (const t of [x, y]) t.dispose();
    expect(cuda.memory()).toEqual(before);
  });
  it('refuses tensors of other backends and bad pointers', () => {
    const t = js.tensor([1]);
    expect(() => devicePointer(t)).toThrow(/FOREIGN_TENSOR/);
    expect(() => wrapDevicePointer(js, 16n, 'float32', [1])).toThrow(/node-cuda/);
    expect(() => wrapDevicePointer(cuda, 0n, 'float32', [1])).toThrow(/null/);
    expect(() => wrapDevicePointer(cuda, -1n, 'float32', [1])).toThrow(/uint64/);
    t.dispose();
  });
  it('refuses dtypes that are only prototype keys, before anything changes', () => {
    const x = cuda.tensor(new Float32Array([1, 2, 3, 4]));
    const before = cuda.memory();
    for (const dtype of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'float64']) {
      expect(() => wrapDevicePointer(cuda, devicePointer(x), dtype as 'float32', [4])).toThrow(
        /wrapDevicePointer: dtype/,
      );
      expect(cuda.memory()).toEqual(before);
    }
    expect(Number.isFinite(cuda.memory().bytes)).toBe(true);
    x.dispose();
  });
  it('a destroyed instance: INSTANCE_DESTROYED naming the call', async () => {
    const dead = await pointwise(factory);
    const x = dead.tensor([1]);
    const ptr = devicePointer(x);
    dead.destroy();
    expect(() => cudaStream(dead)).toThrow(/^\[INSTANCE_DESTROYED\] cudaStream/);
    expect(() => wrapDevicePointer(dead, ptr, 'float32', [1])).toThrow(
      /^\[INSTANCE_DESTROYED\] wrapDevicePointer/,
    );
  });
});

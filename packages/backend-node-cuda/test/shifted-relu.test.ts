// shiftedRelu's kernels on their own (the op is in the conformance suite too): forward,
// backward from x and from y and dthreshold, on the host-compiled kernels, against SPEC's
// formulas: y = x <= t ? +0 : f32(x - t), dx = x <= t ? +0 : dy, dthreshold = -(sum of passed dy).
import { f32, sameF32 } from '@pointwise/core';
import { SPECIAL_VALUES, seededRandom } from '@pointwise/core/conformance';
import { describe, expect, it } from 'vitest';
import type { CudaBackend } from '../src/backend.js';
import { shiftedRelu } from '../src/ops/shiftedRelu.js';
import { hostCudaBackend } from './host/backend.js';

function data(size: number, seed: number, t: number): Float32Array {
  const next = seededRandom(seed);
  const specials = [...SPECIAL_VALUES, t, f32(t + 2 ** -20), 1e-40, -1e-40];
  return Float32Array.from({ length: size }, (_, i) =>
    i % 6 === 1 ? specials[Math.floor(next() * specials.length)]! : (next() - 0.5) * 8,
  );
}

describe.each([0, 0.75, -1.5, 1e-39])('shiftedRelu kernels, t = %s', (tGiven) => {
  it('match SPEC bit for bit (sum within 1 ulp), sizes across tiles', async () => {
    const factory = hostCudaBackend();
    const backend = (await factory.create()) as CudaBackend;
    const kernel = shiftedRelu({ device: backend.device, pool: backend.pool });
    const t = f32(tGiven);
    for (const size of [0, 5, 4096, 9001]) {
      const xs = data(size, size + 3, t);
      const ds = data(size, size + 4, 0);
      const x = backend.upload('float32', xs);
      const dy = backend.upload('float32', ds);
      const y = backend.alloc('float32', size);
      const dx = backend.alloc('float32', size);
      const dxy = backend.alloc('float32', size);
      const dt = backend.alloc('float32', 1);
      const params = { threshold: t, thresholdBuffer: null };
      kernel.forward({ x, y, size, params });
      kernel.backward({ dy, source: x, from: 'x', dx, size, params, dthreshold: dt });
      kernel.backward({ dy, source: y, from: 'y', dx: dxy, size, params, dthreshold: null });
      const [ys, dxs, dxys, dts] = await Promise.all([
        backend.read(y, 'float32', size),
        backend.read(dx, 'float32', size),
        backend.read(dxy, 'float32', size),
        backend.read(dt, 'float32', 1),
      ]);
      let sum = 0;
      for (let i = 0; i < size; i++) {
        const v = xs[i]!;
        const pass = !(v <= t);
        const wantY = pass ? f32(v - t) : 0;
        const wantDx = pass ? ds[i]! : 0;
        if (pass) sum -= ds[i]!;
        if (!sameF32(ys[i]!, wantY))
          throw new Error(`y[${i}] = ${ys[i]} for x ${v}, want ${wantY}`);
        if (!sameF32(dxs[i]!, wantDx)) throw new Error(`dx[${i}] = ${dxs[i]}, want ${wantDx}`);
        if (!sameF32(dxys[i]!, wantDx))
          throw new Error(`dx from y[${i}] = ${dxys[i]}, want ${wantDx}`);
      }
      const got = dts[0]!;
      if (Number.isNaN(sum)) expect(Number.isNaN(got)).toBe(true);
      else expect(Math.abs(got - sum)).toBeLessThanOrEqual(Math.abs(sum) * 2 ** -23 + 2 ** -149);
      for (const b of [x, dy, y, dx, dxy, dt]) backend.free(b);
    }
    backend.destroy?.();
  });
});

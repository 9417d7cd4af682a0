// Bit-for-bit agreement with @pointwise/backend-js, as one suite every backend's
// tests call with their own factory: every exact op (SPEC: relu, leakyRelu, prelu,
// thresholdedRelu, shiftedRelu, clippedRelu and both dropouts return the float32
// reference bit pattern; NaN: any NaN), forward, backward from x and from y, masks and
// sparse outputs, on random data with special values at sizes around the 4-, 16-, 64-
// element and workgroup boundaries, and on data and alphas where operands or products
// are subnormal (WebGPU's integer product path). Parameter gradients are sums: within
// `sumUlps` ulp of js's float64 sum where the backend sums in the same order, or left to
// the conformance suite's summation bound (`sumUlps: null`).

import { jsBackend } from '@pointwise/backend-js';
import {
  type BackendFactory,
  f32FromBits,
  type Pointwise,
  pointwise,
  sameF32,
  type Tensor,
  ulpDistance,
} from '@pointwise/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floatData, rng } from './values.js';

function expectSameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!sameF32(got[i]!, want[i]!)) {
      throw new Error(
        `${what}: element ${i} is ${Object.is(got[i], -0) ? '-0' : got[i]}, js gives ${Object.is(want[i], -0) ? '-0' : want[i]}`,
      );
    }
  }
}

function expectSum(got: number, want: number, ulps: number, what: string): void {
  if (Number.isNaN(want)) expect(Number.isNaN(got), what).toBe(true);
  else expect(ulpDistance(got, want), `${what}: ${got} vs ${want}`).toBeLessThanOrEqual(ulps);
}

const SIZES = [0, 1, 3, 4, 5, 63, 64, 65, 1023, 65537];

/** Random bit patterns whose exponent field is tiny (subnormals and the lowest normals) or near 1. */
function tinyData(size: number, seed: number): Float32Array {
  const next = rng(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const exponent = i % 3 === 0 ? 100 + Math.floor(next() * 60) : Math.floor(next() * 28);
    const bits =
      ((next() < 0.5 ? 0x80000000 : 0) | (exponent << 23) | Math.floor(next() * 0x800000)) >>> 0;
    out[i] = f32FromBits(bits);
  }
  return out;
}

export interface CompareWithJsOptions {
  /** Parameter-gradient sums within this many ulp of js's; null: not compared here. */
  sumUlps: number | null;
}

/** Defines the comparison suite (vitest) for the backend `factory` makes. */
export function defineCompareWithJs(
  factory: () => BackendFactory,
  { sumUlps }: CompareWithJsOptions,
): void {
  let js: Pointwise;
  let other: Pointwise;
  beforeAll(async () => {
    js = await pointwise(jsBackend());
    other = await pointwise(factory());
  });
  afterAll(() => {
    js.destroy();
    other.destroy();
  });

  type Run = (
    pw: Pointwise,
    x: Float32Array,
    dy: Float32Array,
  ) => Record<string, Tensor | null | undefined>;

  /** Runs `run` on both backends and compares every output tensor it returns. */
  async function compare(
    name: string,
    size: number,
    run: Run,
    sums: string[] = [],
    kinks: number[] = [0],
  ) {
    const x = floatData(size, size * 31 + name.length, kinks);
    const dy = floatData(size, size * 17 + 5, [0]);
    const a = run(other, x, dy);
    const b = run(js, x, dy);
    for (const key of Object.keys(b)) {
      const tb = b[key];
      const ta = a[key];
      if (tb === null || tb === undefined) continue;
      const want = Array.from((await tb.read()) as ArrayLike<number>);
      const got = Array.from((await ta!.read()) as ArrayLike<number>);
      if (!sums.includes(key)) expectSameBits(got, want, `${name}.${key} size ${size}`);
      else if (sumUlps !== null)
        for (let i = 0; i < got.length; i++)
          expectSum(got[i]!, want[i]!, sumUlps, `${name}.${key}[${i}]`);
    }
    for (const r of [a, b]) for (const t of Object.values(r)) t?.dispose();
  }

  describe.each(SIZES)('size %i', (size) => {
    const shape = [size];
    it('relu forward and backward from x and y', async () => {
      await compare('relu', size, (pw, xs, ds) => {
        const x = pw.tensor(xs);
        const dy = pw.tensor(ds);
        const y = pw.relu(x);
        return { y, dxx: pw.reluBackward(dy, { x }).dx, dxy: pw.reluBackward(dy, { y }).dx, x, dy };
      });
    });
    for (const alpha of [0.01, 0.3, 2, 1e-30, 3e-39, 2 ** -140, 1e30]) {
      it(`leakyRelu alpha ${alpha}`, async () => {
        await compare(
          'leakyRelu',
          size,
          (pw, xs, ds) => {
            const x = pw.tensor(xs);
            const dy = pw.tensor(ds);
            const y = pw.leakyRelu(x, { alpha });
            return {
              y,
              dxx: pw.leakyReluBackward(dy, { x }, { alpha }).dx,
              dxy: pw.leakyReluBackward(dy, { y }, { alpha }).dx,
              x,
              dy,
            };
          },
          [],
          [0],
        );
      });
    }
    for (const alpha of [0, 1, 2.5]) {
      it(`thresholdedRelu alpha ${alpha}`, async () => {
        await compare(
          'thresholdedRelu',
          size,
          (pw, xs, ds) => {
            const x = pw.tensor(xs);
            const dy = pw.tensor(ds);
            const y = pw.thresholdedRelu(x, { alpha });
            return {
              y,
              dxx: pw.thresholdedReluBackward(dy, { x }, { alpha }).dx,
              dxy: pw.thresholdedReluBackward(dy, { y }, { alpha }).dx,
              x,
              dy,
            };
          },
          [],
          [alpha],
        );
      });
    }
    for (const threshold of [0, 1.5, -2.5, 0.1, 1e-39]) {
      it(`shiftedRelu threshold ${threshold} with dthreshold from x and y`, async () => {
        await compare(
          'shiftedRelu',
          size,
          (pw, xs, ds) => {
            const x = pw.tensor(xs);
            const dy = pw.tensor(ds);
            const y = pw.shiftedRelu(x, { threshold });
            const fromX = pw.shiftedReluBackward(dy, { x }, { threshold });
            const fromY = pw.shiftedReluBackward(dy, { y }, { threshold });
            return {
              y,
              dxx: fromX.dx,
              dthresholdX: fromX.dthreshold,
              dxy: fromY.dx,
              dthresholdY: fromY.dthreshold,
              x,
              dy,
            };
          },
          ['dthresholdX', 'dthresholdY'],
          [threshold],
        );
      });
    }
    it('clippedRelu with dceiling', async () => {
      const ceiling = 6;
      await compare(
        'clippedRelu',
        size,
        (pw, xs, ds) => {
          const x = pw.tensor(xs);
          const dy = pw.tensor(ds);
          const y = pw.clippedRelu(x, { ceiling });
          const fromX = pw.clippedReluBackward(dy, { x }, { ceiling });
          return {
            y,
            dxx: fromX.dx,
            dceiling: fromX.dceiling,
            dxy: pw.clippedReluBackward(dy, { y }, { ceiling }).dx,
            x,
            dy,
          };
        },
        ['dceiling'],
        [0, ceiling],
      );
    });
    it('prelu with one shared slope', async () => {
      await compare(
        'prelu',
        size,
        (pw, xs, ds) => {
          const x = pw.tensor(xs);
          const dy = pw.tensor(ds);
          const slope = new Float32Array([0.25]);
          const y = pw.prelu(x, { slope, channelAxis: 0 });
          const g = pw.preluBackward(dy, { x }, { slope, channelAxis: 0 });
          return { y, dx: g.dx, dslope: g.dslope, x, dy };
        },
        ['dslope'],
      );
    });
    it('dropout: y, mask, backward with and without mask', async () => {
      for (const [ratio, scale, replacement] of [
        [0.5, false, 0],
        [0.3, true, -2.5],
        [0, true, 1],
        [1, false, 7],
      ] as const) {
        const seed = BigInt(size) * 0x9e3779b97f4a7c15n + 3n;
        const params = {
          ratio,
          scale,
          replacement,
          seed: seed & 0xffffffffffffffffn,
          stream: 0x1234567890n,
        };
        await compare(
          `dropout ${ratio}`,
          size,
          (pw, xs, ds) => {
            const x = pw.tensor(xs);
            const dy = pw.tensor(ds);
            const f = pw.dropoutWithReplacement(x, { ...params, returnMask: true });
            const withMask = pw.dropoutWithReplacementBackward(dy, { ...params, mask: f.mask! });
            const regenerated = pw.dropoutWithReplacementBackward(dy, params);
            return {
              y: f.y,
              mask: f.mask,
              dxMask: withMask.dx,
              dreplacementMask: withMask.dreplacement,
              dxRegen: regenerated.dx,
              dreplacementRegen: regenerated.dreplacement,
              x,
              dy,
            };
          },
          ['dreplacementMask', 'dreplacementRegen'],
        );
      }
    });
    it('sparse dropout on int64 and int32 ids', async () => {
      const next = rng(size + 11);
      const lengths = Int32Array.from({ length: size }, () => Math.floor(next() * 4));
      const total = lengths.reduce((s, v) => s + v, 0);
      const ids = BigInt64Array.from({ length: total }, (_, i) => BigInt(i) * 0x100000001n - 5n);
      const ids32 = Int32Array.from({ length: total }, (_, i) => i * 7 - 100);
      for (const [values, replacement] of [
        [ids, -(2n ** 63n)],
        [ids32, -1n],
      ] as const) {
        const out = [];
        for (const pw of [other, js]) {
          const v = pw.tensor(values);
          const l = pw.tensor(lengths);
          const r = await pw.sparseDropoutWithReplacement(v, l, {
            ratio: 0.4,
            replacement,
            seed: 99n,
            stream: BigInt(size),
          });
          out.push({ values: await r.values.read(), lengths: await r.lengths.read() });
          for (const t of [v, l, r.values, r.lengths]) t.dispose();
        }
        expect(out[0]!.lengths).toEqual(out[1]!.lengths);
        expect(out[0]!.values).toEqual(out[1]!.values);
      }
    });
    it('no memory left behind', async () => {
      await other.flush();
      expect(other.memory()).toEqual(js.memory());
      void shape;
    });
  });

  describe('prelu channelAxis', () => {
    for (const [shape, axis] of [
      [[2, 5, 7], 0],
      [[2, 5, 7], 1],
      [[2, 5, 7], 2],
      [[3, 4, 37], 1],
      [[2, 3, 64], 1],
      [[64, 9], 1],
      [[40, 16], 1],
      [[33, 3], 1],
      [[50, 2, 2], 2],
      [[100, 2, 3], 1],
      [[7, 6, 5], 1],
      [[9, 4, 15], 1],
    ] as const) {
      it(`shape [${shape}] axis ${axis}`, async () => {
        const size = shape.reduce((a, b) => a * b, 1);
        const channels = shape[axis]!;
        const slopes = floatData(channels, 5).map((v) => (Number.isFinite(v) ? v : 0.5));
        await compare(
          `prelu axis ${axis}`,
          size,
          (pw, xs, ds) => {
            const x = pw.tensor(xs, [...shape]);
            const dy = pw.tensor(ds, [...shape]);
            const slope = slopes;
            const y = pw.prelu(x, { slope, channelAxis: axis });
            const g = pw.preluBackward(dy, { x }, { slope, channelAxis: axis });
            return { y, dx: g.dx, dslope: g.dslope, x, dy };
          },
          ['dslope'],
        );
      });
    }
  });

  describe('subnormal operands and products (mul_exact integer path)', () => {
    const size = 65537;
    const x = tinyData(size, 1);
    const dy = tinyData(size, 2);
    const pair = async (run: (pw: Pointwise) => Record<string, Tensor>) => {
      const a = run(other);
      const b = run(js);
      for (const key of Object.keys(b)) {
        expectSameBits(
          Array.from((await a[key]!.read()) as Float32Array),
          Array.from((await b[key]!.read()) as Float32Array),
          key,
        );
      }
      for (const r of [a, b]) for (const t of Object.values(r)) t.dispose();
    };
    for (const alpha of [0.5, 3e-39, 1e-30, 2 ** -126, 1.75, -0.3, 1e20]) {
      it(`leakyRelu and prelu alpha ${alpha}`, async () => {
        await pair((pw) => {
          const tx = pw.tensor(x);
          const tdy = pw.tensor(dy);
          return {
            y: pw.leakyRelu(tx, { alpha }),
            dx: pw.leakyReluBackward(tdy, { x: tx }, { alpha }).dx,
            py: pw.prelu(tx, { slope: alpha }),
            pdx: pw.preluBackward(tdy, { x: tx }, { slope: alpha }).dx,
            tx,
            tdy,
          };
        });
      });
    }
    for (const threshold of [0, 2 ** -126, -3e-39, 1.1e-38, 2 ** -120, 1.5]) {
      it(`shiftedRelu threshold ${threshold} (subnormal differences)`, async () => {
        await pair((pw) => {
          const tx = pw.tensor(x);
          const tdy = pw.tensor(dy);
          const y = pw.shiftedRelu(tx, { threshold });
          return {
            y,
            dx: pw.shiftedReluBackward(tdy, { x: tx }, { threshold }).dx,
            dxy: pw.shiftedReluBackward(tdy, { y }, { threshold }).dx,
            tx,
            tdy,
          };
        });
      });
    }
    for (const ratio of [0.3, 0.75, 0.999]) {
      it(`dropout scale at ratio ${ratio}`, async () => {
        const p = { ratio, scale: true, seed: 5n, stream: 9n };
        await pair((pw) => {
          const tx = pw.tensor(x);
          const tdy = pw.tensor(dy);
          return {
            y: pw.dropoutWithReplacement(tx, p).y,
            dx: pw.dropoutWithReplacementBackward(tdy, p).dx,
            tx,
            tdy,
          };
        });
      });
    }
  });
}

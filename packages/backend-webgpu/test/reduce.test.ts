// Parameter-gradient reductions at any binding limit: the planner covers every
// (channel, k) once, in increasing k per channel, with windows that fit the limit and
// start on 256-element boundaries (including a transformer-width channels-last
// [4096, 12288] prelu at WebGPU's 128 MiB minimum binding, which used to be refused),
// and the sums have the same bits at the default limit, 64 KiB and 4 KiB.
import { type Pointwise, pointwise } from '@pointwise/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floatData } from '../../../tools/test-support/src/index.js';
import { webgpuBackend } from '../src/index.js';
import { planLevel } from '../src/ops/reduce.js';

const BLOCK = 64;

/** Checks a plan for [m / inner, C, inner]: coverage, order, windows and alignment. */
function checkPlan(m: number, C: number, inner: number, limIn: number, limOut: number): number {
  const pieces = planLevel(m, C, inner, limIn, limOut);
  const R = C * inner;
  const idx = (c: number, k: number) => Math.floor(k / inner) * R + c * inner + (k % inner);
  const next = new Float64Array(C); // per channel, the next k expected
  for (const p of pieces) {
    expect(p.inLo % 256).toBe(0);
    expect(p.outLo % 256).toBe(0);
    expect(p.inHi - p.inLo).toBeLessThanOrEqual(limIn);
    expect(p.outHi - p.outLo).toBeLessThanOrEqual(limOut);
    expect(p.k1).toBeGreaterThan(p.k0);
    expect(p.nc).toBeGreaterThan(0);
    for (let c = p.c0; c < p.c0 + p.nc; c++) {
      if (next[c] !== p.k0)
        throw new Error(`channel ${c}: piece starts at k ${p.k0}, expected ${next[c]}`);
      next[c] = p.k1;
      // the extreme elements and Accs of this channel lie in the windows
      const inside =
        idx(c, p.k0) >= p.inLo &&
        idx(c, p.k1 - 1) < p.inHi &&
        Math.floor(p.k0 / BLOCK) * C + c >= p.outLo &&
        Math.floor((p.k1 - 1) / BLOCK) * C + c < p.outHi;
      if (!inside)
        throw new Error(`channel ${c}, k [${p.k0}, ${p.k1}) outside its piece's windows`);
    }
  }
  for (let c = 0; c < C; c++)
    if (next[c] !== m) throw new Error(`channel ${c} ends at k ${next[c]}, not ${m}`);
  return pieces.length;
}

describe('reduction planner', () => {
  it('covers every channel and k once, in order, in windows that fit', () => {
    const low = 1024; // float32 at maxBindingSize 4096
    const acc = 256; // Accs (12 bytes) at 4096
    for (const [m, C, inner] of [
      [4096, 5, 1],
      [40, 3000, 1],
      [131077, 1, 1],
      [60, 700, 20],
      [5000, 9, 2500],
      [1, 5000, 1],
      [300, 1, 1],
    ] as const) {
      checkPlan(m, C, inner, low, acc);
      checkPlan(m, C, inner, 16384, 5461 - (5461 % 256));
    }
  });

  it('a channels-last [4096, 12288] prelu fits a 128 MiB binding (it was refused)', () => {
    const limIn = (128 * 2 ** 20) / 4;
    const limOut = Math.floor((128 * 2 ** 20) / 12 / 256) * 256;
    const n = checkPlan(4096, 12288, 1, limIn, limOut);
    expect(n).toBeLessThanOrEqual(3);
  });
});

describe('the same bits at any binding limit', () => {
  let pws: Pointwise[];
  beforeAll(async () => {
    pws = await Promise.all(
      [undefined, 65536, 4096].map((maxBindingSize) =>
        pointwise(webgpuBackend({ maxBindingSize })),
      ),
    );
  });
  afterAll(() => {
    for (const pw of pws ?? []) pw.destroy();
  });

  const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

  for (const [label, shape, channelAxis] of [
    ['channels last [40, 3000]', [40, 3000], -1],
    ['channels first [2, 9, 2500]', [2, 9, 2500], 1],
    ['channels last [4096, 5]', [4096, 5], -1],
  ] as const) {
    it(`dslope, ${label}`, async () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const C = shape.at(channelAxis)!;
      const x = floatData(n, 11).map((v) => (Number.isFinite(v) ? v : 2));
      const dy = floatData(n, 12).map((v) => (Number.isFinite(v) ? v : -0.5));
      const slope = Array.from({ length: C }, (_, c) => (c % 5) - 2);
      const results = [];
      for (const pw of pws) {
        const g = pw.preluBackward(
          pw.tensor(dy, [...shape]),
          { x: pw.tensor(x, [...shape]) },
          { slope, channelAxis },
        );
        results.push(bits(await g.dslope!.read()));
      }
      expect(results[1]).toEqual(results[0]);
      expect(results[2]).toEqual(results[0]);
    });
  }

  it('dceiling, dthreshold and dreplacement on 2^17 + 5 elements', async () => {
    const n = 2 ** 17 + 5;
    const x = floatData(n, 13).map((v) => (Number.isFinite(v) ? v : 7));
    const dy = floatData(n, 14).map((v) => (Number.isFinite(v) ? v : 0.25));
    const results: number[][][] = [];
    for (const pw of pws) {
      const tx = pw.tensor(x);
      const tdy = pw.tensor(dy);
      const c = pw.clippedReluBackward(tdy, { x: tx }, { ceiling: 1 });
      const t = pw.shiftedReluBackward(tdy, { x: tx }, { threshold: -0.5 });
      const d = pw.dropoutWithReplacement(tx, { ratio: 0.3, seed: 5n, stream: 9n });
      const fromMask = pw.dropoutWithReplacementBackward(tdy, { draw: d.draw, mask: d.mask });
      const regenerated = pw.dropoutWithReplacementBackward(tdy, { draw: d.draw });
      results.push([
        bits(await c.dceiling!.read()),
        bits(await t.dthreshold!.read()),
        bits(await fromMask.dreplacement!.read()),
        bits(await regenerated.dreplacement!.read()),
      ]);
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    expect(results[0]![2]).toEqual(results[0]![3]);
  });
});

// Large tensors with a lowered binding limit (64 KiB = 16384 float32 per binding):
// the suite's 2^20 + 3 size cases, the 10^6-element sweeps of every activation, the
// dslope / dceiling precision cases, the parameter gradients in every layout, the dropout cases and the sparse multi-chunk
// cases all span many chunks here. Then sparse dropout under the smallest binding
// (4 KiB: 512 int64 or 1024 int32 ids, 1024 segments per chunk), bit for bit
// against backend-js: ratio 0, 0.5 and 1, empty segments, segments straddling
// value and segment chunks, outputs longer than the input, sizes off the chunk grid.
import { jsBackend } from '@pointwise/backend-js';
import { type Pointwise, pointwise } from '@pointwise/core';
import { defineConformanceSuite } from '@pointwise/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../../../tools/test-support/src/index.js';
import { webgpuBackend } from '../src/index.js';

defineConformanceSuite(
  webgpuBackend({ maxBindingSize: 65536 }),
  { describe, it, beforeAll, afterAll },
  {
    filter: (c) =>
      /\/size\/1048579$|\/sweep\/default$|\/precision\/|\/layout\/|^dropout\/(mask\/seed=0,|drop-rate|backward-regenerated)|^sparseDropout\/chunks\//.test(
        c.id,
      ),
  },
);

// Parameter gradients under the smallest binding (4 KiB: 1024 float32): one channel's
// terms and, channels last with 3000 channels, one row of channels span several
// bindings; every layout, each gradient (dslope, dceiling, dthreshold, dreplacement
// from the mask and regenerated). The sums must be within the bound and deterministic.
defineConformanceSuite(
  webgpuBackend({ maxBindingSize: 4096 }),
  { describe, it, beforeAll, afterAll },
  {
    filter: (c) =>
      /\/layout\/|^dropout\/(mask\/seed=0,stream=0,ratio=0\.5$|backward-regenerated)/.test(c.id),
  },
);

type Ids = Int32Array | BigInt64Array;

/** Lengths from `pick`, ids of the given kind (int64 ids above 2^53, negative ones too). */
function makeSegments(
  count: number,
  seed: number,
  big: boolean,
  pick: (next: () => number, j: number) => number,
): { values: Ids; lengths: Int32Array } {
  const next = rng(seed);
  const lengths = Int32Array.from({ length: count }, (_, j) => pick(next, j));
  const total = lengths.reduce((a, b) => a + b, 0);
  const values = big
    ? BigInt64Array.from(
        { length: total },
        (_, i) => (BigInt(i) * 0x100000001n + (1n << 60n)) * (i % 3 === 0 ? -1n : 1n),
      )
    : Int32Array.from({ length: total }, () => Math.floor((next() - 0.5) * 2 ** 32));
  return { values, lengths };
}

describe('sparse dropout across chunks (maxBindingSize 4096)', () => {
  let js: Pointwise;
  let gpu: Pointwise;
  beforeAll(async () => {
    js = await pointwise(jsBackend());
    gpu = await pointwise(webgpuBackend({ maxBindingSize: 4096 }));
  });
  afterAll(() => {
    js?.destroy();
    gpu?.destroy();
  });

  async function same(
    values: Ids,
    lengths: Int32Array,
    ratio: number,
    seed: bigint,
  ): Promise<{ n: number; out: number }> {
    const big = values instanceof BigInt64Array;
    const replacement = big ? -(1n << 63n) + 5n : -2147483648n;
    const results = [];
    for (const pw of [gpu, js]) {
      const v = pw.tensor(values);
      const l = pw.tensor(lengths);
      try {
        const r = await pw.sparseDropoutWithReplacement(v, l, {
          ratio,
          replacement: big ? replacement : Number(replacement),
          seed,
          stream: 7n,
        });
        results.push({ values: (await r.values.read()) as Ids, lengths: await r.lengths.read() });
        r.values.dispose();
        r.lengths.dispose();
      } finally {
        v.dispose();
        l.dispose();
      }
    }
    const [got, want] = results as [
      { values: Ids; lengths: Int32Array },
      { values: Ids; lengths: Int32Array },
    ];
    expect(got.values.constructor).toBe(want.values.constructor);
    expect(got.lengths.length).toBe(want.lengths.length);
    for (let j = 0; j < want.lengths.length; j++) {
      if (got.lengths[j] !== want.lengths[j])
        throw new Error(`lengths[${j}] = ${got.lengths[j]}, js gives ${want.lengths[j]}`);
    }
    expect(got.values.length).toBe(want.values.length);
    for (let i = 0; i < want.values.length; i++) {
      if (got.values[i] !== want.values[i])
        throw new Error(`values[${i}] = ${got.values[i]}, js gives ${want.values[i]}`);
    }
    return { n: values.length, out: want.values.length };
  }

  // 20% empty segments, lengths 0..7: ~3.5 ids per segment, so 5000 segments span
  // 5 segment chunks, ~34 int64 or ~17 int32 value chunks.
  const mixed = (next: () => number) => (next() < 0.2 ? 0 : Math.floor(next() * 8));
  for (const big of [true, false]) {
    for (const ratio of [0, 0.5, 1]) {
      it(`${big ? 'int64' : 'int32'} ids, ratio ${ratio}, 5003 mixed segments`, async () => {
        const { values, lengths } = makeSegments(5003, big ? 1 : 2, big, mixed);
        const { n, out } = await same(values, lengths, ratio, 42n);
        if (ratio === 0) expect(out).toBe(n);
        if (ratio === 1) expect(out).toBe(5003);
      });
    }
  }

  it('long segments straddle several value chunks (int64, one of 3001 ids)', async () => {
    const { values, lengths } = makeSegments(41, 3, true, (next, j) =>
      j === 20 ? 3001 : Math.floor(next() * 1500),
    );
    for (const seed of [1n, 2n, 3n]) await same(values, lengths, 0.5, seed);
  });

  it('mostly empty segments: the output outgrows the input and spans more chunks (int32)', async () => {
    const { values, lengths } = makeSegments(9000, 4, false, (next) =>
      next() < 0.9 ? 0 : 1 + Math.floor(next() * 3),
    );
    const { n, out } = await same(values, lengths, 0.6, 5n);
    expect(out).toBeGreaterThan(n + 1024);
  });

  it('all segments empty, and no values: only replacements (int64)', async () => {
    const { values, lengths } = makeSegments(3000, 5, true, () => 0);
    const { out } = await same(values, lengths, 0.5, 6n);
    expect(out).toBeGreaterThan(1024);
  });

  it('exact multiples of the chunk sizes (1024 int32 ids per chunk, 1024 segments)', async () => {
    const { values, lengths } = makeSegments(2048, 6, false, () => 2);
    await same(values, lengths, 0.5, 8n);
    const one = makeSegments(4096, 7, true, () => 1);
    await same(one.values, one.lengths, 0.5, 9n);
  });

  it('no memory left behind', async () => {
    await gpu.flush();
    expect(gpu.memory()).toEqual(js.memory());
  });
});

// 'auto''s busy-machine guard (adapt.ts), driven by an injected clock, never by a timing
// assertion: a pooled call that took longer than the calling thread alone would have
// sends the next calls to the calling thread for a back-off that doubles with each
// losing call (capped) and halves after WINS_TO_SHRINK wins in a row; during the back-off the
// kernels run on the calling thread with the same bits; after it, the next large call
// probes the pool again. Explicit thread counts and `crossover` do not adapt.

import { type BackendFactory, type Pointwise, pointwise } from '@pointwise/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adaptive, MAX_BACKOFF_MS, MIN_BACKOFF_MS, WINS_TO_SHRINK } from '../src/adapt.js';
import { createWasmSimdBackend, type WasmSimdBackend } from '../src/backend.js';
import { wasmSimdBackend } from '../src/index.js';
import { STREAM_MIN } from '../src/pool.js';

describe('Adaptive', () => {
  it('keeps the pool while pooled calls beat the calling thread alone', () => {
    let t = 0;
    const a = new Adaptive(() => t);
    // idle machine: the caller did 16 of 32 blocks in 100 ms, everyone joined at 110
    a.record(0, 100, 110, 16, 32);
    // the workers did every block
    a.record(200, 200, 230, 0, 32);
    t = 231;
    expect(a.usePool()).toBe(true);
    expect(a.lostCalls).toBe(0);
    expect(a.backoffMs).toBe(MIN_BACKOFF_MS);
  });
  it('falls back to the calling thread after a late join, then probes again', () => {
    let t = 0;
    const a = new Adaptive(() => t);
    // loaded machine: the caller took all 32 blocks in 170, the worker joined at 2000
    a.record(0, 170, 2000, 32, 32);
    expect(a.lostCalls).toBe(1);
    t = 2000;
    expect(a.usePool()).toBe(false);
    t = 2000 + MIN_BACKOFF_MS - 0.001;
    expect(a.usePool()).toBe(false);
    t = 2000 + MIN_BACKOFF_MS;
    expect(a.usePool()).toBe(true);
    // the probe loses again: twice as long on the calling thread
    a.record(t, t + 170, t + 900, 31, 32);
    const end = t + 900;
    t = end + 2 * MIN_BACKOFF_MS - 0.001;
    expect(a.usePool()).toBe(false);
    t = end + 2 * MIN_BACKOFF_MS;
    expect(a.usePool()).toBe(true);
  });
  it('caps the back-off and halves it only after WINS_TO_SHRINK wins in a row', () => {
    const a = new Adaptive(() => 0);
    const lose = () => a.record(0, 1, 100, 1, 1);
    const win = () => a.record(0, 10, 11, 5, 10);
    for (let i = 0; i < 20; i++) lose();
    expect(a.backoffMs).toBe(MAX_BACKOFF_MS);
    // a loss in between starts the count again
    for (let i = 0; i < WINS_TO_SHRINK - 1; i++) win();
    lose();
    for (let i = 0; i < WINS_TO_SHRINK - 1; i++) win();
    expect(a.backoffMs).toBe(MAX_BACKOFF_MS);
    win();
    expect(a.backoffMs).toBe(MAX_BACKOFF_MS / 2);
    for (let i = 0; i < 20 * WINS_TO_SHRINK; i++) win();
    expect(a.backoffMs).toBe(MIN_BACKOFF_MS);
  });
});

describe('a pool with the guard (what threads: auto runs)', () => {
  let pw: Pointwise;
  let b: WasmSimdBackend;
  beforeAll(async () => {
    const factory: BackendFactory = {
      name: 'wasm-simd',
      isAvailable: async () => ({ available: true }),
      create: () =>
        createWasmSimdBackend({ threads: 2, note: null }, { crossover: null, adaptive: true }),
    };
    pw = await pointwise(factory);
    b = pw.backend as WasmSimdBackend;
  });
  afterAll(() => pw.destroy());

  it('runs on the calling thread during a back-off, with the same bits, and probes after it', () => {
    const d = b.wasm.dispatch;
    const a = d.adaptive!;
    const xs = Float32Array.from({ length: STREAM_MIN + 5 }, (_, i) => (i % 7) - 3.5);
    const want = xs.map((v) => (v > 0 ? v : 0));
    const x = pw.tensor(xs);
    const relu = () => {
      const y = pw.relu(x);
      const got = y.readSync() as Float32Array;
      y.dispose();
      expect(got.findIndex((v, i) => !Object.is(v, want[i]))).toBe(-1);
    };
    // a frozen clock: every pooled call takes no time, so the pool wins; each pooled
    // call reports its timing and its blocks
    let t = 1000;
    a.now = () => t;
    const reports: number[][] = [];
    const record = a.record.bind(a);
    a.record = (...r: Parameters<Adaptive['record']>) => {
      reports.push(r);
      record(...r);
    };
    let calls = d.pooledCalls;
    relu();
    expect(d.pooledCalls).toBe(++calls);
    expect(reports).toHaveLength(1);
    const [start, own, end, mine, blocks] = reports[0]!;
    expect([start, own, end]).toEqual([1000, 1000, 1000]);
    // 16 blocks per thread, in whole 256-element units
    const n = STREAM_MIN + 5;
    expect(blocks).toBe(Math.ceil(n / (Math.ceil(n / 32 / 256) * 256)));
    expect(mine).toBeGreaterThanOrEqual(0);
    expect(mine).toBeLessThanOrEqual(blocks!);
    // a slow worker: the caller's own blocks took 1 ms, everyone joined 100 ms later
    a.record(1000, 1001, 1100, 1, 1);
    expect(a.lostCalls).toBe(1);
    t = 1100;
    relu();
    relu();
    expect(d.pooledCalls, 'back-off: the calling thread alone').toBe(calls);
    t = 1100 + MIN_BACKOFF_MS;
    relu();
    expect(d.pooledCalls, 'after the back-off: a probe on the pool').toBe(++calls);
    expect(a.lostCalls).toBe(1);
    x.dispose();
  });

  it('explicit thread counts and crossover do not adapt', async () => {
    for (const options of [{ threads: 2 }, { threads: 'auto' as const, crossover: 0 }]) {
      const other = await pointwise(wasmSimdBackend(options));
      expect((other.backend as WasmSimdBackend).wasm.dispatch.adaptive).toBeNull();
      other.destroy();
    }
  });
});

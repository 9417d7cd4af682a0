// The `touchAhead` option (DECISIONS #316): whether the streaming kernels load each
// output line 1 KiB ahead of their stores. 'on', 'off' and 'auto' give the same bits
// with one thread and with the pool; 'off' really removes the load, in the calling
// thread's instance and in every worker's (a kernel writing up to the last byte of
// linear memory runs, where the touch would trap); a bad value is a PointwiseError
// naming touchAhead; 'auto' times the first large calls of each op, direction and size
// class both ways and keeps the faster (driven by a fake clock, then on the real backend).

import { type Pointwise, PointwiseError, pointwise, type Tensor } from '@pointwise/core';
import { describe, expect, it } from 'vitest';
import { floatData } from '../../../tools/test-support/src/index.js';
import type { WasmSimdBackend } from '../src/backend.js';
import { wasmSimdBackend } from '../src/index.js';
import { N } from '../src/pool.js';
import {
  checkTouchAhead,
  TouchAhead,
  type TouchAheadOption,
  TUNE_CALLS,
  TUNE_MARGIN,
  TUNE_MIN_SIZE,
  tuneKey,
} from '../src/touch.js';

/** Index of the first element where a and b differ, -1 if none (toEqual is slow on large arrays). */
function firstMismatch(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Every streaming kernel (each prelu layout, both dropout backward paths) on x and dy, as raw bits. */
function streamingOutputs(pw: Pointwise, xs: Float32Array, ds: Float32Array): Uint32Array[] {
  const x = pw.tensor(xs);
  const dy = pw.tensor(ds);
  const outs: Tensor[] = [
    pw.relu(x),
    pw.reluBackward(dy, { x }).dx,
    pw.leakyRelu(x, { alpha: 0.1 }),
    pw.leakyRelu(x, { alpha: 1.5 }),
    pw.leakyReluBackward(dy, { x }, { alpha: 0.1 }).dx,
    pw.thresholdedRelu(x, { alpha: 1 }),
    pw.thresholdedReluBackward(dy, { x }, { alpha: 1 }).dx,
    pw.shiftedRelu(x, { threshold: 0.5 }),
    pw.shiftedReluBackward(dy, { x }, { threshold: 0.5 }).dx,
    pw.shiftedReluBackward(dy, { x }, { threshold: 0.5, paramGrad: false }).dx,
    pw.clippedRelu(x, { ceiling: 3 }),
    pw.clippedReluBackward(dy, { x }, { ceiling: 3 }).dx,
    pw.clippedReluBackward(dy, { x }, { ceiling: 3, paramGrad: false }).dx,
    pw.prelu(x, { slope: new Float32Array([0.25]), channelAxis: 0 }),
    pw.preluBackward(dy, { x }, { slope: new Float32Array([0.25]), channelAxis: 0 }).dx,
  ];
  const n = xs.length;
  const slopes = Float32Array.from({ length: 16 }, (_, i) => (i % 3 === 0 ? -0.5 : 0.05 * (i + 1)));
  const x16 = pw.tensor(xs, [n / 16, 16]);
  const d16 = pw.tensor(ds, [n / 16, 16]);
  outs.push(pw.prelu(x16, { slope: slopes, channelAxis: 1 }));
  outs.push(pw.preluBackward(d16, { x: x16 }, { slope: slopes, channelAxis: 1 }).dx);
  const s12 = slopes.subarray(0, 12);
  const x12 = pw.tensor(xs.subarray(0, 12 * Math.floor(n / 12)), [Math.floor(n / 12), 12]);
  const d12 = pw.tensor(ds.subarray(0, 12 * Math.floor(n / 12)), [Math.floor(n / 12), 12]);
  outs.push(pw.prelu(x12, { slope: s12, channelAxis: 1 }));
  outs.push(pw.preluBackward(d12, { x: x12 }, { slope: s12, channelAxis: 1 }).dx);
  outs.push(pw.preluBackward(d12, { x: x12 }, { slope: s12, channelAxis: 1, paramGrad: false }).dx);
  const x4 = pw.tensor(xs, [4, n / 4]);
  const d4 = pw.tensor(ds, [4, n / 4]);
  const s4 = new Float32Array([0.1, -2, 0.5, 1]);
  outs.push(pw.prelu(x4, { slope: s4, channelAxis: 0 }));
  outs.push(pw.preluBackward(d4, { x: x4 }, { slope: s4, channelAxis: 0 }).dx);
  outs.push(pw.preluBackward(d4, { x: x4 }, { slope: s4, channelAxis: 0, paramGrad: false }).dx);
  const params = { ratio: 0.3, scale: true, replacement: -1.5, seed: 99n, stream: 3n };
  const f = pw.dropoutWithReplacement(x, { ...params, returnMask: true });
  outs.push(f.y);
  outs.push(pw.dropoutWithReplacementBackward(dy, { ...params, mask: f.mask! }).dx);
  outs.push(
    pw.dropoutWithReplacementBackward(dy, { ...params, mask: f.mask!, paramGrad: false }).dx,
  );
  return outs.map((t) => new Uint32Array((t.readSync() as Float32Array).buffer.slice(0)));
}

async function outputsWith(
  touchAhead: TouchAheadOption,
  threads: number,
  xs: Float32Array,
  ds: Float32Array,
): Promise<Uint32Array[]> {
  const pw = await pointwise(
    wasmSimdBackend({ threads, touchAhead, ...(threads > 1 ? { crossover: 0 } : {}) }),
  );
  try {
    expect((pw.backend as unknown as WasmSimdBackend).touchAhead.option).toBe(touchAhead);
    return streamingOutputs(pw, xs, ds);
  } finally {
    pw.destroy();
  }
}

describe('touchAhead: the same bits on, off and auto', () => {
  // above TUNE_MIN_SIZE, so 'auto' times these calls; an odd count of 16-element chunks
  const n = 16 * 4099;
  const xs = floatData(n, 11);
  const ds = floatData(n, 12);
  for (const threads of [1, 2]) {
    it(`threads ${threads}`, async () => {
      const reference = await outputsWith('on', threads, xs, ds);
      for (const touch of ['off', 'auto'] as const) {
        const got = await outputsWith(touch, threads, xs, ds);
        expect(got.length).toBe(reference.length);
        for (const [i, bits] of got.entries()) {
          expect(firstMismatch(bits, reference[i]!), `output ${i} with ${touch}`).toBe(-1);
        }
      }
    });
  }
});

describe("touchAhead 'off' removes the load", () => {
  it('one thread: relu may write the last 64 bytes of memory, which traps with the touch', async () => {
    for (const [option, traps] of [
      ['off', false],
      ['on', true],
    ] as const) {
      const backend = (await wasmSimdBackend({
        threads: 1,
        touchAhead: option,
      }).create()) as WasmSimdBackend;
      try {
        const { exports } = backend.wasm;
        const end = exports.memory.buffer.byteLength;
        const call = () => exports.reluForward(end - 64, end - 64, 16);
        if (traps) expect(call).toThrow(WebAssembly.RuntimeError);
        else expect(call).not.toThrow();
      } finally {
        backend.destroy?.();
      }
    }
  });

  it("the pool: every worker takes the caller's setting with the job", async () => {
    const threads = 3;
    const backend = (await wasmSimdBackend({
      threads,
      crossover: 0,
      touchAhead: 'off',
    }).create()) as WasmSimdBackend;
    try {
      const { heap, dispatch, exports } = backend.wasm;
      // 48 blocks of 256 elements (crossover 0: blocks as small as 256), every one
      // writing the same last 1 KiB of memory (its output's stride is 0), so the touch
      // of any thread that kept it on would read past the end and trap
      const n = threads * 16 * 256;
      const x = heap.alloc('float32', n).ptr;
      const end = exports.memory.buffer.byteLength;
      const y = end - 1024;
      for (let i = 0; i < 200; i++) dispatch.each('reluForward', n, [x, y, n], [4, 0, N]);
      expect(dispatch.threads).toBe(threads);
      // the same job with the touch on traps (in whichever thread takes a block first)
      dispatch.setTouchAhead(true);
      expect(() => dispatch.each('reluForward', n, [x, y, n], [4, 0, N])).toThrow();
    } finally {
      backend.destroy?.();
    }
  });
});

describe('touchAhead option', () => {
  it("accepts 'auto' (the default), 'on' and 'off'", () => {
    expect(checkTouchAhead(undefined)).toBe('auto');
    for (const v of ['auto', 'on', 'off'] as const) expect(checkTouchAhead(v)).toBe(v);
  });

  it('rejects anything else with a PointwiseError naming touchAhead and the value', () => {
    for (const value of [1024, 0, true, null, 'On', '']) {
      let error: unknown;
      try {
        wasmSimdBackend({ touchAhead: value as never });
      } catch (e) {
        error = e;
      }
      expect(error, String(value)).toBeInstanceOf(PointwiseError);
      expect((error as PointwiseError).code).toBe('INVALID_ARGUMENT');
      expect((error as PointwiseError).op).toBe('wasmSimdBackend');
      expect((error as PointwiseError).arg).toBe('touchAhead');
      expect((error as PointwiseError).value).toBe(value);
      expect((error as Error).message).toContain('touchAhead');
    }
  });
});

/**
 * A fake kernel set: each call advances a fake clock by `fast` or `slow` ms depending on
 * the setting, and records the setting it ran with.
 */
function fakeBackend(msOn: number, msOff: number) {
  const clock = { t: 0 };
  const setting = { on: null as boolean | null };
  const ran: boolean[] = [];
  const call = () => {
    ran.push(setting.on!);
    clock.t += setting.on ? msOn : msOff;
  };
  const touch = new TouchAhead('auto', (on) => {
    setting.on = on;
  });
  touch.now = () => clock.t;
  const kernels = touch.wrap({
    relu: { forward: call, backward: call },
    dropout: { forward: call, backward: call },
  } as never) as unknown as {
    relu: { forward(c: { size: number }): void; backward(c: { size: number }): void };
    dropout: { backward(c: { size: number; mask: unknown }): void };
  };
  return { touch, kernels, ran, setting };
}

describe("touchAhead 'auto'", () => {
  for (const [label, msOn, msOff, chosen] of [
    ['off when it is clearly faster', 1.0, 0.9, false],
    ['on when off is faster by less than the margin', 1.0, 1.0 / TUNE_MARGIN + 0.001, true],
    ['on when it is faster', 0.9, 1.0, true],
  ] as const) {
    it(`keeps ${label}`, () => {
      const { touch, kernels, ran, setting } = fakeBackend(msOn, msOff);
      expect(setting.on).toBe(true);
      // small calls run with the touch and are not timed
      for (let i = 0; i < 5; i++) kernels.relu.forward({ size: TUNE_MIN_SIZE - 1 });
      expect(ran).toEqual([true, true, true, true, true]);
      ran.length = 0;
      for (let i = 0; i < 2 * TUNE_CALLS; i++) kernels.relu.forward({ size: TUNE_MIN_SIZE });
      // the large calls alternate between the two settings
      expect(ran.filter((on) => on)).toHaveLength(TUNE_CALLS);
      expect(ran.filter((on) => !on)).toHaveLength(TUNE_CALLS);
      const key = tuneKey('relu', 'forward', TUNE_MIN_SIZE);
      expect(touch.choices()).toEqual({ [key]: chosen ? 'on' : 'off' });
      ran.length = 0;
      kernels.relu.forward({ size: TUNE_MIN_SIZE + 1000 });
      expect(ran).toEqual([chosen]);
      // a small call between still touches; the class's choice comes back after it
      kernels.relu.forward({ size: 16 });
      kernels.relu.forward({ size: TUNE_MIN_SIZE });
      expect(ran).toEqual([chosen, true, chosen]);
    });
  }

  it('compares medians: one fast call does not outvote the rest', () => {
    // with the touch: one outlier at 0.4 ms (a quiet moment), the rest 1.0; without: 0.9
    const clock = { t: 0 };
    const setting = { on: true };
    let onCalls = 0;
    const call = () => {
      clock.t += setting.on ? (onCalls++ === 0 ? 0.4 : 1.0) : 0.9;
    };
    const touch = new TouchAhead('auto', (on) => {
      setting.on = on;
    });
    touch.now = () => clock.t;
    const kernels = touch.wrap({ relu: { forward: call, backward: call } } as never) as unknown as {
      relu: { forward(c: { size: number }): void };
    };
    for (let i = 0; i < 2 * TUNE_CALLS; i++) kernels.relu.forward({ size: TUNE_MIN_SIZE });
    expect(onCalls).toBe(TUNE_CALLS);
    // best call: on (0.4 < 0.9); median: off (0.9 < 1.0)
    expect(touch.choices()).toEqual({ [tuneKey('relu', 'forward', TUNE_MIN_SIZE)]: 'off' });
  });

  it('tunes each op, direction and power-of-two size class on its own', () => {
    const { touch, kernels } = fakeBackend(1.0, 0.5);
    for (let i = 0; i < 2 * TUNE_CALLS; i++) kernels.relu.forward({ size: 2 ** 20 });
    expect(Object.keys(touch.choices())).toEqual([tuneKey('relu', 'forward', 2 ** 20)]);
    for (let i = 0; i < 2 * TUNE_CALLS; i++) kernels.relu.forward({ size: 2 ** 23 + 5 });
    for (let i = 0; i < 2 * TUNE_CALLS; i++) kernels.relu.backward({ size: 2 ** 20 });
    expect(Object.keys(touch.choices())).toEqual([
      'relu.backward 2^20',
      'relu.forward 2^20',
      'relu.forward 2^23',
    ]);
  });

  it('dropout: only the backward from a stored mask is tuned (the Philox passes never touch)', () => {
    const { touch, kernels, ran } = fakeBackend(1.0, 0.5);
    for (let i = 0; i < 2 * TUNE_CALLS; i++)
      kernels.dropout.backward({ size: 2 ** 20, mask: null });
    expect(touch.choices()).toEqual({});
    expect(ran.every((on) => on)).toBe(true);
    for (let i = 0; i < 2 * TUNE_CALLS; i++) kernels.dropout.backward({ size: 2 ** 20, mask: {} });
    expect(touch.choices()).toEqual({ 'dropout.backwardMask 2^20': 'off' });
  });

  it("'on' and 'off' never wrap or tune", () => {
    for (const option of ['on', 'off'] as const) {
      const seen: boolean[] = [];
      const touch = new TouchAhead(option, (on) => seen.push(on));
      const kernels = { relu: { forward: () => {}, backward: () => {} } } as never;
      expect(touch.wrap(kernels)).toBe(kernels);
      expect(seen).toEqual([option === 'on']);
      expect(touch.choices()).toEqual({});
    }
  });

  it('the real backend makes a choice per class after its first large calls', async () => {
    const pw = await pointwise(wasmSimdBackend({ threads: 1 }));
    try {
      const backend = pw.backend as unknown as WasmSimdBackend;
      expect(backend.touchAhead.option).toBe('auto');
      const x = pw.tensor(floatData(2 ** 18, 5));
      for (let i = 0; i < 2 * TUNE_CALLS; i++) pw.clippedRelu(x, { ceiling: 2 }).dispose();
      const choices = backend.touchAhead.choices();
      expect(Object.keys(choices)).toEqual(['clippedRelu.forward 2^18']);
      // the same choice for any size of that class, none for another class or direction
      for (const size of [2 ** 18, 2 ** 19 - 16]) {
        expect(backend.touchAhead.choiceFor('clippedRelu', 'forward', size)).toBe(
          choices['clippedRelu.forward 2^18'],
        );
      }
      expect(backend.touchAhead.choiceFor('clippedRelu', 'forward', 2 ** 19)).toBeUndefined();
      expect(backend.touchAhead.choiceFor('clippedRelu', 'backward', 2 ** 18)).toBeUndefined();
    } finally {
      pw.destroy();
    }
  });
});

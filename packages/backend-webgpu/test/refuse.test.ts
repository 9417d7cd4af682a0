// The GPU-interop entry points refuse what they cannot use, with a typed error naming
// the call and the argument, before anything changes: wrapGPUBuffer validates dtype,
// shape and the buffer (not a GPUBuffer, mapped, too small, destroyed, another
// device's), gpuBufferOf / gpuDeviceOf refuse non-webgpu tensors and instances and
// destroyed ones; a wrapped buffer destroyed by its owner later is a PointwiseError
// naming the op that used it; after device loss every op names itself.
import { jsBackend } from '@pointwise/backend-js';
import { type Pointwise, PointwiseError, pointwise } from '@pointwise/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpuBufferOf, gpuDeviceOf, webgpuBackend, wrapGPUBuffer } from '../src/index.js';

const USAGE = 0x80 | 0x4 | 0x8;

/** The PointwiseError `call` throws (or its promise rejects with); fails on anything else. */
async function refusal(call: () => unknown): Promise<PointwiseError> {
  let error: unknown;
  try {
    const result = call();
    if (result instanceof Promise) await result;
  } catch (e) {
    error = e;
  }
  if (!(error instanceof PointwiseError))
    throw new Error(`expected a PointwiseError, got ${error}`);
  return error;
}

describe('wrapGPUBuffer, gpuBufferOf and gpuDeviceOf refuse what they cannot use', () => {
  let pw: Pointwise;
  let js: Pointwise;
  let device: GPUDevice;
  beforeAll(async () => {
    pw = await pointwise(webgpuBackend());
    js = await pointwise(jsBackend());
    device = gpuDeviceOf(pw) as GPUDevice;
  });
  afterAll(() => {
    pw?.destroy();
    js?.destroy();
  });

  it('bad dtypes and shapes: typed errors naming the argument, memory() unchanged', async () => {
    const buffer = device.createBuffer({ size: 64, usage: USAGE });
    const before = pw.memory();
    const cases: [unknown, unknown, string, string][] = [
      ['float64', [4], 'INVALID_ARGUMENT', 'dtype'],
      ['Float32', [4], 'INVALID_ARGUMENT', 'dtype'],
      ['bool', [4], 'INVALID_ARGUMENT', 'dtype'],
      ['', [4], 'INVALID_ARGUMENT', 'dtype'],
      [null, [4], 'INVALID_ARGUMENT', 'dtype'],
      [7, [4], 'INVALID_ARGUMENT', 'dtype'],
      ['float32', [Number.NaN], 'SHAPE_MISMATCH', 'shape'],
      ['float32', [-4], 'SHAPE_MISMATCH', 'shape'],
      ['float32', [2.5], 'SHAPE_MISMATCH', 'shape'],
      ['float32', [-2, -2], 'SHAPE_MISMATCH', 'shape'],
      ['float32', '4', 'SHAPE_MISMATCH', 'shape'],
      ['float32', null, 'SHAPE_MISMATCH', 'shape'],
    ];
    for (const [dtype, shape, code, arg] of cases) {
      const e = await refusal(() =>
        wrapGPUBuffer(pw, buffer, dtype as 'float32', shape as number[]),
      );
      expect({ code: e.code, op: e.op, arg: e.arg }, `${dtype} ${String(shape)}`).toEqual({
        code,
        op: 'wrapGPUBuffer',
        arg,
      });
      expect(pw.memory()).toEqual(before);
    }
    expect(Number.isFinite(pw.memory().bytes)).toBe(true);
    buffer.destroy();
  });

  it('non-buffers, mapped buffers and buffers too small: INVALID_ARGUMENT naming buffer', async () => {
    const before = pw.memory();
    const mapped = device.createBuffer({
      size: 16,
      usage: 0x4 | 0x8 | 0x80,
      mappedAtCreation: true,
    });
    const small = device.createBuffer({ size: 8, usage: USAGE });
    const noStorage = device.createBuffer({ size: 16, usage: 0x4 | 0x8 });
    for (const [what, buffer] of [
      ['null', null],
      ['undefined', undefined],
      ['a number', 5],
      ['a look-alike object', { usage: 140, size: 64 }],
      ['a typed array', new Float32Array(4)],
      ['a mapped buffer', mapped],
      ['a buffer too small', small],
      ['a buffer without STORAGE usage', noStorage],
    ] as const) {
      const e = await refusal(() => wrapGPUBuffer(pw, buffer as never, 'float32', [4]));
      expect({ code: e.code, op: e.op, arg: e.arg }, what).toEqual({
        code: 'INVALID_ARGUMENT',
        op: 'wrapGPUBuffer',
        arg: 'buffer',
      });
    }
    expect(pw.memory()).toEqual(before);
    mapped.unmap();
    for (const b of [mapped, small, noStorage]) b.destroy();
  });

  it('a destroyed buffer, or one of another device: refused by the op that would use it, typed', async () => {
    const other = await pointwise(webgpuBackend());
    try {
      const foreign = (gpuDeviceOf(other) as GPUDevice).createBuffer({ size: 16, usage: USAGE });
      const destroyed = device.createBuffer({ size: 16, usage: USAGE });
      destroyed.destroy();
      for (const [what, buffer] of [
        ['destroyed', destroyed],
        ['foreign', foreign],
      ] as const) {
        const before = pw.memory();
        const e = await refusal(async () => {
          const x = wrapGPUBuffer(pw, buffer, 'float32', [4]);
          try {
            await pw.flush(); // the wrap-time probe has reported by now
            return pw.relu(x);
          } finally {
            x.dispose();
          }
        });
        expect({ code: e.code, op: e.op }, `${what}: ${e.message}`).toEqual({
          code: 'INVALID_ARGUMENT',
          op: 'relu',
        });
        expect(pw.memory()).toEqual(before);
      }
      // the instance still works
      expect(Array.from(await pw.relu(pw.tensor([-1, 2])).read())).toEqual([0, 2]);
    } finally {
      other.destroy();
    }
  });

  it('a wrapped buffer destroyed by its owner after wrapping: a PointwiseError naming the op', async () => {
    const buffer = device.createBuffer({ size: 16, usage: USAGE });
    const x = wrapGPUBuffer(pw, buffer, 'float32', [4]);
    await pw.flush();
    buffer.destroy();
    const e = await refusal(async () => {
      const y = pw.relu(x);
      try {
        return await y.read();
      } finally {
        y.dispose();
      }
    });
    expect(e.op, e.message).toBe('relu');
    x.dispose();
    // the fault is reported once; the instance keeps working
    expect(Array.from(await pw.relu(pw.tensor([-1, 2])).read())).toEqual([0, 2]);
  });

  it('gpuBufferOf refuses non-tensors and other backends’ tensors; gpuDeviceOf refuses js and destroyed instances', async () => {
    for (const value of [5, null, {}, 'x']) {
      const e = await refusal(() => gpuBufferOf(value as never));
      expect({ code: e.code, op: e.op, arg: e.arg }).toEqual({
        code: 'INVALID_ARGUMENT',
        op: 'gpuBufferOf',
        arg: 'tensor',
      });
    }
    const t = js.tensor([1, 2]);
    const e = await refusal(() => gpuBufferOf(t));
    expect({ code: e.code, op: e.op, arg: e.arg }).toEqual({
      code: 'INVALID_ARGUMENT',
      op: 'gpuBufferOf',
      arg: 'tensor',
    });
    for (const [name, call] of [
      ['gpuDeviceOf', () => gpuDeviceOf(js)],
      ['wrapGPUBuffer', () => wrapGPUBuffer(js, {}, 'float32', [1])],
    ] as const) {
      const r = await refusal(call);
      expect({ code: r.code, op: r.op, arg: r.arg }).toEqual({
        code: 'INVALID_ARGUMENT',
        op: name,
        arg: 'pw',
      });
    }
    for (const value of [null, 5, {}]) {
      const r = await refusal(() => gpuDeviceOf(value as never));
      expect({ code: r.code, op: r.op, arg: r.arg }).toEqual({
        code: 'INVALID_ARGUMENT',
        op: 'gpuDeviceOf',
        arg: 'pw',
      });
    }
    const dead = await pointwise(webgpuBackend());
    const deadTensor = dead.tensor([1]);
    dead.destroy();
    for (const [name, call] of [
      ['gpuDeviceOf', () => gpuDeviceOf(dead)],
      ['wrapGPUBuffer', () => wrapGPUBuffer(dead, {}, 'float32', [1])],
      ['gpuBufferOf', () => gpuBufferOf(deadTensor)],
    ] as const) {
      const r = await refusal(call);
      expect({ code: r.code, op: r.op }).toEqual({ code: 'INSTANCE_DESTROYED', op: name });
    }
  });
});

describe('after device loss every call names itself', () => {
  it('DEVICE_LOST names tensor, zeros, the ops and sparse dropout', async () => {
    const pw = await pointwise(webgpuBackend());
    try {
      const x = pw.tensor([1, -2, 3, -4]);
      const dy = pw.tensor([1, 1, 1, 1]);
      const draw = pw.dropoutWithReplacement(x, { ratio: 0.5, seed: 1n, stream: 2n });
      const values = pw.tensor(new Int32Array([1, 2, 3]));
      const lengths = pw.tensor(new Int32Array([1, 2]));
      await pw.flush();
      (gpuDeviceOf(pw) as GPUDevice).destroy();
      await new Promise((r) => setTimeout(r, 50));
      const calls: [string, () => unknown][] = [
        ['tensor', () => pw.tensor([1])],
        ['zeros', () => pw.zeros([2])],
        ['relu', () => pw.relu(x)],
        ['elu', () => pw.elu(x)],
        ['eluBackward', () => pw.eluBackward(dy, { x })],
        ['preluBackward', () => pw.preluBackward(dy, { x })],
        ['clippedReluBackward', () => pw.clippedReluBackward(dy, { x })],
        ['dropoutWithReplacement', () => pw.dropoutWithReplacement(x, { seed: 1n, stream: 1n })],
        [
          'dropoutWithReplacementBackward',
          () => pw.dropoutWithReplacementBackward(dy, { draw: draw.draw, mask: draw.mask }),
        ],
        [
          'sparseDropoutWithReplacement',
          () => pw.sparseDropoutWithReplacement(values, lengths, { ratio: 0.5 }),
        ],
      ];
      for (const [op, call] of calls) {
        const e = await refusal(call);
        expect({ code: e.code, op: e.op }, e.message).toEqual({ code: 'DEVICE_LOST', op });
        expect(e.message.startsWith(`[DEVICE_LOST] ${op}`)).toBe(true);
      }
    } finally {
      pw.destroy();
    }
  });

  it('destroying the instance while sparse dropout is in flight: INSTANCE_DESTROYED naming it', async () => {
    const pw = await pointwise(webgpuBackend());
    const values = pw.tensor(new Int32Array(4096).map((_, i) => i));
    const lengths = pw.tensor(new Int32Array(1024).fill(4));
    const pending = pw.sparseDropoutWithReplacement(values, lengths, { ratio: 0.5 });
    pw.destroy();
    const e = await refusal(() => pending);
    expect({ code: e.code, op: e.op }, e.message).toEqual({
      code: 'INSTANCE_DESTROYED',
      op: 'sparseDropoutWithReplacement',
    });
  });
});

// The host interop path: buffers wrapped with liveness 'caller' (no probe) and work
// recorded into the host's GPUCommandEncoder with recordInto (no submission of ours).
// The same bits as the ordinary path, in the host's order; what recordInto holds until
// the host reports its submission is never reused before; validation is unchanged;
// and a destroyed buffer on the unprobed path fails the submission that uses it.
import { jsBackend } from '@pointwise/backend-js';
import { type Pointwise, PointwiseError, pointwise, type Tensor } from '@pointwise/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpuDeviceOf, recordInto, webgpuBackend, wrapGPUBuffer } from '../src/index.js';

const USAGE = 0x80 | 0x4 | 0x8;

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

/** Edge values (±0, NaN, ±Inf, subnormals, near-zero negatives) and a spread, n of them. */
function inputs(n: number, seed: number): Float32Array {
  const edge = [0, -0, Number.NaN, Infinity, -Infinity, 1e-40, -1e-40, -1e-7, -3e-8, 1e-38, -88, 6];
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = i < edge.length ? edge[i]! : ((s / 2 ** 32) * 2 - 1) * 8;
  }
  return out;
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('recordInto and wrapGPUBuffer(…, { liveness: "caller" })', () => {
  let pw: Pointwise;
  let device: GPUDevice;
  beforeAll(async () => {
    pw = await pointwise(webgpuBackend());
    device = gpuDeviceOf(pw) as GPUDevice;
  });
  afterAll(() => pw?.destroy());

  /** A host buffer holding `data` (the host's own upload). */
  function hostBuffer(data: Float32Array | number): GPUBuffer {
    const n = typeof data === 'number' ? data : data.length;
    const b = device.createBuffer({ size: Math.max(16, n * 4), usage: USAGE });
    if (typeof data !== 'number') device.queue.writeBuffer(b, 0, data);
    return b;
  }
  const wrapCaller = (b: GPUBuffer, shape: number[]) =>
    wrapGPUBuffer(pw, b, 'float32', shape, { liveness: 'caller' });

  it('gives the ordinary path’s bits, op by op, in the host’s encoder and order', async () => {
    const n = 1027; // not a multiple of 4
    const x = inputs(n, 1);
    const dy = inputs(n, 2);
    const slope = new Float32Array([0.25, -0.5, 1e-39]);
    const ordinary: Record<string, (xt: Tensor<'float32'>, out?: Tensor<'float32'>) => Tensor> = {
      relu: (t, out) => pw.relu(t, { out }),
      elu: (t, out) => pw.elu(t, { alpha: 1, out }),
      leakyRelu: (t, out) => pw.leakyRelu(t, { alpha: 0.1, out }),
      clippedRelu: (t, out) => pw.clippedRelu(t, { ceiling: 6, out }),
    };
    for (const [name, run] of Object.entries(ordinary)) {
      const expected = await run(pw.tensor(x)).read();
      // the host's encoder first copies x from a staging buffer of its own: recorded work
      // after it must see the copy (the host's order)
      const staging = hostBuffer(x);
      const xb = hostBuffer(n);
      const yb = hostBuffer(n);
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(staging, 0, xb, 0, n * 4);
      const xt = wrapCaller(xb, [n]);
      const yt = wrapCaller(yb, [n]);
      const rec = recordInto(pw, encoder, () => run(xt, yt));
      device.queue.submit([encoder.finish()]);
      rec.submitted();
      expect(bits(await yt.read()), name).toEqual(bits(expected as Float32Array));
      xt.dispose();
      yt.dispose();
      for (const b of [staging, xb, yb]) b.destroy();
    }
    // prelu with its parameter gradient (a reduction with scratch buffers), and eluBackward
    const x3 = pw.tensor(x.subarray(0, 3 * 300), [3, 300]);
    const dy3 = pw.tensor(dy.subarray(0, 3 * 300), [3, 300]);
    const s = pw.tensor(slope);
    const g = pw.preluBackward(dy3, { x: x3 }, { slope: s, channelAxis: 0 });
    const expDx = await g.dx.read();
    const expDs = await g.dslope!.read();
    const eb = await pw.eluBackward(pw.tensor(dy), { x: pw.tensor(x) }, { alpha: 0.5 }).dx.read();
    const [xb, dyb, sb, dxb, dsb, xb2, dyb2, eb2] = [
      hostBuffer(x.slice(0, 900)),
      hostBuffer(dy.slice(0, 900)),
      hostBuffer(slope),
      hostBuffer(900),
      hostBuffer(3),
      hostBuffer(x),
      hostBuffer(dy),
      hostBuffer(n),
    ];
    const encoder = device.createCommandEncoder();
    const dx = wrapCaller(dxb!, [3, 300]);
    const ds = wrapCaller(dsb!, [3]);
    const ebt = wrapCaller(eb2!, [n]);
    const rec = recordInto(pw, encoder, () => {
      pw.preluBackward(
        wrapCaller(dyb!, [3, 300]),
        { x: wrapCaller(xb!, [3, 300]) },
        { slope: wrapCaller(sb!, [3]), channelAxis: 0, out: { dx, dslope: ds } },
      );
      pw.eluBackward(
        wrapCaller(dyb2!, [n]),
        { x: wrapCaller(xb2!, [n]) },
        { alpha: 0.5, out: { dx: ebt } },
      );
      return 'done';
    });
    expect(rec.result).toBe('done');
    device.queue.submit([encoder.finish()]);
    rec.submitted();
    expect(bits(await dx.read())).toEqual(bits(expDx));
    expect(bits(await ds.read())).toEqual(bits(expDs));
    expect(bits(await ebt.read())).toEqual(bits(eb));
  });

  it('submits nothing of its own: more than 64 dispatches stay in the host’s encoder until it submits', async () => {
    const n = 256;
    const xb = hostBuffer(new Float32Array(n).fill(-3));
    const yb = hostBuffer(new Float32Array(n).fill(7));
    const xt = wrapCaller(xb, [n]);
    const yt = wrapCaller(yb, [n]);
    const encoder = device.createCommandEncoder();
    const rec = recordInto(pw, encoder, () => {
      for (let i = 0; i < 70; i++) pw.leakyRelu(xt, { alpha: 0.5, out: yt });
    });
    // not submitted by the host yet: y still holds the host's 7s
    expect(Array.from(await yt.read()).every((v) => v === 7)).toBe(true);
    device.queue.submit([encoder.finish()]);
    rec.submitted();
    expect(Array.from(await yt.read()).every((v) => v === -1.5)).toBe(true);
    xt.dispose();
    yt.dispose();
  });

  it('holds the recording’s temporaries and uniforms until submitted(), whatever completes meanwhile', async () => {
    const n = 4096;
    const x = inputs(n, 3);
    const yb = hostBuffer(n);
    const yt = wrapCaller(yb, [n]);
    const expected = await pw
      .leakyRelu(pw.leakyRelu(pw.tensor(x), { alpha: 0.1 }), { alpha: 0.2 })
      .read();
    const w = pw.tensor(x); // ours, uploaded before the recording, freed before the host submits
    const encoder = device.createCommandEncoder();
    const rec = recordInto(pw, encoder, () => {
      const t = pw.leakyRelu(w, { alpha: 0.1 }); // a pooled temporary
      pw.leakyRelu(t, { alpha: 0.2, out: yt });
      t.dispose();
    });
    w.dispose();
    const held: Tensor[] = [];
    for (let round = 0; round < 3; round++) {
      await pw.flush();
      for (let i = 0; i < 16; i++) {
        const other = pw.tensor(new Float32Array(n).fill(-1000));
        held.push(other, pw.leakyRelu(other, { alpha: 0.7 }));
      }
    }
    await pw.flush();
    device.queue.submit([encoder.finish()]);
    rec.submitted();
    rec.submitted(); // a second call does nothing
    expect(bits(await yt.read())).toEqual(bits(expected));
    for (const t of [yt, ...held]) t.dispose();
  });

  it('a body that throws: its error propagates, and what it recorded runs when the host submits', async () => {
    const xb = hostBuffer(new Float32Array([-1, 2, -3, 4]));
    const yb = hostBuffer(new Float32Array([9, 9, 9, 9]));
    const xt = wrapCaller(xb, [4]);
    const yt = wrapCaller(yb, [4]);
    const encoder = device.createCommandEncoder();
    const boom = new Error('host failure');
    expect(() =>
      recordInto(pw, encoder, () => {
        pw.relu(xt, { out: yt });
        throw boom;
      }),
    ).toThrow(boom);
    // the instance is not left recording, and an empty recording is the encoder's handle
    expect(Array.from(await pw.relu(pw.tensor([-5, 5])).read())).toEqual([0, 5]);
    const rec = recordInto(pw, encoder, () => undefined);
    device.queue.submit([encoder.finish()]);
    rec.submitted();
    expect(Array.from(await yt.read())).toEqual([0, 2, 0, 4]);
    xt.dispose();
    yt.dispose();
  });

  it('validates as the probed wrap does, and changes nothing when it refuses', async () => {
    const good = device.createBuffer({ size: 16, usage: USAGE });
    const small = device.createBuffer({ size: 4, usage: USAGE });
    const noStorage = device.createBuffer({ size: 16, usage: 0x4 | 0x8 });
    const mapped = device.createBuffer({ size: 16, usage: 0x1 | 0x8, mappedAtCreation: true });
    const before = pw.memory();
    const cases: [string, () => unknown, string, string][] = [
      [
        'dtype',
        () => wrapGPUBuffer(pw, good, 'bool' as never, [4], { liveness: 'caller' }),
        'INVALID_ARGUMENT',
        'dtype',
      ],
      [
        'shape',
        () => wrapGPUBuffer(pw, good, 'float32', [-1], { liveness: 'caller' }),
        'SHAPE_MISMATCH',
        'shape',
      ],
      [
        'shape 2^53',
        () => wrapGPUBuffer(pw, good, 'float32', [2 ** 30, 2 ** 30], { liveness: 'caller' }),
        'SHAPE_MISMATCH',
        'shape',
      ],
      ['small', () => wrapCaller(small, [4]), 'INVALID_ARGUMENT', 'buffer'],
      ['usage', () => wrapCaller(noStorage, [4]), 'INVALID_ARGUMENT', 'buffer'],
      ['mapped', () => wrapCaller(mapped, [4]), 'INVALID_ARGUMENT', 'buffer'],
      [
        'not a buffer',
        () => wrapCaller({ size: 16, usage: USAGE } as never, [4]),
        'INVALID_ARGUMENT',
        'buffer',
      ],
      [
        'liveness',
        () => wrapGPUBuffer(pw, good, 'float32', [4], { liveness: 'nobody' as never }),
        'INVALID_ARGUMENT',
        'options.liveness',
      ],
    ];
    for (const [what, call, code, arg] of cases) {
      const e = await refusal(call);
      expect({ code: e.code, op: e.op, arg: e.arg }, `${what}: ${e.message}`).toEqual({
        code,
        op: 'wrapGPUBuffer',
        arg,
      });
    }
    // a foreign object is named as what it is
    const e = await refusal(() => wrapCaller({ size: 16, usage: USAGE } as never, [4]));
    expect(e.message).toMatch(/must be a GPUBuffer/);
    expect(pw.memory()).toEqual(before);
    mapped.unmap();
    for (const b of [good, small, noStorage, mapped]) b.destroy();
  });

  it('recordInto refuses what it cannot use, and reads, flushes, writes and nesting inside its body', async () => {
    const js = await pointwise(jsBackend());
    const encoder = device.createCommandEncoder();
    try {
      for (const [value, arg] of [
        [{}, 'encoder'],
        [null, 'encoder'],
        [device, 'encoder'],
      ] as const) {
        const e = await refusal(() => recordInto(pw, value as never, () => 0));
        expect({ code: e.code, op: e.op, arg: e.arg }).toEqual({
          code: 'INVALID_ARGUMENT',
          op: 'recordInto',
          arg,
        });
      }
      const e1 = await refusal(() => recordInto(pw, encoder, 5 as never));
      expect({ op: e1.op, arg: e1.arg }).toEqual({ op: 'recordInto', arg: 'body' });
      const e2 = await refusal(() => recordInto(js, encoder, () => 0));
      expect({ op: e2.op, arg: e2.arg }).toEqual({ op: 'recordInto', arg: 'pw' });
      const t = pw.tensor([1, -2]);
      let pending: Promise<unknown>[] = [];
      const rec = recordInto(pw, encoder, () => {
        pending = [t.read(), pw.flush()];
        const nested = (() => {
          try {
            recordInto(pw, device.createCommandEncoder(), () => 0);
          } catch (error) {
            return error;
          }
        })();
        const write = (() => {
          try {
            t.write(new Float32Array([3, 4]));
          } catch (error) {
            return error;
          }
        })();
        return [nested, write];
      });
      const [nested, write] = rec.result as PointwiseError[];
      expect({ code: nested?.code, op: nested?.op }).toEqual({
        code: 'INVALID_ARGUMENT',
        op: 'recordInto',
      });
      expect(write).toBeInstanceOf(PointwiseError);
      for (const p of pending) {
        const e = await refusal(() => p);
        expect(e.code, e.message).toBe('INVALID_ARGUMENT');
        expect(e.message).toMatch(/recordInto/);
      }
      device.queue.submit([encoder.finish()]);
      rec.submitted();
      // nothing changed, and the instance works after the recording
      expect(Array.from(await t.read())).toEqual([1, -2]);
      expect(Array.from(await pw.relu(t).read())).toEqual([1, 0]);
    } finally {
      js.destroy();
    }
  });

  it('a destroyed buffer on the unprobed path: accepted at the wrap, the submission that uses it fails', async () => {
    // our own submission: the next read names the op, and the instance keeps working
    const dead = device.createBuffer({ size: 16, usage: USAGE });
    dead.destroy();
    const x = wrapCaller(dead, [4]); // no probe: nothing can tell yet
    const y = pw.relu(x); // not refused either: the device reports at submission
    const e = await refusal(() => y.read());
    expect({ code: e.code, op: e.op }, e.message).toEqual({ code: 'INVALID_ARGUMENT', op: 'relu' });
    y.dispose();
    x.dispose();
    expect(Array.from(await pw.relu(pw.tensor([-1, 2])).read())).toEqual([0, 2]);
    // recorded into the host's encoder: the host's submission fails as a whole (its own
    // scope sees the error) and none of it runs: y keeps the host's values
    const dead2 = device.createBuffer({ size: 16, usage: USAGE });
    dead2.destroy();
    const yb = hostBuffer(new Float32Array([9, 9, 9, 9]));
    const x2 = wrapCaller(dead2, [4]);
    const y2 = wrapCaller(yb, [4]);
    const encoder = device.createCommandEncoder();
    const rec = recordInto(pw, encoder, () => pw.relu(x2, { out: y2 }));
    device.pushErrorScope('validation');
    device.queue.submit([encoder.finish()]);
    const error = await device.popErrorScope();
    rec.submitted();
    expect(error?.message ?? '').toMatch(/destroyed/i);
    expect(Array.from(await y2.read())).toEqual([9, 9, 9, 9]);
    x2.dispose();
    y2.dispose();
  });
});

// The ONNX builder: models built in memory must load in onnxruntime-node and
// compute the same values as Pointwise's float64 references (rounded to f32).

import { activations } from '@pointwise/core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildSingleNodeModel } from '../src/onnx/model.js';
import { varint } from '../src/onnx/protobuf.js';

const xs = Float32Array.from([
  -3, -1.5, -0.25, -0, 0, 0.25, 0.75, 1, 2, 6.5, 7, -7, 0.5, 0.6, -0.6, 100,
]);

/** SPEC and ONNX may differ on the sign of zero (relu(-0)); compare values, not zero signs. */
const plain = (values: ArrayLike<number>): number[] => Array.from(values, (v) => (v === 0 ? 0 : v));

async function run(model: Uint8Array, x: Float32Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model);
  const out = await session.run({ X: new ort.Tensor('float32', x, [x.length / 16, 16]) });
  return out.Y.data as Float32Array;
}

function reference(name: string, params: object): (v: number, i: number) => number {
  const spec = activations.find((a) => a.name === name);
  if (!spec) throw new Error(`no activation ${name}`);
  const r = (spec.spec.resolve as (op: string, p: object, s: number[]) => never)(
    name,
    params,
    [1, 16],
  );
  return (v: number, i: number) => Math.fround(spec.spec.reference.forward(v, r, i));
}

describe('ONNX single-node models', () => {
  it('encodes varints like protobuf', () => {
    expect(varint(1)).toEqual([1]);
    expect(varint(300)).toEqual([0xac, 0x02]);
  });

  it('Relu matches the relu reference', async () => {
    const y = await run(buildSingleNodeModel({ op: 'Relu' }, 16), xs);
    const ref = reference('relu', {});
    expect(plain(y)).toEqual(plain(Array.from(xs, ref)));
  });

  it('LeakyRelu and Elu match their references', async () => {
    const leaky = await run(buildSingleNodeModel({ op: 'LeakyRelu', alpha: 0.01 }, 16), xs);
    expect(plain(leaky)).toEqual(plain(Array.from(xs, reference('leakyRelu', { alpha: 0.01 }))));
    const elu = await run(buildSingleNodeModel({ op: 'Elu', alpha: 1 }, 16), xs);
    const ref = reference('elu', { alpha: 1 });
    for (const [i, v] of xs.entries()) expect(elu[i]).toBeCloseTo(ref(v, i), 5);
  });

  it('PRelu (per-channel slope) and ThresholdedRelu match their references', async () => {
    const slope = Float32Array.from({ length: 16 }, (_, c) => 0.05 + c * 0.01);
    const prelu = await run(buildSingleNodeModel({ op: 'PRelu', slope }, 16), xs);
    expect(plain(prelu)).toEqual(
      plain(Array.from(xs, reference('prelu', { slope, channelAxis: 1 }))),
    );
    const thr = await run(buildSingleNodeModel({ op: 'ThresholdedRelu', alpha: 0.5 }, 16), xs);
    expect(plain(thr)).toEqual(plain(Array.from(xs, reference('thresholdedRelu', { alpha: 0.5 }))));
  });

  it('Clip and Dropout build valid graphs', async () => {
    const clip = await run(buildSingleNodeModel({ op: 'Clip', min: 0, max: 6 }, 16), xs);
    expect(plain(clip)).toEqual(plain(Array.from(xs, reference('clippedRelu', { ceiling: 6 }))));
    const session = await ort.InferenceSession.create(
      buildSingleNodeModel({ op: 'Dropout', ratio: 0.5, mask: true }, 16),
    );
    const out = await session.run({ X: new ort.Tensor('float32', xs, [1, 16]) });
    expect(out.Y.dims).toEqual([1, 16]);
    expect(out.mask.type).toBe('bool');
  });
});

// Result types that match what the calls return, checked by `tsc --strict` (this file
// is part of the package's typecheck): parameter gradients are present when backward
// is given x, the mask is a Tensor with returnMask true (and null with false),
// backward accepts forward's mask and draw, sparse dropout keeps its ids' dtype, and
// internals are off the instance's type. The vitest body only keeps the file a test.

import { describe, expect, it } from 'vitest';
import type { Pointwise } from '../src/pointwise.js';
import type { Tensor } from '../src/tensor.js';

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_: T): void {}

// Typed but never run: only the compiler looks at these bodies.
function typeChecks(pw: Pointwise, x: Tensor<'float32'>, dy: Tensor<'float32'>) {
  const dslope: Tensor<'float32'> = pw.preluBackward(dy, { x }, { slope: [0.1] }).dslope;
  const dceiling: Tensor<'float32'> = pw.clippedReluBackward(dy, { x }).dceiling;
  // @ts-expect-error: backward from y gives no dceiling
  const fromY: Tensor<'float32'> = pw.clippedReluBackward(dy, { y: x }).dceiling;

  // preallocated backward outputs: the same exact result types
  const into = pw.preluBackward(dy, { x }, { slope: [0.1], out: { dx: dy, dslope } });
  assertType<Equal<typeof into.dslope, Tensor<'float32'>>>(true);
  const clipInto = pw.clippedReluBackward(dy, { x }, { out: { dx: dy, dceiling } });
  assertType<Equal<typeof clipInto.dceiling, Tensor<'float32'>>>(true);
  // @ts-expect-error: backward from y computes no dceiling, so out cannot take one
  pw.clippedReluBackward(dy, { y: x }, { out: { dx: dy, dceiling } });
  // @ts-expect-error: out needs dx
  pw.reluBackward(dy, { x }, { out: {} });

  // bound ops (pw.activation): the same result types as the explicit calls
  const clip = pw.activation('clippedRelu', { ceiling: 2 });
  const boundGrads = clip.backward(dy, { x });
  assertType<Equal<typeof boundGrads.dceiling, Tensor<'float32'>>>(true);
  // @ts-expect-error: from y the bound clippedRelu gives no dceiling
  const boundFromY: Tensor<'float32'> = clip.backward(dy, { y: x }).dceiling;
  const boundDx = pw
    .activation('prelu', { slope: [0.1] })
    .backward(dy, { x }, { paramGrad: false });
  assertType<Equal<keyof typeof boundDx, 'dx'>>(true);
  const shifted = pw.activation('shiftedRelu', { threshold: 0.5 }).backward(dy, { y: x });
  assertType<Equal<typeof shifted.dthreshold, Tensor<'float32'>>>(true);
  // @ts-expect-error: params are bound; a call takes only out and paramGrad
  pw.activation('elu', { alpha: 0.5 }).forward(x, { alpha: 1 });
  // @ts-expect-error: elu has no ceiling
  pw.activation('elu', { ceiling: 2 });
  const sgd: Tensor<'float32'> = pw.sgdStep(x, dy, 0.1);
  const view: Tensor<'float32'> = x.reshape([-1]).clone().write([1]);
  const ones: Tensor<'int32'> = pw.ones([2], 'int32');

  // paramGrad: false computes dx only, and the type says so
  const dxOnly = pw.preluBackward(dy, { x }, { slope: [0.1], paramGrad: false });
  assertType<Equal<keyof typeof dxOnly, 'dx'>>(true);
  // @ts-expect-error: with paramGrad false there is no dceiling to write into
  pw.clippedReluBackward(dy, { x }, { paramGrad: false, out: { dx: dy, dceiling } });
  const shiftedFromY = pw.shiftedReluBackward(dy, { y: x }, { paramGrad: false });
  assertType<Equal<keyof typeof shiftedFromY, 'dx'>>(true);
  const reluDx = pw.reluBackward(dy, { x }, { paramGrad: false });
  assertType<Equal<keyof typeof reluDx, 'dx'>>(true);
  const maybe = pw.preluBackward(dy, { x }, { slope: [0.1], paramGrad: Math.random() > 0.5 });
  assertType<Equal<typeof maybe.dslope, Tensor<'float32'> | undefined>>(true);

  const forward = pw.dropoutWithReplacement(x, { ratio: 0.5 });
  const mask: Tensor<'uint8'> = forward.mask;
  const back = pw.dropoutWithReplacementBackward(dy, { mask: forward.mask, draw: forward.draw });
  const noMask = pw.dropoutWithReplacement(x, { returnMask: false });
  assertType<Equal<typeof noMask.mask, null>>(true);
  pw.dropoutWithReplacementBackward(dy, { draw: noMask.draw });
  const dropInto = pw.dropoutWithReplacementBackward(dy, {
    draw: noMask.draw,
    out: { dx: dy, dreplacement: dceiling },
  });
  assertType<Equal<typeof dropInto.dreplacement, Tensor<'float32'>>>(true);
  const dropDx = pw.dropoutWithReplacementBackward(dy, { draw: noMask.draw, paramGrad: false });
  assertType<Equal<keyof typeof dropDx, 'dx'>>(true);
  // @ts-expect-error: with paramGrad false there is no dreplacement to write into
  pw.dropoutWithReplacementBackward(dy, {
    draw: noMask.draw,
    paramGrad: false,
    out: { dx: dy, dreplacement: dceiling },
  });

  const ids = pw.tensor(new BigInt64Array([1n, 2n]));
  const lengths = pw.tensor(new Int32Array([2]));
  const sparse = pw.sparseDropoutWithReplacement(ids, lengths, { ratio: 0.5 });
  assertType<Equal<Awaited<typeof sparse>['values'], Tensor<'int64'>>>(true);

  const nested: Tensor<'float32'> = pw.tensor([
    [1, 2],
    [3, 4],
  ]);
  const ints: Tensor<'int32'> = pw.tensor([1, 2], { dtype: 'int32' });
  // @ts-expect-error: internals are not on the instance
  pw.bufferOf('relu', 'x', x);
  // @ts-expect-error: internals are not on the instance
  pw.empty('float32', [1]);
  return [dslope, dceiling, fromY, mask, back, nested, ints, boundFromY, sgd, view, ones];
}

describe('types', () => {
  it('are checked by tsc (this file is in the typecheck)', () => {
    expect(typeof typeChecks).toBe('function');
  });
});

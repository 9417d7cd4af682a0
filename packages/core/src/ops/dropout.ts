// Dense dropout with replacement (SPEC section 2): dropped elements become
// f32(replacement), kept ones pass (optionally scaled by f32(1/(1-ratio))). The
// draw is Philox4x32-10 keyed by (seed, stream), so the mask is identical on every
// backend; backward takes the mask or regenerates it. dreplacement = sum of dy
// over dropped elements.

import type { DeviceBuffer } from '../backend.js';
import { PointwiseError } from '../errors.js';
import { f32 } from '../float32.js';
import type { DropoutParams as DropoutKernelParams } from '../kernels.js';
import { defineOp, type OpContext } from '../op.js';
import {
  booleanParam,
  checkKnownKeys,
  checkParamsObject,
  floatParam,
  ratioParam,
  u64Param,
} from '../params.js';
import { dropoutKeepMask, makeDropoutDraw } from '../philox.js';
import type { Tensor } from '../tensor.js';

export interface DropoutWithReplacementParams {
  /** Drop probability in [0, 1]; default 0.5. */
  ratio?: number;
  /** Value written to dropped elements (rounded to float32); default 0. */
  replacement?: number;
  /** Scale kept elements by 1/(1-ratio) (inverted dropout); default false. */
  scale?: boolean;
  /** false: y = x and the mask is all ones; default true. */
  training?: boolean;
  /** Philox key, unsigned 64-bit; default 0. */
  seed?: number | bigint;
  /** Philox stream, unsigned 64-bit; advance it each step; default 0. */
  stream?: number | bigint;
}

export interface DropoutForwardOptions {
  /** Also return the keep mask (uint8, 1 = kept); default true. Backward can regenerate it instead. */
  returnMask?: boolean;
}

export interface DropoutBackwardOptions {
  /** The forward's mask. Without it the mask is regenerated from seed, stream and ratio. */
  mask?: Tensor<'uint8'>;
}

/** The dropout params both directions accept. */
export const DROPOUT_PARAM_KEYS = ['ratio', 'replacement', 'scale', 'training', 'seed', 'stream'];
const FORWARD_KEYS = [...DROPOUT_PARAM_KEYS, 'returnMask'];
const BACKWARD_KEYS = [...DROPOUT_PARAM_KEYS, 'mask'];

/** Validated dropout params as the reference and the kernels use them. */
export interface DropoutResolved extends DropoutKernelParams {
  ratio: number;
  training: boolean;
}

/**
 * Validates dropout params. `known` lists every key the call accepts. Runs on every
 * call, so it builds one flat object (no spreads: V8's generic spread path cost
 * ~3 us per call here).
 */
export function resolveDropout(
  op: string,
  params: DropoutWithReplacementParams | undefined,
  known: readonly string[],
): DropoutResolved {
  checkKnownKeys(op, params, known);
  const ratio = ratioParam(op, params?.ratio, 0.5);
  const replacement = floatParam(op, 'replacement', params?.replacement, 0);
  const scale = booleanParam(op, 'scale', params?.scale, false);
  const training = booleanParam(op, 'training', params?.training, true);
  const seed = u64Param(op, 'seed', params?.seed);
  const stream = u64Param(op, 'stream', params?.stream);
  // training = false is dropout with nothing dropped and nothing scaled.
  const draw = makeDropoutDraw(training ? ratio : 0, seed, stream);
  return {
    threshold: draw.threshold,
    seedLo: draw.seedLo,
    seedHi: draw.seedHi,
    streamLo: draw.streamLo,
    streamHi: draw.streamHi,
    ratio,
    training,
    replacement,
    scale: training && scale ? f32(1 / (1 - ratio)) : null,
  };
}

function dropoutWithReplacement(
  this: OpContext,
  x: Tensor<'float32'>,
  params?: DropoutWithReplacementParams & DropoutForwardOptions,
): { y: Tensor<'float32'>; mask: Tensor<'uint8'> | null } {
  const op = 'dropoutWithReplacement';
  const xBuffer = this.bufferOf(op, 'x', x, ['float32']);
  const r = resolveDropout(op, params, FORWARD_KEYS);
  const returnMask = booleanParam(op, 'returnMask', params?.returnMask, true);
  const kernel = this.kernel('dropout');
  return this.call(op, (scope) => {
    const y = scope.empty('float32', x.shape, 'y');
    const mask = returnMask ? scope.empty('uint8', x.shape, 'mask') : null;
    kernel.forward({
      x: xBuffer,
      y: y.bufferFor(op, 'y'),
      mask: mask ? mask.bufferFor(op, 'mask') : null,
      size: x.size,
      params: r,
    });
    return { y, mask };
  });
}

function dropoutWithReplacementBackward(
  this: OpContext,
  dy: Tensor<'float32'>,
  params?: DropoutWithReplacementParams & DropoutBackwardOptions,
): { dx: Tensor<'float32'>; dreplacement: Tensor<'float32'> } {
  const op = 'dropoutWithReplacementBackward';
  const dyBuffer = this.bufferOf(op, 'dy', dy, ['float32']);
  checkParamsObject(op, params);
  let maskBuffer: DeviceBuffer | null = null;
  if (params?.mask !== undefined) {
    maskBuffer = this.bufferOf(op, 'mask', params.mask, ['uint8']);
    if (
      params.mask.size !== dy.size ||
      params.mask.shape.length !== dy.shape.length ||
      params.mask.shape.some((d, i) => d !== dy.shape[i])
    ) {
      throw new PointwiseError(
        'SHAPE_MISMATCH',
        { op, arg: 'mask', value: params.mask },
        `shape must be [${dy.shape.join(', ')}]`,
      );
    }
  }
  const r = resolveDropout(op, params, BACKWARD_KEYS);
  const kernel = this.kernel('dropout');
  return this.call(op, (scope) => {
    const dx = scope.empty('float32', dy.shape, 'dx');
    const dreplacement = scope.empty('float32', [1], 'dreplacement');
    kernel.backward({
      dy: dyBuffer,
      mask: maskBuffer,
      dx: dx.bufferFor(op, 'dx'),
      dreplacement: dreplacement.bufferFor(op, 'dreplacement'),
      size: dy.size,
      params: r,
    });
    return { dx, dreplacement };
  });
}

export const dropout = defineOp({
  name: 'dropout',
  summary:
    'Dropout with replacement: dropped elements become a (learnable) replacement value; Philox4x32-10 masks.',
  accuracy: { kind: 'exact' },
  crossReference: {
    onnx: 'Dropout (replacement 0, scale)',
    pytorch: 'dropout (replacement 0, scale)',
    tfjs: 'dropout',
  },
  conventions: [
    'mask from Philox4x32-10 (PyTorch engine), identical on every backend for (seed, stream)',
    'dropped iff (word >>> 8) < round(ratio * 2^24)',
    'backward from the mask or regenerated from (seed, stream, ratio)',
  ],
  methods: { dropoutWithReplacement, dropoutWithReplacementBackward },
});

/** Float64 reference for the forward pass: y (float32-rounded) and the keep mask. */
export function dropoutReference(
  x: Float32Array,
  r: DropoutResolved,
  start = 0,
): { y: Float32Array; mask: Uint8Array } {
  const mask = new Uint8Array(x.length);
  dropoutKeepMask(r, mask, start);
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    y[i] = mask[i] ? (r.scale === null ? x[i]! : x[i]! * r.scale) : r.replacement;
  }
  return { y, mask };
}

/** Float64 reference for backward: dx (float32-rounded) and the exact float64 dreplacement. */
export function dropoutBackwardReference(
  dy: Float32Array,
  mask: Uint8Array,
  r: DropoutResolved,
): { dx: Float32Array; dreplacement: number; sumAbs: number } {
  const dx = new Float32Array(dy.length);
  let dreplacement = 0;
  let sumAbs = 0;
  for (let i = 0; i < dy.length; i++) {
    if (mask[i]) dx[i] = r.scale === null ? dy[i]! : dy[i]! * r.scale;
    else {
      dx[i] = 0;
      dreplacement += dy[i]!;
      sumAbs += Math.abs(dy[i]!);
    }
  }
  return { dx, dreplacement, sumAbs };
}

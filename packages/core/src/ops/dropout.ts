// Dense dropout with replacement (SPEC section 2): dropped elements become
// f32(replacement), kept ones pass (optionally scaled by f32(1/(1-ratio))). The
// draw is Philox4x32-10 keyed by (seed, stream), so the mask is identical on every
// backend; backward takes the mask or regenerates it. dreplacement = sum of dy
// over dropped elements.

import type { DxOnlyOptions } from '../activation.js';
import type { DeviceBuffer } from '../backend.js';
import { PointwiseError } from '../errors.js';
import { f32 } from '../float32.js';
import type { DropoutParams as DropoutKernelParams } from '../kernels.js';
import { defineOp, type OpContext } from '../op.js';
import { checkBackwardOut } from '../outputs.js';
import {
  booleanParam,
  checkKnownKeys,
  checkParamGradOption,
  checkParamsObject,
  deviceScalarParam,
  floatParam,
  ratioParam,
  u64Param,
} from '../params.js';
import { dropoutKeepMask, makeDropoutDraw } from '../philox.js';
import { storageOf, type Tensor } from '../tensor.js';

export interface DropoutWithReplacementParams {
  /** Drop probability in [0, 1]; default 0.5. */
  ratio?: number;
  /**
   * Value written to dropped elements (rounded to float32); default 0. Learnable
   * (backward returns dreplacement): a float32 tensor of shape [] or [1] on the same
   * backend keeps it on the device; its value is not checked (NaN or ±Inf is written
   * to the dropped elements as it is).
   */
  replacement?: number | Tensor<'float32'>;
  /** Scale kept elements by 1/(1-ratio) (inverted dropout, as PyTorch, tfjs and ONNX); default true. */
  scale?: boolean;
  /** false: y = x and the mask is all ones; default true. */
  training?: boolean;
  /**
   * Philox key, unsigned 64-bit. When neither seed nor stream is given, the instance's
   * generator supplies a fresh pair for each call; when one is given the other is 0.
   */
  seed?: number | bigint;
  /** Philox stream, unsigned 64-bit (see seed). */
  stream?: number | bigint;
}

export interface DropoutForwardOptions<M extends boolean = boolean> {
  /** Also return the keep mask (uint8, 1 = kept); default true. Backward can regenerate it from `draw` instead. */
  returnMask?: M;
}

/** What a forward call drew: enough for backward to regenerate the mask exactly. */
export interface DropoutDrawRecord {
  readonly seed: bigint;
  readonly stream: bigint;
  readonly ratio: number;
  readonly scale: boolean;
  readonly training: boolean;
}

/** Backward takes the forward's `draw` (and optionally its `mask`), or explicit params. */
export interface DropoutBackwardOptions {
  /** The forward's mask; without it the mask is regenerated from the draw. */
  mask?: Tensor<'uint8'>;
  /** The forward's draw record: seed, stream, ratio, scale and training come from it. */
  draw?: DropoutDrawRecord;
  /**
   * Preallocated outputs, written and returned (nothing allocated): `dx` of dy's shape
   * (may be `dy` itself) and optionally `dreplacement` ([1]). Neither may be the mask
   * or the other.
   */
  out?: { dx: Tensor<'float32'>; dreplacement?: Tensor<'float32'> };
  /**
   * false: dx only, without the dreplacement sum (a replacement that is not learned,
   * e.g. ordinary dropout with replacement 0). The result is then `{ dx }` and `out`
   * may hold dx only. Default true.
   */
  paramGrad?: boolean;
}

export interface DropoutForwardResult<M extends boolean> {
  y: Tensor<'float32'>;
  /** The keep mask (uint8, 1 = kept), or null with `returnMask: false`. */
  mask: M extends false ? null : Tensor<'uint8'>;
  /** The draw this call used; pass it to backward. */
  draw: DropoutDrawRecord;
}

/** The dropout params both directions accept. */
export const DROPOUT_PARAM_KEYS = ['ratio', 'replacement', 'scale', 'training', 'seed', 'stream'];
const FORWARD_KEYS = [...DROPOUT_PARAM_KEYS, 'returnMask'];
const BACKWARD_KEYS = [...DROPOUT_PARAM_KEYS, 'mask', 'draw', 'out', 'paramGrad'];
const FROM_DRAW = ['ratio', 'scale', 'training', 'seed', 'stream'] as const;

/** Validated dropout params as the reference and the kernels use them. */
export interface DropoutResolved extends DropoutKernelParams {
  ratio: number;
  training: boolean;
  /** The draw as a record (seed and stream as bigints). */
  record: DropoutDrawRecord;
  /** A device replacement given by the user (its buffer is taken when used). */
  replacementTensor: Tensor<'float32'> | null;
}

/**
 * Validates dropout params. `known` lists every key the call accepts. When neither
 * seed nor stream is given, `fresh` supplies them (the instance's generator), else
 * both default to 0. Runs on every call, so it builds one flat object (no spreads:
 * V8's generic spread path cost ~3 us per call here).
 */
export function resolveDropout(
  op: string,
  params: DropoutWithReplacementParams | undefined,
  known: readonly string[],
  fresh?: () => { seed: bigint; stream: bigint },
): DropoutResolved {
  checkKnownKeys(op, params, known);
  const ratio = ratioParam(op, params?.ratio, 0.5);
  const replacementTensor = deviceScalarParam(op, 'replacement', params?.replacement);
  const replacement = replacementTensor ? 0 : floatParam(op, 'replacement', params?.replacement, 0);
  const scale = booleanParam(op, 'scale', params?.scale, true);
  const training = booleanParam(op, 'training', params?.training, true);
  let seed = u64Param(op, 'seed', params?.seed);
  let stream = u64Param(op, 'stream', params?.stream);
  if (fresh && params?.seed === undefined && params?.stream === undefined) {
    const pair = fresh();
    seed = pair.seed;
    stream = pair.stream;
  }
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
    replacementBuffer: null,
    replacementTensor,
    scale: training && scale ? f32(1 / (1 - ratio)) : null,
    record: Object.freeze({ seed: BigInt(seed), stream: BigInt(stream), ratio, scale, training }),
  };
}

/** Backward's params with the draw record's fields filled in (and conflicts refused). */
function backwardParams(
  op: string,
  params: (DropoutWithReplacementParams & DropoutBackwardOptions) | undefined,
): DropoutWithReplacementParams {
  const draw = params?.draw;
  if (draw === undefined) {
    if (params?.mask === undefined && params?.seed === undefined && params?.stream === undefined) {
      throw new PointwiseError(
        'INVALID_ARGUMENT',
        { op, arg: 'draw', value: undefined },
        "backward needs the forward's mask or draw (or the seed and stream it used); without them it would regenerate a different mask",
      );
    }
    return {
      ratio: params?.ratio,
      replacement: params?.replacement,
      scale: params?.scale,
      training: params?.training,
      seed: params?.seed,
      stream: params?.stream,
    };
  }
  if (
    draw === null ||
    typeof draw !== 'object' ||
    typeof draw.seed !== 'bigint' ||
    typeof draw.stream !== 'bigint'
  ) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'draw', value: draw },
      'must be the `draw` a dropout forward returned',
    );
  }
  for (const key of FROM_DRAW) {
    if (params?.[key] !== undefined) {
      throw new PointwiseError(
        'INVALID_ARGUMENT',
        { op, arg: key, value: params[key] },
        'comes from `draw`; pass one or the other',
      );
    }
  }
  return {
    ratio: draw.ratio,
    scale: draw.scale,
    training: draw.training,
    seed: draw.seed,
    stream: draw.stream,
    replacement: params?.replacement,
  };
}

function dropoutWithReplacement<M extends boolean = true>(
  this: OpContext,
  x: Tensor<'float32'>,
  params?: DropoutWithReplacementParams & DropoutForwardOptions<M>,
): DropoutForwardResult<M> {
  const op = 'dropoutWithReplacement';
  const xBuffer = this.bufferOf(op, 'x', x, ['float32']);
  const r = resolveDropout(op, params, FORWARD_KEYS, this.freshDraw);
  const returnMask = booleanParam(op, 'returnMask', params?.returnMask, true);
  if (r.replacementTensor)
    r.replacementBuffer = this.bufferOf(op, 'replacement', r.replacementTensor, ['float32']);
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
    return { y, mask, draw: r.record } as DropoutForwardResult<M>;
  });
}

function dropoutWithReplacementBackward(
  this: OpContext,
  dy: Tensor<'float32'>,
  params: DropoutWithReplacementParams & DropoutBackwardOptions,
): { dx: Tensor<'float32'>; dreplacement?: Tensor<'float32'> } {
  const op = 'dropoutWithReplacementBackward';
  const dyBuffer = this.bufferOf(op, 'dy', dy, ['float32']);
  checkParamsObject(op, params);
  checkKnownKeys(op, params, BACKWARD_KEYS);
  checkParamGradOption(op, params?.paramGrad);
  const wantSum = params?.paramGrad !== false;
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
  const r = resolveDropout(op, backwardParams(op, params), DROPOUT_PARAM_KEYS);
  // backward does not use the value, but a device replacement is checked all the same
  if (r.replacementTensor) this.bufferOf(op, 'replacement', r.replacementTensor, ['float32']);
  const given = checkBackwardOut(
    this,
    op,
    params?.out,
    [
      { name: 'dx', shape: dy.shape, computed: true },
      {
        name: 'dreplacement',
        shape: [1],
        computed: wantSum,
        ...(wantSum ? {} : { notComputed: 'paramGrad is false' }),
      },
    ],
    dy,
    [
      ...(params?.mask === undefined ? [] : [{ arg: 'mask', tensor: params.mask }]),
      ...(r.replacementTensor ? [{ arg: 'replacement', tensor: r.replacementTensor }] : []),
    ],
  );
  const kernel = this.kernel('dropout');
  return this.call(op, (scope) => {
    const dx = given.dx?.tensor ?? scope.empty('float32', dy.shape, 'dx');
    const dreplacement = wantSum
      ? (given.dreplacement?.tensor ?? scope.empty('float32', [1], 'dreplacement'))
      : null;
    kernel.backward({
      dy: dyBuffer,
      mask: maskBuffer,
      dx: dx.bufferFor(op, 'dx'),
      dreplacement: dreplacement?.bufferFor(op, 'dreplacement') ?? null,
      size: dy.size,
      params: r,
    });
    dx[storageOf].written(null);
    dreplacement?.[storageOf].written(null);
    return dreplacement ? { dx, dreplacement } : { dx };
  });
}

/** The dropout methods of a Pointwise instance. */
export interface DropoutApi {
  /**
   * Dropout with replacement (Philox4x32-10, SPEC's draw): a dropped element becomes
   * f32(replacement), a kept one x·f32(1/(1-ratio)) (`scale`, default true) or x.
   * Defaults: ratio 0.5, replacement 0, scale true, training true; with no seed and no
   * stream the instance's generator gives each call a fresh pair. Returns `y`, the
   * `mask` (uint8, 1 = kept; null with `returnMask: false`) and the `draw` for backward.
   */
  dropoutWithReplacement<M extends boolean = true>(
    x: Tensor<'float32'>,
    params?: DropoutWithReplacementParams & DropoutForwardOptions<M>,
  ): DropoutForwardResult<M>;
  /**
   * dx = kept ? dy·scale : +0 and dreplacement = sum of dy over dropped elements. Pass
   * the forward's `draw` (the mask is regenerated) and/or its `mask`; a call with
   * neither (and no explicit seed or stream) is refused. `paramGrad: false` computes dx only.
   */
  dropoutWithReplacementBackward(
    dy: Tensor<'float32'>,
    params: DropoutWithReplacementParams &
      Omit<DropoutBackwardOptions, 'paramGrad'> & { paramGrad?: true },
  ): { dx: Tensor<'float32'>; dreplacement: Tensor<'float32'> };
  dropoutWithReplacementBackward(
    dy: Tensor<'float32'>,
    params: DropoutWithReplacementParams &
      Omit<DropoutBackwardOptions, 'out' | 'paramGrad'> &
      DxOnlyOptions<false>,
  ): { dx: Tensor<'float32'> };
  dropoutWithReplacementBackward(
    dy: Tensor<'float32'>,
    params: DropoutWithReplacementParams &
      Omit<DropoutBackwardOptions, 'out' | 'paramGrad'> &
      DxOnlyOptions<boolean>,
  ): { dx: Tensor<'float32'>; dreplacement?: Tensor<'float32'> };
}

export const dropout = defineOp<
  {
    dropoutWithReplacement: typeof dropoutWithReplacement;
    dropoutWithReplacementBackward: typeof dropoutWithReplacementBackward;
  },
  DropoutApi
>({
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

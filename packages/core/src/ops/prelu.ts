// prelu: y = x < 0 ? s[c]*x : x with a learnable slope per channel (channelAxis 1,
// PyTorch NCHW; negative axes count from the end). Exact. Backward needs x, and
// returns dslope[c] = sum over channel c of (x > 0 ? 0 : x*dy); the term is
// written so NaN and 0*Inf reach the sum as SPEC requires.

import { type ActivationApi, type DocumentedActivation, defineActivation } from '../activation.js';
import { PointwiseError } from '../errors.js';
import { f32 } from '../float32.js';
import type { PreluParams as PreluKernelParams } from '../kernels.js';
import { checkKnownKeys } from '../params.js';
import { Tensor } from '../tensor.js';

export interface PreluParams {
  /**
   * One slope shared by all elements, or one per channel. Default 0.25 (PyTorch's PReLU
   * init). A 1-D float32 tensor on the same backend keeps a learned slope on the device
   * (no read-back per training step); its values are not checked for finiteness (a NaN
   * slope gives NaN where x < 0 and in dx where x <= 0, as the formulas say).
   */
  slope?: Float32Array | readonly number[] | number | Tensor<'float32'>;
  /** Which axis of x is the channel axis; default 1 (NCHW). Negative counts from the end. */
  channelAxis?: number;
}

export interface PreluResolved {
  /** Host slopes (float32-rounded), or empty when `slopeTensor` holds them on the device. */
  slope: Float32Array;
  /** A device slope given by the user (validated for dtype and shape when used). */
  slopeTensor: Tensor<'float32'> | null;
  channels: number;
  inner: number;
}

function resolveSlope(op: string, slope: PreluParams['slope']): Float32Array | Tensor<'float32'> {
  const given = slope === undefined ? 0.25 : slope;
  if (given instanceof Tensor) {
    if (given.shape.length !== 1 || given.size === 0) {
      throw new PointwiseError(
        'SHAPE_MISMATCH',
        { op, arg: 'slope', value: given },
        'a slope tensor must be 1-D with 1 or C values',
      );
    }
    return given as Tensor<'float32'>;
  }
  const values = typeof given === 'number' ? [given] : given;
  if (!(values instanceof Float32Array) && !Array.isArray(values)) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'slope', value: given },
      'must be a number, number[] or Float32Array',
    );
  }
  if (values.length === 0) {
    throw new PointwiseError(
      'SHAPE_MISMATCH',
      { op, arg: 'slope', value: given },
      'needs 1 or C values',
    );
  }
  const rounded = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(f32(v))) {
      throw new PointwiseError(
        'PARAM_OUT_OF_RANGE',
        { op, arg: `slope[${i}]`, value: v },
        'must be finite after rounding to float32',
      );
    }
    rounded[i] = v;
  }
  return rounded;
}

/** The prelu methods of a Pointwise instance (documented for editor hovers). */
export interface PreluApi {
  /** prelu: `y = x < 0 ? s[c]·x : x` with one slope or one per channel (channelAxis 1, NCHW; NHWC needs -1). Default slope 0.25. Exact. */
  prelu: ActivationApi<'prelu', PreluParams, 'dslope', never>['prelu'];
  /** prelu backward (needs `{x}`): `dx = x > 0 ? dy : s[c]·dy` and `dslope[c] = Σ (x > 0 ? 0 : x·dy)` over channel c (within the float32 summation bound, deterministic). */
  preluBackward: ActivationApi<'prelu', PreluParams, 'dslope', never>['preluBackward'];
}

const preluDefinition = defineActivation<
  'prelu',
  PreluParams,
  PreluResolved,
  PreluKernelParams,
  'dslope'
>({
  name: 'prelu',
  summary: 'Parametric ReLU with a learnable slope per channel.',
  accuracy: { kind: 'exact' },
  crossReference: { onnx: 'PRelu', caffe2: 'PRelu', pytorch: 'prelu', tfjs: 'prelu' },
  conventions: [
    "prelu'(0) = slope",
    'channelAxis 1 (NCHW) by default; a single slope is shared',
    'backward needs x; returns dslope (summed, within the float32 summation bound)',
  ],
  paramKeys: ['slope', 'channelAxis'],
  resolve(op, params, shape) {
    checkKnownKeys(op, params, ['slope', 'channelAxis']);
    const resolvedSlope = resolveSlope(op, params?.slope);
    const slopeTensor = resolvedSlope instanceof Tensor ? resolvedSlope : null;
    const slope = slopeTensor ? new Float32Array(0) : (resolvedSlope as Float32Array);
    const slopeCount = slopeTensor ? slopeTensor.size : slope.length;
    const axisGiven = params?.channelAxis;
    const rank = shape.length;
    if (axisGiven !== undefined) {
      // validated whether or not the slope is shared: a wrong axis is a bug either way
      if (typeof axisGiven !== 'number') {
        throw new PointwiseError(
          'INVALID_ARGUMENT',
          { op, arg: 'channelAxis', value: axisGiven },
          'must be an integer (omit it for the default, 1)',
        );
      }
      if (!Number.isInteger(axisGiven) || axisGiven < -rank || axisGiven >= rank) {
        throw new PointwiseError(
          'PARAM_OUT_OF_RANGE',
          { op, arg: 'channelAxis', value: axisGiven },
          `must be an integer indexing a shape of rank ${rank} (-${rank} to ${rank - 1})`,
        );
      }
    }
    if (slopeCount === 1) return { slope, slopeTensor, channels: 1, inner: 1 };
    if (axisGiven === undefined && rank < 2) {
      // PyTorch: an input of rank < 2 has no channel axis, so only one slope fits
      throw new PointwiseError(
        'SHAPE_MISMATCH',
        { op, arg: 'slope', value: params?.slope },
        `needs 1 value: an input of rank ${rank} has no channel axis (channelAxis defaults to 1)`,
      );
    }
    const axisIndex = axisGiven ?? 1;
    const axis = axisIndex < 0 ? axisIndex + rank : axisIndex;
    const lastMatches = axisGiven === undefined && rank > 2 && shape[rank - 1] === slopeCount;
    if (shape[axis] !== slopeCount) {
      throw new PointwiseError(
        'SHAPE_MISMATCH',
        { op, arg: 'slope', value: params?.slope },
        lastMatches
          ? `needs 1 or ${shape[axis]} values (x.shape[${axis}]: channelAxis defaults to 1, NCHW); the last axis has ${slopeCount}: for channels-last (NHWC, tfjs) data pass channelAxis: -1`
          : `needs 1 or ${shape[axis]} values (x.shape[${axis}])`,
      );
    }
    if (lastMatches) warnAmbiguousChannels(op, shape);
    const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    return { slope, slopeTensor, channels: slopeCount, inner };
  },
  allowsBackwardFromY: () => false,
  reference: {
    forward: (x, r, i) => (x < 0 ? r.slope[channelOf(r, i)]! * x : x),
    backward: (dy, x, r, i) => (x > 0 ? dy : r.slope[channelOf(r, i)]! * dy),
    backwardFromY: () => Number.NaN,
  },
  paramGrad: {
    name: 'dslope',
    length: (r) => r.channels,
    slot: (r, i) => channelOf(r, i),
    term: (dy, x) => (x > 0 ? 0 : x * dy),
  },
  kinks: () => [0],
  sampleParams: [
    {},
    { slope: [0.1, -0.3, 2.5] },
    { slope: [0.5, 0.25, -1], channelAxis: -1 },
    { slope: 0 },
    // every slope in (0, 1]: backends may take a max form there (wasm-simd does), whose
    // edges are slope 1 and products that round to subnormals or to -0
    { slope: [0.75, 1, 0.125] },
    { slope: [1, 0.5, 2 ** -126, 1e-30], channelAxis: -1 },
  ],
  deviceParams: (r) => (r.slopeTensor ? [{ arg: 'slope', tensor: r.slopeTensor }] : []),
  kernelParams(ctx, r) {
    if (r.slopeTensor) {
      // the user's device slope is used in place: no upload, nothing to release
      const slope = ctx.bufferOf('prelu', 'slope', r.slopeTensor, ['float32']);
      return { params: { slope, channels: r.channels, inner: r.inner }, release() {} };
    }
    const slope = ctx.backend.upload('float32', r.slope);
    return {
      params: { slope, channels: r.channels, inner: r.inner },
      release: () => ctx.backend.free(slope),
    };
  },
});

export const prelu: DocumentedActivation<typeof preluDefinition, PreluApi> = preluDefinition;

let warnedAmbiguous = false;

/**
 * Axis 1 and the last axis both hold C and channelAxis was not given: NCHW and NHWC
 * data both fit, and the default (1, PyTorch's) is used. Said once per process on
 * console.warn, like tfjs's one-time warnings; `channelAxis: 1` or `-1` silences it.
 */
function warnAmbiguousChannels(op: string, shape: readonly number[]): void {
  if (warnedAmbiguous) return;
  warnedAmbiguous = true;
  console.warn(
    `[pointwise] ${op}: x.shape [${shape.join(', ')}] has the slope count on axis 1 and on the last axis; using channelAxis 1 (NCHW, PyTorch's default). For channels-last (NHWC, tfjs) data pass channelAxis: -1; pass channelAxis: 1 to silence this warning.`,
  );
}

export function channelOf(r: { channels: number; inner: number }, i: number): number {
  return r.channels === 1 ? 0 : Math.floor(i / r.inner) % r.channels;
}

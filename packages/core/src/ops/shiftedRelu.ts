// shiftedRelu: y = x <= t ? +0 : f32(x - t), t = f32(threshold), default 0: the
// seeds' "max(0, x - T)" with a learnable threshold (not thresholdedRelu, which
// keeps x unshifted). Exact. Derivative 0 at x == t; dthreshold = -(sum of dy where
// x > t). Backward from y is always allowed, dthreshold too: for float32 x and t,
// x > t implies f32(x - t) > 0 (gradual underflow keeps tiny differences exact), so
// y <= 0 holds exactly where x <= t.

import { type ActivationApi, type DocumentedActivation, defineActivation } from '../activation.js';
import type { ThresholdParams } from '../kernels.js';
import { checkKnownKeys, deviceScalarParam, floatParam } from '../params.js';
import type { Tensor } from '../tensor.js';

export interface ShiftedReluParams {
  /**
   * Shift and kink; default 0 (plain relu). Learnable: backward returns dthreshold. A
   * float32 tensor of shape [] or [1] on the same backend keeps it on the device; its
   * value is not checked (NaN gives y = NaN, dx = dy, dthreshold = -sum(dy)).
   */
  threshold?: number | Tensor<'float32'>;
}

export interface ShiftedReluResolved {
  /** f32(threshold), or 0 when `thresholdTensor` holds it on the device. */
  threshold: number;
  thresholdTensor: Tensor<'float32'> | null;
}

/** The shiftedRelu methods of a Pointwise instance (documented for editor hovers). */
export interface ShiftedReluApi {
  /** shiftedRelu (relu with a learnable threshold, `max(0, x - t)`): `y = x <= t ? +0 : f32(x - t)`, default threshold 0. Shifted: see thresholdedRelu for ONNX's unshifted `x > alpha ? x : 0`. Exact. */
  shiftedRelu: ActivationApi<
    'shiftedRelu',
    ShiftedReluParams,
    'dthreshold',
    'dthreshold'
  >['shiftedRelu'];
  /** shiftedRelu backward: `dx = x <= t ? +0 : dy` (derivative 0 at t) and `dthreshold = -Σ (x > t ? dy : 0)`, from `{x}` or `{y}` alike (`y > 0` exactly where `x > t`). */
  shiftedReluBackward: ActivationApi<
    'shiftedRelu',
    ShiftedReluParams,
    'dthreshold',
    'dthreshold'
  >['shiftedReluBackward'];
}

const shiftedReluDefinition = defineActivation<
  'shiftedRelu',
  ShiftedReluParams,
  ShiftedReluResolved,
  ThresholdParams,
  'dthreshold',
  'dthreshold'
>({
  name: 'shiftedRelu',
  summary: 'Shifted ReLU max(0, x - t) with a learnable threshold t.',
  accuracy: { kind: 'exact' },
  crossReference: {
    onnx: 'Relu(Sub(x, t))',
    pytorch: 'relu(x - t)',
    tfjs: 'relu(sub(x, t))',
  },
  conventions: [
    "shiftedRelu'(t) = 0; dthreshold = -(sum of dy where x > t)",
    'NaN propagates (NaN x gives dx = dy and the term -dy)',
    'backward from y always allowed, dthreshold too',
  ],
  paramKeys: ['threshold'],
  resolve(op, params) {
    checkKnownKeys(op, params, ['threshold']);
    const thresholdTensor = deviceScalarParam(op, 'threshold', params?.threshold);
    if (thresholdTensor) return { threshold: 0, thresholdTensor };
    return {
      threshold: floatParam(op, 'threshold', params?.threshold, 0.0),
      thresholdTensor: null,
    };
  },
  allowsBackwardFromY: () => true,
  reference: {
    // float64 x - t of two float32 values rounds to the float32 difference exactly
    // (double rounding is innocuous for one subtraction: 53 >= 2*24 + 2)
    forward: (x, r) => (x <= r.threshold ? 0 : x - r.threshold),
    backward: (dy, x, r) => (x <= r.threshold ? 0 : dy),
    backwardFromY: (dy, y) => (y <= 0 ? 0 : dy),
  },
  paramGrad: {
    name: 'dthreshold',
    length: () => 1,
    slot: () => 0,
    term: (dy, x, r) => (x <= r.threshold ? 0 : -dy),
    termFromY: (dy, y) => (y <= 0 ? 0 : -dy),
  },
  kinks: (r) => [r.threshold],
  // default; positive; negative; not representable (f32(0.1) != 0.1); subnormal, where
  // x - t near the kink is subnormal (exact only without flush-to-zero)
  sampleParams: [
    {},
    { threshold: 1.5 },
    { threshold: -2.5 },
    { threshold: 0.1 },
    { threshold: 1e-39 },
  ],
  deviceParams: (r) => (r.thresholdTensor ? [{ arg: 'threshold', tensor: r.thresholdTensor }] : []),
  kernelParams(ctx, r) {
    const thresholdBuffer = r.thresholdTensor
      ? ctx.bufferOf('shiftedRelu', 'threshold', r.thresholdTensor, ['float32'])
      : null;
    return { params: { threshold: r.threshold, thresholdBuffer }, release() {} };
  },
});

export const shiftedRelu: DocumentedActivation<typeof shiftedReluDefinition, ShiftedReluApi> =
  shiftedReluDefinition;

// thresholdedRelu: y = x <= alpha ? +0 : x, alpha = f32(alpha), default 1.0 (ONNX).
// Exact. The derivative at x == alpha is 0. Backward from y needs alpha >= 0.

import {
  type ActivationApi,
  type DocumentedActivation,
  defineActivation,
  hostKernelParams,
} from '../activation.js';
import type { AlphaParams } from '../kernels.js';
import { resolveAlpha } from '../params.js';

export interface ThresholdedReluParams {
  /** Threshold; default 1.0. */
  alpha?: number;
}

/** The thresholdedRelu methods of a Pointwise instance (documented for editor hovers). */
export interface ThresholdedReluApi {
  /** thresholdedRelu (ONNX/Caffe2 ThresholdedRelu): `y = x <= alpha ? +0 : x`, default alpha 1. Not shifted: see shiftedRelu for `max(0, x - t)`. Exact. */
  thresholdedRelu: ActivationApi<
    'thresholdedRelu',
    ThresholdedReluParams,
    never,
    never
  >['thresholdedRelu'];
  /** thresholdedRelu backward: `dx = x <= alpha ? +0 : dy` (derivative 0 at alpha); `{y}` only when alpha >= 0. Exact. */
  thresholdedReluBackward: ActivationApi<
    'thresholdedRelu',
    ThresholdedReluParams,
    never,
    never
  >['thresholdedReluBackward'];
}

const thresholdedReluDefinition = defineActivation<
  'thresholdedRelu',
  ThresholdedReluParams,
  AlphaParams,
  AlphaParams
>({
  name: 'thresholdedRelu',
  summary: 'Thresholded ReLU: x where x > alpha, +0 elsewhere.',
  accuracy: { kind: 'exact' },
  crossReference: {
    onnx: 'ThresholdedRelu',
    caffe2: 'ThresholdedRelu',
    pytorch: 'threshold(x, alpha, 0)',
  },
  conventions: [
    "thresholdedRelu'(alpha) = 0",
    'NaN propagates',
    'backward from y only when alpha >= 0',
  ],
  paramKeys: ['alpha'],
  resolve: resolveAlpha(1.0),
  allowsBackwardFromY: (r) => r.alpha >= 0,
  reference: {
    forward: (x, r) => (x <= r.alpha ? 0 : x),
    backward: (dy, x, r) => (x <= r.alpha ? 0 : dy),
    backwardFromY: (dy, y, r) => (y <= r.alpha ? 0 : dy),
  },
  kinks: (r) => [r.alpha, 0],
  sampleParams: [{}, { alpha: 0 }, { alpha: 0.1 }, { alpha: -2.5 }],
  kernelParams: hostKernelParams,
});

export const thresholdedRelu: DocumentedActivation<
  typeof thresholdedReluDefinition,
  ThresholdedReluApi
> = thresholdedReluDefinition;

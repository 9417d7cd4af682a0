// elu: y = x > 0 ? x : alpha*expm1(x), alpha = f32(alpha), default 1. Accuracy:
// 2 ulp from the float64 reference. elu'(0) = alpha (PyTorch; Caffe2 and tfjs
// use 1). Backward from y (alpha >= 0): y > 0 ? dy : dy*(y + alpha).

import {
  type ActivationApi,
  type DocumentedActivation,
  defineActivation,
  hostKernelParams,
} from '../activation.js';
import type { AlphaParams } from '../kernels.js';
import { resolveAlpha } from '../params.js';

export interface EluParams {
  /** Scale of the negative part; default 1.0. */
  alpha?: number;
}

/** The elu methods of a Pointwise instance (documented for editor hovers). */
export interface EluApi {
  /** elu: `y = x > 0 ? x : alpha·expm1(x)`, default alpha 1, within 2 ulp; keeps the sign of zero. */
  elu: ActivationApi<'elu', EluParams, never, never>['elu'];
  /** elu backward: `dx = x > 0 ? dy : dy·alpha·exp(x)` (elu'(0) = alpha, PyTorch); from `{y}` (alpha >= 0): `dy·(y + alpha)`, 0 below x ≈ -17 where y rounded to -alpha. */
  eluBackward: ActivationApi<'elu', EluParams, never, never>['eluBackward'];
}

const eluDefinition = defineActivation<'elu', EluParams, AlphaParams, AlphaParams>({
  name: 'elu',
  summary: 'Exponential linear unit: x for x > 0, alpha*(exp(x) - 1) otherwise.',
  accuracy: { kind: 'ulp', ulp: 2 },
  crossReference: { onnx: 'Elu', caffe2: 'Elu', pytorch: 'elu', tfjs: 'elu' },
  conventions: [
    "elu'(0) = alpha (PyTorch; Caffe2 and tfjs: 1)",
    'backward from y only when alpha >= 0; for x below about -17, y rounds to -alpha and dx from y is 0',
    'results below the smallest normal float32 may flush to signed zero',
  ],
  paramKeys: ['alpha'],
  resolve: resolveAlpha(1.0),
  allowsBackwardFromY: (r) => r.alpha >= 0,
  reference: {
    forward: (x, r) => (x > 0 ? x : r.alpha * Math.expm1(x)),
    backward: (dy, x, r) => (x > 0 ? dy : dy * (r.alpha * Math.exp(x))),
    backwardFromY: (dy, y, r) => (y > 0 ? dy : dy * (y + r.alpha)),
  },
  kinks: () => [0],
  // -0 and a negative alpha: elu(+0) = alpha*expm1(+0) is a zero with alpha's sign
  sampleParams: [{}, { alpha: 0.5 }, { alpha: 2.5 }, { alpha: 0 }, { alpha: -0 }, { alpha: -1.5 }],
  kernelParams: hostKernelParams,
});

export const elu: DocumentedActivation<typeof eluDefinition, EluApi> = eluDefinition;

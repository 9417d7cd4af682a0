// leakyRelu: y = x < 0 ? alpha*x : x, alpha = f32(alpha), default 0.01 (PyTorch,
// ONNX; tfjs defaults to 0.2). Exact. leaky'(0) = alpha. Backward from y needs alpha > 0.

import {
  type ActivationApi,
  type DocumentedActivation,
  defineActivation,
  hostKernelParams,
} from '../activation.js';
import type { AlphaParams } from '../kernels.js';
import { resolveAlpha } from '../params.js';

export interface LeakyReluParams {
  /** Slope for x < 0; default 0.01. */
  alpha?: number;
}

/** The leakyRelu methods of a Pointwise instance (documented for editor hovers). */
export interface LeakyReluApi {
  /** leakyRelu: `y = x < 0 ? alpha·x : x`, alpha = f32(alpha), default 0.01 (tfjs uses 0.2). Exact. */
  leakyRelu: ActivationApi<'leakyRelu', LeakyReluParams, never, never>['leakyRelu'];
  /** leakyRelu backward: `dx = x > 0 ? dy : alpha·dy` (leaky'(0) = alpha); `{y}` only when alpha > 0. Exact. */
  leakyReluBackward: ActivationApi<'leakyRelu', LeakyReluParams, never, never>['leakyReluBackward'];
}

const leakyReluDefinition = defineActivation<
  'leakyRelu',
  LeakyReluParams,
  AlphaParams,
  AlphaParams
>({
  name: 'leakyRelu',
  summary: 'Leaky ReLU: alpha*x for x < 0, x otherwise.',
  accuracy: { kind: 'exact' },
  crossReference: {
    onnx: 'LeakyRelu',
    caffe2: 'LeakyRelu',
    pytorch: 'leaky_relu',
    tfjs: 'leakyRelu',
  },
  conventions: [
    "leakyRelu'(0) = alpha",
    'default alpha 0.01 (tfjs: 0.2)',
    'backward from y only when alpha > 0',
  ],
  paramKeys: ['alpha'],
  resolve: resolveAlpha(0.01),
  allowsBackwardFromY: (r) => r.alpha > 0,
  reference: {
    forward: (x, r) => (x < 0 ? r.alpha * x : x),
    backward: (dy, x, r) => (x > 0 ? dy : r.alpha * dy),
    backwardFromY: (dy, y, r) => (y > 0 ? dy : r.alpha * dy),
  },
  kinks: () => [0],
  sampleParams: [
    {},
    { alpha: 0.2 },
    { alpha: -0.5 },
    { alpha: 0 },
    { alpha: 1e-30 },
    // the edges of (0, 1], where backends may take a max form (wasm-simd does), and past it
    { alpha: 1 },
    { alpha: 1.5 },
  ],
  kernelParams: hostKernelParams,
});

export const leakyRelu: DocumentedActivation<typeof leakyReluDefinition, LeakyReluApi> =
  leakyReluDefinition;

// relu: y = x <= 0 ? +0 : x. Exact. Backward may always use y.
// relu'(0) = 0; relu(-0) = +0; NaN propagates (the comparison is false for NaN).

import {
  type ActivationApi,
  type DocumentedActivation,
  defineActivation,
  hostKernelParams,
} from '../activation.js';
import type { NoParams } from '../kernels.js';
import { checkKnownKeys } from '../params.js';

/** relu has no parameters. */
export type ReluParams = Record<never, never>;

/** The relu methods of a Pointwise instance (documented for editor hovers). */
export interface ReluApi {
  /** relu: `y = x <= 0 ? +0 : x` (relu(-0) = +0; NaN propagates). Exact on every backend. `out: x` runs in place. */
  relu: ActivationApi<'relu', ReluParams, never, never>['relu'];
  /** relu backward: `dx = x <= 0 ? +0 : dy` (relu'(0) = 0), from `{x}` or `{y}`. Exact. */
  reluBackward: ActivationApi<'relu', ReluParams, never, never>['reluBackward'];
}

const reluDefinition = defineActivation<'relu', ReluParams, NoParams, NoParams>({
  name: 'relu',
  summary: 'Rectified linear unit: max(x, 0) with relu(-0) = +0.',
  accuracy: { kind: 'exact' },
  crossReference: { onnx: 'Relu', caffe2: 'Relu', pytorch: 'relu', tfjs: 'relu' },
  conventions: [
    "relu'(0) = 0",
    'relu(-0) = +0',
    'NaN propagates',
    'backward from y always allowed',
  ],
  paramKeys: [],
  resolve(op, params) {
    checkKnownKeys(op, params, []);
    return {};
  },
  allowsBackwardFromY: () => true,
  reference: {
    forward: (x) => (x <= 0 ? 0 : x),
    backward: (dy, x) => (x <= 0 ? 0 : dy),
    backwardFromY: (dy, y) => (y <= 0 ? 0 : dy),
  },
  kinks: () => [0],
  sampleParams: [{}],
  kernelParams: hostKernelParams,
});

export const relu: DocumentedActivation<typeof reluDefinition, ReluApi> = reluDefinition;

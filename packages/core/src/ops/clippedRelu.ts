// clippedRelu (relu6 / PACT): y = x <= 0 ? +0 : min(x, c), c = f32(ceiling) > 0,
// default 6. Exact. Derivative 0 at both kinks; the learnable ceiling gets
// dceiling = sum of (x >= c ? dy : 0), which needs x (PACT).

import { type ActivationApi, type DocumentedActivation, defineActivation } from '../activation.js';
import type { CeilingParams } from '../kernels.js';
import { checkKnownKeys, deviceScalarParam, floatParam } from '../params.js';
import type { Tensor } from '../tensor.js';

export interface ClippedReluParams {
  /**
   * Upper clip, > 0; default 6 (relu6). Learnable: backward from x returns dceiling. A
   * float32 tensor of shape [] or [1] on the same backend keeps a learned ceiling on the
   * device (dceiling can be passed back in without a read); its value is not checked
   * (c <= 0 gives y = c for x > 0 and dx = 0; NaN gives relu and dceiling 0).
   */
  ceiling?: number | Tensor<'float32'>;
}

export interface ClippedReluResolved {
  /** f32(ceiling), or 0 when `ceilingTensor` holds it on the device. */
  ceiling: number;
  ceilingTensor: Tensor<'float32'> | null;
}

/** The clippedRelu methods of a Pointwise instance (documented for editor hovers). */
export interface ClippedReluApi {
  /** clippedRelu (relu6 / PACT): `y = x <= 0 ? +0 : min(x, c)`, default ceiling 6. Exact. */
  clippedRelu: ActivationApi<'clippedRelu', ClippedReluParams, 'dceiling', never>['clippedRelu'];
  /** clippedRelu backward: `dx = (x <= 0 or x >= c) ? +0 : dy`; from `{x}` also `dceiling = Σ (x >= c ? dy : 0)` (PACT); from `{y}` only dx. */
  clippedReluBackward: ActivationApi<
    'clippedRelu',
    ClippedReluParams,
    'dceiling',
    never
  >['clippedReluBackward'];
}

const clippedReluDefinition = defineActivation<
  'clippedRelu',
  ClippedReluParams,
  ClippedReluResolved,
  CeilingParams,
  'dceiling'
>({
  name: 'clippedRelu',
  summary: 'Clipped ReLU min(max(x, 0), c) with a learnable ceiling (PACT).',
  accuracy: { kind: 'exact' },
  crossReference: {
    onnx: 'Clip(0, c)',
    pytorch: 'hardtanh(x, 0, c) / relu6',
    tfjs: 'relu6 (c = 6)',
  },
  conventions: [
    "clippedRelu'(0) = clippedRelu'(c) = 0; dceiling receives dy at x == c",
    'NaN propagates',
    'backward from y gives dx only (no dceiling)',
  ],
  paramKeys: ['ceiling'],
  resolve(op, params) {
    checkKnownKeys(op, params, ['ceiling']);
    const ceilingTensor = deviceScalarParam(op, 'ceiling', params?.ceiling);
    if (ceilingTensor) return { ceiling: 0, ceilingTensor };
    return {
      ceiling: floatParam(op, 'ceiling', params?.ceiling, 6.0, { above: 0 }),
      ceilingTensor: null,
    };
  },
  allowsBackwardFromY: () => true,
  reference: {
    forward: (x, r) => (x <= 0 ? 0 : x >= r.ceiling ? r.ceiling : x),
    backward: (dy, x, r) => (x <= 0 || x >= r.ceiling ? 0 : dy),
    backwardFromY: (dy, y, r) => (y <= 0 || y >= r.ceiling ? 0 : dy),
  },
  paramGrad: {
    name: 'dceiling',
    length: () => 1,
    slot: () => 0,
    term: (dy, x, r) => (x >= r.ceiling ? dy : 0),
  },
  kinks: (r) => [0, r.ceiling],
  sampleParams: [{}, { ceiling: 1 }, { ceiling: 0.3 }, { ceiling: 3e38 }],
  deviceParams: (r) => (r.ceilingTensor ? [{ arg: 'ceiling', tensor: r.ceilingTensor }] : []),
  kernelParams(ctx, r) {
    const ceilingBuffer = r.ceilingTensor
      ? ctx.bufferOf('clippedRelu', 'ceiling', r.ceilingTensor, ['float32'])
      : null;
    return { params: { ceiling: r.ceiling, ceilingBuffer }, release() {} };
  },
});

export const clippedRelu: DocumentedActivation<typeof clippedReluDefinition, ClippedReluApi> =
  clippedReluDefinition;

// _FusedMatMul and FusedConv2D (Dense / Conv2D with an activation, at inference) with
// activation 'relu' or 'elu': tfjs's own kernel with 'linear', then Pointwise's relu or
// elu on its output, the intermediate freed; every other activation runs
// tfjs's kernel unchanged. tfjs-cpu's fused elu is `Math.exp(z) - 1` (cancels for |z|
// below ~1e-10, 0 below ~6e-17); tfjs-wasm's fused relu maps NaN to 0. DECISIONS #311.

import type { TensorInfo } from '../tfTypes.js';
import { type KernelFunction, type Override, runOriginal } from './common.js';
import { eluOverride } from './elu.js';
import { reluOverride } from './relu.js';

function wrapFused(kernelName: string): Override {
  return {
    kernelName,
    make: (original, backendName) => {
      const activations: Record<string, KernelFunction> = {
        relu: reluOverride.make(undefined, backendName, false),
        elu: eluOverride.make(undefined, backendName, false),
      };
      return (args) => {
        const act = activations[String(args.attrs?.activation)];
        if (act === undefined) return runOriginal(original, args, kernelName);
        const linear = runOriginal(
          original,
          { ...args, attrs: { ...args.attrs, activation: 'linear' } },
          kernelName,
        ) as TensorInfo;
        const backend = args.backend as { disposeData(dataId: object): void };
        try {
          return act({ inputs: { x: linear }, backend: args.backend, attrs: {} });
        } finally {
          backend.disposeData(linear.dataId);
        }
      };
    },
  };
}

export const fusedMatMulOverride = wrapFused('_FusedMatMul');
export const fusedConv2DOverride = wrapFused('FusedConv2D');

// Gradient configs of Pointwise's own tfjs kernels (new kernel names, so registering
// them changes nothing tfjs already has): each runs the op's one-pass backward kernel.

import type { NamedAttrMap, Tensor, TypedGradConfig } from './tfTypes.js';

type Run = (
  name: string,
  inputs: Record<string, Tensor>,
  attrs?: NamedAttrMap,
) => Tensor | Tensor[];

export function newGradientConfigs(run: Run): TypedGradConfig[] {
  return [
    {
      kernelName: 'PointwiseShiftedRelu',
      inputsToSave: ['x', 'threshold'],
      gradFunc: (dy, saved) => {
        const [x, threshold] = saved as [Tensor, Tensor];
        const [dx, dt] = run('PointwiseShiftedReluGrad', {
          dy: dy as Tensor,
          x,
          threshold,
        }) as Tensor[];
        return { x: () => dx as Tensor, threshold: () => dt as Tensor };
      },
    },
    {
      kernelName: 'PointwiseClippedRelu',
      inputsToSave: ['x', 'ceiling'],
      gradFunc: (dy, saved) => {
        const [x, ceiling] = saved as [Tensor, Tensor];
        const [dx, dc] = run('PointwiseClippedReluFullGrad', {
          dy: dy as Tensor,
          x,
          ceiling,
        }) as Tensor[];
        return { x: () => dx as Tensor, ceiling: () => dc as Tensor };
      },
    },
    {
      kernelName: 'PointwiseThresholdedRelu',
      inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => {
        const dx = run(
          'PointwiseThresholdedReluGrad',
          { dy: dy as Tensor, x: saved[0]! },
          attrs,
        ) as Tensor;
        return { x: () => dx };
      },
    },
    {
      kernelName: 'PointwiseElu',
      inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => {
        const dx = run('PointwiseEluGrad', { dy: dy as Tensor, x: saved[0]! }, attrs) as Tensor;
        return { x: () => dx };
      },
    },
    {
      kernelName: 'PointwiseDropout',
      inputsToSave: ['replacement'],
      outputsToSave: [false, true],
      gradFunc: (dys, saved, attrs) => {
        const [replacement, mask] = saved as [Tensor, Tensor];
        const dy = (dys as Tensor[])[0]!;
        const [dx, dr] = run('PointwiseDropoutGrad', { dy, mask, replacement }, attrs) as Tensor[];
        return { x: () => dx as Tensor, replacement: () => dr as Tensor };
      },
    },
  ];
}

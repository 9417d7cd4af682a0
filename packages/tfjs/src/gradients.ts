// Gradient configs that replace tfjs's composed backward passes with one Pointwise
// kernel each: relu (Step + Cast + Mul in tfjs), leakyRelu (Greater + Where + Mul),
// prelu (dx and dalpha reduced over the broadcast axes, in one pass) and relu6
// (Step + LessEqual + Mul). On a backend without the Pointwise kernel (webgpu,
// webgl, tensorflow) or a layout the kernel does not take, tfjs's own gradient runs.

import { preluLayout } from './kernels/prelu.js';
import type { GradConfig, NamedAttrMap, Tensor, TypedGradConfig } from './tfTypes.js';

/** The parts of a tfjs namespace the gradients use. */
export interface GradientHost {
  engine(): {
    backendName: string;
    runKernel(
      name: string,
      inputs: Record<string, Tensor>,
      attrs?: NamedAttrMap,
    ): Tensor | Tensor[];
  };
  getKernel(kernelName: string, backendName: string): unknown;
}

type Grads = Record<string, () => Tensor>;

function availableOn(
  tf: GradientHost,
  kernel: string,
  enabled: (backend: string) => boolean,
): boolean {
  const backend = tf.engine().backendName;
  return enabled(backend) && tf.getKernel(kernel, backend) !== undefined;
}

function one(
  tf: GradientHost,
  kernel: string,
  inputs: Record<string, Tensor>,
  attrs?: NamedAttrMap,
): Tensor {
  return tf.engine().runKernel(kernel, inputs, attrs) as Tensor;
}

/** The replacement gradient configs; `original` is tfjs's config for the same kernel. */
export function gradientConfigs(
  tf: GradientHost,
  original: (kernelName: string) => GradConfig | undefined,
  enabled: (backendName: string) => boolean,
): TypedGradConfig[] {
  const available = (_: GradientHost, kernel: string) => availableOn(tf, kernel, enabled);
  const fallback = (name: string, dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const g = original(name);
    if (g === undefined) throw new Error(`${name}: no tfjs gradient to fall back to`);
    return (g.gradFunc as (d: unknown, s: unknown, a: unknown) => Grads)(dy, saved, attrs);
  };
  return [
    {
      kernelName: 'Relu',
      inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => {
        const x = saved[0]!;
        if (x.dtype !== 'float32' || !available(tf, 'PointwiseReluGrad'))
          return fallback('Relu', dy, saved, attrs);
        const dx = one(tf, 'PointwiseReluGrad', { dy: dy as Tensor, x });
        return { x: () => dx } as Grads;
      },
    },
    {
      kernelName: 'Relu6',
      inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => {
        const x = saved[0]!;
        if (x.dtype !== 'float32' || !available(tf, 'PointwiseClippedReluGrad'))
          return fallback('Relu6', dy, saved, attrs);
        const dx = one(tf, 'PointwiseClippedReluGrad', { dy: dy as Tensor, x }, { ceiling: 6 });
        return { x: () => dx } as Grads;
      },
    },
    {
      kernelName: 'LeakyRelu',
      inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => {
        const x = saved[0]!;
        if (x.dtype !== 'float32' || !available(tf, 'PointwiseLeakyReluGrad'))
          return fallback('LeakyRelu', dy, saved, attrs);
        const dx = one(
          tf,
          'PointwiseLeakyReluGrad',
          { dy: dy as Tensor, x },
          { alpha: attrs.alpha as number },
        );
        return { x: () => dx } as Grads;
      },
    },
    {
      kernelName: 'Prelu',
      inputsToSave: ['x', 'alpha'],
      gradFunc: (dy, saved, attrs) => {
        const [x, alpha] = saved as [Tensor, Tensor];
        const layout = preluLayout(x.shape, alpha.shape);
        if (
          x.dtype !== 'float32' ||
          alpha.dtype !== 'float32' ||
          layout === null ||
          layout.tile !== null ||
          !available(tf, 'PointwisePreluGrad')
        )
          return fallback('Prelu', dy, saved, attrs);
        const [dx, dalpha] = tf
          .engine()
          .runKernel('PointwisePreluGrad', { dy: dy as Tensor, x, alpha }) as Tensor[];
        return { x: () => dx as Tensor, alpha: () => dalpha as Tensor } as Grads;
      },
    },
  ];
}

// `pw.activation(name, params)`: an activation with its parameters bound once, in the
// spirit of torch.nn.ELU(alpha). `act.forward(x)` and `act.backward(dy, { x } | { y })`
// pass the same params every time, so a backward from x (which no forward recorded)
// cannot use other params than its forward. A learnable parameter kept on the device
// (prelu's slope, clippedRelu's ceiling, shiftedRelu's threshold tensors) is bound by
// reference: the op holds that Tensor, does not own it (never disposes it), and every
// call reads its current values, so `pw.sgdStep(ceiling, dceiling, lr)` between steps
// updates the op. A host number is fixed for the op's life.

import type {
  ActivationGrads,
  BackwardOptions,
  DxOnlyOptions,
  ForwardOptions,
  SavedForward,
} from './activation.js';
import { PointwiseError } from './errors.js';
import type { OpContext } from './op.js';
import type { ClippedReluParams } from './ops/clippedRelu.js';
import type { EluParams } from './ops/elu.js';
import { ACTIVATION_NAMES, activations } from './ops/index.js';
import type { LeakyReluParams } from './ops/leakyRelu.js';
import type { PreluParams } from './ops/prelu.js';
import type { ReluParams } from './ops/relu.js';
import type { ShiftedReluParams } from './ops/shiftedRelu.js';
import type { ThresholdedReluParams } from './ops/thresholdedRelu.js';
import { checkKnownKeys, checkParamsObject } from './params.js';
import { Tensor } from './tensor.js';

export type ActivationName = (typeof ACTIVATION_NAMES)[number];

/** Each activation's params. */
export interface ActivationParamsOf {
  relu: ReluParams;
  leakyRelu: LeakyReluParams;
  prelu: PreluParams;
  thresholdedRelu: ThresholdedReluParams;
  shiftedRelu: ShiftedReluParams;
  clippedRelu: ClippedReluParams;
  elu: EluParams;
}

/** The parameter gradient backward from x returns (never: none). */
interface GradFromX {
  relu: never;
  leakyRelu: never;
  prelu: 'dslope';
  thresholdedRelu: never;
  shiftedRelu: 'dthreshold';
  clippedRelu: 'dceiling';
  elu: never;
}
/** The parameter gradient backward from y returns. */
interface GradFromY {
  relu: never;
  leakyRelu: never;
  prelu: never;
  thresholdedRelu: never;
  shiftedRelu: 'dthreshold';
  clippedRelu: never;
  elu: never;
}

type F32 = Tensor<'float32'>;
type GradOptions<G extends string> = Omit<BackwardOptions<G>, 'paramGrad'> & { paramGrad?: true };

/** An activation with bound params: `pw.activation('elu', { alpha: 0.5 })`. */
export interface BoundActivation<N extends ActivationName = ActivationName> {
  readonly name: N;
  /** The params as given (frozen copy); device tensors by reference. */
  readonly params: Readonly<ActivationParamsOf[N]>;
  /** `pw.<name>(x, { ...params, out })`. */
  forward(x: F32, options?: ForwardOptions): F32;
  /** `pw.<name>Backward(dy, saved, { ...params, out, paramGrad })`. */
  backward(
    dy: F32,
    saved: { x: F32 },
    options?: GradOptions<GradFromX[N]>,
  ): ActivationGrads<GradFromX[N]>;
  backward(
    dy: F32,
    saved: { y: F32 },
    options?: GradOptions<GradFromY[N]>,
  ): ActivationGrads<GradFromY[N]>;
  backward(dy: F32, saved: { x: F32 } | { y: F32 }, options: DxOnlyOptions): { dx: F32 };
  backward(
    dy: F32,
    saved: { x: F32 } | { y: F32 },
    options: DxOnlyOptions<boolean>,
  ): { dx: F32 } & { [K in GradFromX[N]]?: F32 };
}

type Methods = Record<string, (this: OpContext, ...args: unknown[]) => unknown>;

/** Builds the bound op on `ctx`, validating the name and params now (the shape later). */
export function bindActivation<N extends ActivationName>(
  ctx: OpContext,
  name: N,
  params?: ActivationParamsOf[N],
): BoundActivation<N> {
  const op = 'activation';
  const def = activations.find((a) => a.name === name);
  if (typeof name !== 'string' || !def) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'name', value: name },
      `must be one of ${ACTIVATION_NAMES.join(', ')} (dropout has its own draw record)`,
    );
  }
  checkParamsObject(name, params);
  const bound = Object.freeze({ ...(params ?? {}) }) as Readonly<ActivationParamsOf[N]>;
  // validate now with a shape the params fit (prelu: the channel axis holds the slopes)
  def.spec.resolve(name, bound as never, probeShape(name, bound));
  const methods = def.methods as unknown as Methods;
  const forward = methods[name] as (this: OpContext, ...args: unknown[]) => F32;
  const backward = methods[`${name}Backward`] as (this: OpContext, ...args: unknown[]) => never;
  return Object.freeze({
    name,
    params: bound,
    forward(x: F32, options?: ForwardOptions): F32 {
      checkParamsObject(name, options);
      checkKnownKeys(name, options, ['out']);
      return forward.call(ctx, x, { ...bound, ...options });
    },
    backward(dy: F32, saved: SavedForward, options?: object) {
      checkParamsObject(`${name}Backward`, options);
      checkKnownKeys(`${name}Backward`, options, ['out', 'paramGrad']);
      return backward.call(ctx, dy, saved, { ...bound, ...options });
    },
  }) as unknown as BoundActivation<N>;
}

function probeShape(name: string, params: Readonly<Record<string, unknown>>): number[] {
  if (name !== 'prelu') return [1];
  const slope = params.slope;
  const count =
    slope instanceof Tensor
      ? slope.size
      : Array.isArray(slope) || slope instanceof Float32Array
        ? slope.length
        : 1;
  const axis = params.channelAxis;
  if (typeof axis !== 'number' || !Number.isInteger(axis) || count === 0) return [1, count];
  const rank = Math.max(axis >= 0 ? axis + 1 : -axis, 2);
  const shape = new Array<number>(rank).fill(1);
  shape[axis >= 0 ? axis : axis + rank] = count;
  return shape;
}

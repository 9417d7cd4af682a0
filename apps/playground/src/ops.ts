// Typed access to the activations through core: the op spec (float64 reference,
// kinks, parameter gradient) and the forward/backward methods of a Pointwise
// instance, looked up by name so every view works for any of the six ops.

import { type ActivationSpec, activations, type Pointwise, type Tensor } from '@pointwise/core';
import { type ActivationName, isActivation, type PageOp } from './state.js';

export type AnySpec = ActivationSpec<ActivationName, object, unknown, unknown>;

export function specOf(op: ActivationName): AnySpec {
  const definition = activations.find((a) => a.name === op);
  if (!definition) throw new Error(`unknown activation ${op}`);
  return definition.spec as unknown as AnySpec;
}

type Forward = (x: Tensor<'float32'>, params?: object) => Tensor<'float32'>;
type Backward = (
  dy: Tensor<'float32'>,
  saved: { x: Tensor<'float32'> },
  params?: object,
) => Record<string, Tensor<'float32'> | undefined>;

export function forwardOf(pw: Pointwise, op: ActivationName): Forward {
  return (pw as unknown as Record<string, Forward>)[op]!;
}

export function backwardOf(pw: Pointwise, op: ActivationName): Backward {
  return (pw as unknown as Record<string, Backward>)[`${op}Backward`]!;
}

/**
 * The forward pass of any op the page can select, as `x -> y`: dense dropout gives
 * its `y` (no mask) and ignores `out`, which it does not take.
 */
export function pageForwardOf(pw: Pointwise, op: PageOp): Forward {
  if (isActivation(op)) return forwardOf(pw, op);
  return (x, params) => {
    const { out: _out, ...rest } = (params ?? {}) as { out?: unknown };
    return pw.dropoutWithReplacement(x, { ...rest, returnMask: false }).y;
  };
}

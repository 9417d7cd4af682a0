// Preallocated backward outputs (`out: { dx, dslope? | dthreshold? | dceiling? |
// dreplacement? }`), validated like forward's `out`: a float32 tensor of this
// instance, alive, of the result's shape. `dx` may be `dy` itself (in place: every
// kernel reads dy[i] before it writes dx[i], and parameter-gradient sums run before
// dx is written); an output that is a tensor the call reads otherwise (x or y, the
// mask, a device parameter) or another output is refused, changing nothing.

import type { DeviceBuffer } from './backend.js';
import { PointwiseError } from './errors.js';
import type { OpContext } from './op.js';
import { type Shape, sameStorage, type Tensor } from './tensor.js';

/** One output slot of a backward call. */
export interface OutSlot {
  /** The result's key in `out` and in the returned object (`dx`, `dslope`, ...). */
  name: string;
  shape: Shape;
  /** false: this call does not compute it (backward from y), so `out.<name>` is refused. */
  computed: boolean;
  /** Why it is not computed, for the error (default: backward from y). */
  notComputed?: string;
}

/** A tensor the call reads, which an output must not be (dy excepted for dx). */
export interface ReadTensor {
  arg: string;
  tensor: unknown;
}

/** The validated outputs: the given tensor per slot name, or absent (allocate it). */
export type GivenOutputs = Record<string, { tensor: Tensor<'float32'>; buffer: DeviceBuffer }>;

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Validate `out` for a backward call. `dy` may be given as `out.dx`; every tensor in
 * `reads` (and every other output) may not be any output.
 */
export function checkBackwardOut(
  ctx: OpContext,
  op: string,
  out: unknown,
  slots: readonly OutSlot[],
  dy: unknown,
  reads: readonly ReadTensor[],
): GivenOutputs {
  const given: GivenOutputs = {};
  if (out === undefined) return given;
  if (out === null || typeof out !== 'object' || Array.isArray(out)) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'out', value: out },
      `must be an object { ${slots.map((s) => s.name).join(', ')} } of preallocated float32 tensors`,
    );
  }
  const record = out as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!slots.some((s) => s.name === key)) {
      throw new PointwiseError(
        'INVALID_ARGUMENT',
        { op, arg: `out.${key}`, value: record[key] },
        `unknown output; expected one of: ${slots.map((s) => s.name).join(', ')}`,
      );
    }
  }
  const seen: { arg: string; tensor: unknown }[] = [];
  for (const slot of slots) {
    const arg = `out.${slot.name}`;
    const value = record[slot.name];
    if (value === undefined) {
      if (slot.name === 'dx') {
        throw new PointwiseError(
          'INVALID_ARGUMENT',
          { op, arg, value },
          'out needs dx (a float32 tensor of dy.shape); the parameter gradients are optional',
        );
      }
      continue;
    }
    if (!slot.computed) {
      throw new PointwiseError(
        'INVALID_ARGUMENT',
        { op, arg, value },
        `this call does not compute ${slot.name} (${slot.notComputed ?? 'backward from y'}): omit it`,
      );
    }
    const buffer = ctx.bufferOf(op, arg, value, ['float32']);
    const tensor = value as Tensor<'float32'>;
    if (!sameShape(tensor.shape, slot.shape)) {
      throw new PointwiseError(
        'SHAPE_MISMATCH',
        { op, arg, value },
        `shape must be [${slot.shape.join(', ')}]`,
      );
    }
    if (sameStorage(value, dy) && slot.name !== 'dx') {
      throw new PointwiseError(
        'INVALID_ARGUMENT',
        { op, arg, value },
        'must not be dy (only out.dx may reuse dy)',
      );
    }
    for (const r of [...reads, ...seen]) {
      if (sameStorage(value, r.tensor)) {
        throw new PointwiseError(
          'INVALID_ARGUMENT',
          { op, arg, value },
          `must not be ${r.arg} (or a view of it): the call reads or writes it too`,
        );
      }
    }
    seen.push({ arg, tensor: value });
    given[slot.name] = { tensor, buffer };
  }
  return given;
}

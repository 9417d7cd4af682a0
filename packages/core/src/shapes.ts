// Shape and dtype validation shared by tensor creation, reshape and fill: the same
// checks and messages wherever a shape or dtype comes from the user. Exported for
// backends' interop entry points (webgpu's wrapGPUBuffer), which take shapes too.

import { DTYPES, isDType } from './dtypes.js';
import { PointwiseError } from './errors.js';

/** Throws INVALID_ARGUMENT naming `op` and `dtype` unless `dtype` is one of core's dtypes. */
export function checkDType(op: string, dtype: unknown): void {
  if (!isDType(dtype)) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'dtype', value: dtype },
      `must be one of ${DTYPES.join(', ')}`,
    );
  }
}

/** Validates a shape (and its element count against `length`, unless null) as `tensor()` does; returns the element count. */
export function checkShape(op: string, shape: unknown, length: number | null): number {
  if (
    !Array.isArray(shape) ||
    shape.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)
  ) {
    throw new PointwiseError(
      'SHAPE_MISMATCH',
      { op, arg: 'shape', value: shape },
      'must be an array of non-negative integers',
    );
  }
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(size)) {
    throw new PointwiseError(
      'SHAPE_MISMATCH',
      { op, arg: 'shape', value: shape },
      'holds more than 2^53 elements',
    );
  }
  if (length !== null && size !== length) {
    throw new PointwiseError(
      'SHAPE_MISMATCH',
      { op, arg: 'shape', value: shape },
      `holds ${size} elements but data has ${length}`,
    );
  }
  return size;
}

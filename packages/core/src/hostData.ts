// Strict conversion of what users pass to `pw.tensor()` into one typed array and a
// shape: typed arrays as they are, plain (possibly nested) arrays with their shape
// inferred. Anything a tensor cannot represent is a PointwiseError naming the index
// (`data[1][0]`), never a silent NaN: strings, null, undefined, booleans, holes,
// ragged rows, bigints in a float tensor, non-integers in an integer tensor.

import { allocHostArray, type DType, dtypeOfHostArray, type HostArray } from './dtypes.js';
import { PointwiseError } from './errors.js';

/** Plain numbers, nested to any depth (`[[1, 2], [3, 4]]`), or bigints for int64. */
export type NestedNumbers = readonly (number | bigint | NestedNumbers)[];

const INT_RANGE: Record<'uint8' | 'int32', [number, number]> = {
  uint8: [0, 255],
  int32: [-(2 ** 31), 2 ** 31 - 1],
};

function fail(
  code: 'INVALID_ARGUMENT' | 'SHAPE_MISMATCH' | 'DTYPE_MISMATCH' | 'PARAM_OUT_OF_RANGE',
  arg: string,
  value: unknown,
  reason: string,
): never {
  throw new PointwiseError(code, { op: 'tensor', arg, value }, reason);
}

/** The shape of a nested array, checking every row has the same length. */
function inferShape(data: readonly unknown[]): number[] {
  const shape: number[] = [];
  let level: unknown = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

/** Flattens `data` (checked against `shape`) into a typed array of `dtype`. */
function flatten(data: readonly unknown[], shape: number[], dtype: DType): HostArray {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = allocHostArray(dtype, size);
  let next = 0;
  const visit = (node: unknown, depth: number, path: string): void => {
    if (depth < shape.length) {
      if (!Array.isArray(node) || node.length !== shape[depth]) {
        fail(
          'SHAPE_MISMATCH',
          path,
          node,
          `ragged nested array: expected ${Array.isArray(node) ? '' : 'an array of '}${shape[depth]} entries like data${'[0]'.repeat(depth)}`,
        );
      }
      for (let i = 0; i < node.length; i++) {
        // a hole (`[1, , 3]`) reads as undefined and is rejected below
        visit(node[i], depth + 1, `${path}[${i}]`);
      }
      return;
    }
    out[next++] = element(node, dtype, path) as never;
  };
  visit(data, 0, 'data');
  return out;
}

function element(value: unknown, dtype: DType, path: string): number | bigint {
  if (Array.isArray(value))
    fail('SHAPE_MISMATCH', path, value, 'ragged nested array: a row is deeper than the first one');
  if (dtype === 'int64') {
    if (typeof value === 'bigint') {
      if (value < -(1n << 63n) || value >= 1n << 63n)
        fail('PARAM_OUT_OF_RANGE', path, value, 'does not fit int64');
      return value;
    }
    if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
    if (typeof value === 'number')
      fail('PARAM_OUT_OF_RANGE', path, value, 'must be an integer (use a bigint beyond 2^53)');
    return fail('INVALID_ARGUMENT', path, value, 'must be a number or bigint for an int64 tensor');
  }
  if (typeof value !== 'number') {
    return fail(
      'INVALID_ARGUMENT',
      path,
      value,
      typeof value === 'bigint'
        ? `a bigint cannot be stored in a ${dtype} tensor (use dtype 'int64')`
        : `must be a number (${dtype} tensor)`,
    );
  }
  if (dtype === 'float32') return value;
  const [lo, hi] = INT_RANGE[dtype];
  if (!Number.isInteger(value) || value < lo || value > hi) {
    fail(
      'PARAM_OUT_OF_RANGE',
      path,
      value,
      `must be an integer in [${lo}, ${hi}] for a ${dtype} tensor`,
    );
  }
  return value;
}

/**
 * Turns `data` into a typed array of `dtype` (default: the typed array's own, or
 * float32 for plain arrays) and its natural shape ([length], or the nested shape).
 */
export function hostArrayFrom(
  data: unknown,
  dtype: DType | undefined,
): { host: HostArray; shape: number[]; dtype: DType } {
  const typed = dtypeOfHostArray(data);
  if (typed !== null) {
    if (dtype !== undefined && dtype !== typed) {
      fail(
        'DTYPE_MISMATCH',
        'dtype',
        dtype,
        `data is a ${(data as object).constructor.name} (${typed}); convert it or omit dtype`,
      );
    }
    return { host: data as HostArray, shape: [(data as HostArray).length], dtype: typed };
  }
  if (!Array.isArray(data)) {
    return fail(
      'DTYPE_MISMATCH',
      'data',
      data,
      'expected Float32Array, Uint8Array, Int32Array, BigInt64Array or a (nested) array of numbers',
    );
  }
  const shape = inferShape(data);
  const resolved = dtype ?? 'float32';
  return { host: flatten(data, shape, resolved), shape, dtype: resolved };
}

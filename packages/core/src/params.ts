// Parameter validation shared by every op. Float parameters are rounded to
// float32 once (SPEC) and must be finite after rounding; seeds are unsigned
// 64-bit. Each check throws a PointwiseError naming the op, argument and value.
// One rule for codes: a value of the wrong kind (not a number, not an object, an
// unknown key) is INVALID_ARGUMENT; a value of the right kind outside what the op
// accepts (NaN, not finite in float32, not an integer, out of range) is
// PARAM_OUT_OF_RANGE.

import { PointwiseError } from './errors.js';
import { f32 } from './float32.js';
import { Tensor } from './tensor.js';

const U64_MAX = (1n << 64n) - 1n;

/** Reject keys the op does not know (a typo like `alhpa` must not pass silently). */
export function checkKnownKeys(
  op: string,
  params: object | undefined,
  known: readonly string[],
): void {
  if (params === undefined) return;
  checkParamsObject(op, params);
  for (const key of Object.keys(params)) {
    if (!known.includes(key)) {
      throw new PointwiseError(
        'INVALID_ARGUMENT',
        { op, arg: key, value: (params as Record<string, unknown>)[key] },
        `unknown parameter; expected one of: ${known.join(', ') || '(none)'}`,
      );
    }
  }
}

/** Params are a plain object or undefined; `5`, `true`, `'fast'`, `null` and arrays are refused. */
export function checkParamsObject(op: string, params: unknown): void {
  if (params === undefined) return;
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'params', value: params },
      'params must be an object or undefined',
    );
  }
}

export interface FloatRange {
  /** Inclusive lower bound (after rounding). */
  min?: number;
  /** Exclusive lower bound (after rounding). */
  above?: number;
  /** Inclusive upper bound. */
  max?: number;
}

/** A float parameter rounded to float32, finite, within range. */
export function floatParam(
  op: string,
  name: string,
  value: unknown,
  fallback: number,
  range: FloatRange = {},
): number {
  const given = value === undefined ? fallback : value;
  if (typeof given !== 'number') {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: name, value: given },
      'must be a number',
    );
  }
  const rounded = f32(given);
  if (!Number.isFinite(rounded)) {
    throw new PointwiseError(
      'PARAM_OUT_OF_RANGE',
      { op, arg: name, value: given },
      'must be finite after rounding to float32',
    );
  }
  checkRange(op, name, given, rounded, range);
  return rounded;
}

/** A float64 parameter (ratio) within range, not rounded. */
export function ratioParam(op: string, value: unknown, fallback: number): number {
  const given = value === undefined ? fallback : value;
  if (typeof given !== 'number') {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'ratio', value: given },
      'must be a number in [0, 1]',
    );
  }
  if (!(given >= 0 && given <= 1)) {
    throw new PointwiseError(
      'PARAM_OUT_OF_RANGE',
      { op, arg: 'ratio', value: given },
      'must be in [0, 1]',
    );
  }
  return given;
}

function checkRange(op: string, name: string, given: unknown, v: number, range: FloatRange): void {
  const fail = (what: string) => {
    throw new PointwiseError('PARAM_OUT_OF_RANGE', { op, arg: name, value: given }, what);
  };
  if (range.min !== undefined && !(v >= range.min)) fail(`must be >= ${range.min}`);
  if (range.above !== undefined && !(v > range.above)) fail(`must be > ${range.above}`);
  if (range.max !== undefined && !(v <= range.max)) fail(`must be <= ${range.max}`);
}

export function booleanParam(op: string, name: string, value: unknown, fallback: boolean): boolean {
  const given = value === undefined ? fallback : value;
  if (typeof given !== 'boolean') {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: name, value: given },
      'must be a boolean',
    );
  }
  return given;
}

/**
 * An unsigned 64-bit integer given as a bigint or a safe non-negative integer number,
 * returned as given (no BigInt is made from a number: dropout runs this per call).
 */
export function u64Param(op: string, name: string, value: unknown): bigint | number {
  const given = value === undefined ? 0 : value;
  if (typeof given === 'number') {
    if (!Number.isSafeInteger(given) || given < 0) {
      throw new PointwiseError(
        'PARAM_OUT_OF_RANGE',
        { op, arg: name, value: given },
        'must be a non-negative safe integer (use a bigint for 64-bit values)',
      );
    }
    return given;
  }
  if (typeof given === 'bigint') {
    if (given < 0n || given > U64_MAX) {
      throw new PointwiseError(
        'PARAM_OUT_OF_RANGE',
        { op, arg: name, value: given },
        'must be in [0, 2^64 - 1]',
      );
    }
    return given;
  }
  throw new PointwiseError(
    'INVALID_ARGUMENT',
    { op, arg: name, value: given },
    'must be a bigint or an integer number',
  );
}

/** An integer parameter (replacement id) that fits the values' integer type. */
export function integerParam(op: string, name: string, value: unknown, bits: 32 | 64): bigint {
  const given = value === undefined ? 0 : value;
  let v: bigint;
  if (typeof given === 'number') {
    if (!Number.isSafeInteger(given)) {
      throw new PointwiseError(
        'PARAM_OUT_OF_RANGE',
        { op, arg: name, value: given },
        'must be an integer (use a bigint beyond 2^53)',
      );
    }
    v = BigInt(given);
  } else if (typeof given === 'bigint') v = given;
  else {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: name, value: given },
      'must be an integer (number or bigint)',
    );
  }
  const limit = 1n << BigInt(bits - 1);
  if (v < -limit || v >= limit) {
    throw new PointwiseError(
      'PARAM_OUT_OF_RANGE',
      { op, arg: name, value: given },
      `must be representable as int${bits}`,
    );
  }
  return v;
}

/** The resolver of ops whose only parameter is a float32 `alpha` with a default. */
export function resolveAlpha(fallback: number) {
  return (op: string, params: { alpha?: number } | undefined): { alpha: number } => {
    checkKnownKeys(op, params, ['alpha']);
    return { alpha: floatParam(op, 'alpha', params?.alpha, fallback) };
  };
}

/**
 * A learnable scalar given as a device tensor (clippedRelu's ceiling, shiftedRelu's
 * threshold, dropout's replacement): float32 with one element, shape [] or [1] (the
 * shape backward's gradient has). Its value is not read, so it is not range-checked:
 * the formulas apply to whatever it holds (see the docs). Owner and disposal are
 * checked where its buffer is taken. Returns null for anything that is not a Tensor.
 */
export function deviceScalarParam(
  op: string,
  name: string,
  value: unknown,
): Tensor<'float32'> | null {
  if (!(value instanceof Tensor)) return null;
  if (value.dtype !== 'float32') {
    throw new PointwiseError(
      'DTYPE_MISMATCH',
      { op, arg: name, value },
      'a device parameter must be a float32 tensor',
    );
  }
  if (value.size !== 1 || value.shape.length > 1) {
    throw new PointwiseError(
      'SHAPE_MISMATCH',
      { op, arg: name, value },
      'a device parameter must hold one value: shape [] or [1]',
    );
  }
  return value as Tensor<'float32'>;
}

/** The `paramGrad` backward option: absent, true or false (every backward). */
export function checkParamGradOption(op: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'paramGrad', value },
      'must be true or false (false: dx only, no parameter gradient)',
    );
  }
}

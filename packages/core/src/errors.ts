// The one error class Pointwise throws, with stable codes (SPEC section 4).
// Every rejected call throws before any work, so a PointwiseError means
// nothing was written: no output, no input.

export const ERROR_CODES = [
  'SHAPE_MISMATCH',
  'DTYPE_MISMATCH',
  'PARAM_OUT_OF_RANGE',
  'INVALID_ARGUMENT',
  'TENSOR_DISPOSED',
  'FOREIGN_TENSOR',
  'X_REQUIRED',
  'BACKEND_UNAVAILABLE',
  'KERNEL_MISSING',
  'OUT_OF_MEMORY',
  'SYNC_READ_UNSUPPORTED',
  'DEVICE_LOST',
  'INSTANCE_DESTROYED',
  'PARAMS_MISMATCH',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface PointwiseErrorDetails {
  /** The op (or API entry point) that rejected the call, e.g. `elu` or `tensor`. */
  op: string;
  /** The argument or parameter at fault, e.g. `alpha` or `x.shape`. */
  arg?: string;
  /** The offending value, as given. */
  value?: unknown;
}

/**
 * Marks every PointwiseError, so `instanceof` also holds across copies of this module
 * (the conformance CLI bundle, a backend resolving another copy of core, two installs).
 */
const POINTWISE_ERROR = Symbol.for('@pointwise/core.PointwiseError');

export class PointwiseError extends Error {
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && POINTWISE_ERROR in value;
  }

  readonly code: ErrorCode;
  readonly op: string;
  readonly arg: string | undefined;
  readonly value: unknown;
  /** The reason alone, without the code, op and value prefix. */
  readonly reason: string;

  constructor(code: ErrorCode, details: PointwiseErrorDetails, reason: string) {
    const where = details.arg === undefined ? details.op : `${details.op}: ${details.arg}`;
    const shown = 'value' in details ? ` (got ${describeValue(details.value)})` : '';
    super(`[${code}] ${where}: ${reason}${shown}`);
    this.name = 'PointwiseError';
    this.code = code;
    this.op = details.op;
    this.arg = details.arg;
    this.value = details.value;
    this.reason = reason;
    Object.defineProperty(this, POINTWISE_ERROR, { value: true });
  }
}

/** A short, safe rendering of any value for an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value))
    return `[${value.slice(0, 8).map(describeValue).join(', ')}${value.length > 8 ? ', …' : ''}]`;
  if (ArrayBuffer.isView(value))
    return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length})`;
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object' && 'shape' in value && 'dtype' in value) {
    const t = value as { shape: readonly number[]; dtype: string };
    const kind = isTfjsTensor(value) ? 'tf.Tensor' : 'Tensor';
    const shape = Array.isArray(t.shape) ? t.shape.join(', ') : String(t.shape);
    return `${kind}<${t.dtype}>[${shape}]`;
  }
  return typeof value;
}

/** A TensorFlow.js tf.Tensor, recognised by shape (no tfjs import): dataId plus its bookkeeping. */
export function isTfjsTensor(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return (
    'dataId' in value &&
    'shape' in value &&
    'dtype' in value &&
    ('kernelBackend' in value || 'rankType' in value || 'isDisposedInternal' in value)
  );
}

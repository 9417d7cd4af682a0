// Tensor methods and instance helpers a training loop needs without a host round
// trip through a new allocation: `t.write(data)`, `t.clone()`, `t.reshape(shape)`,
// `pw.fill` / `pw.ones`, and the fused SGD step `pw.sgdStep(param, grad, lr)`
// (`param = f32(param - f32(lr * grad))`, in place). Each validates before any work,
// as every op does, and runs on the backend's `update` kernel.

import type { PointwiseContext } from './context.js';
import { allocHostArray, type DType, dtypeOfHostArray, type HostArray } from './dtypes.js';
import { PointwiseError } from './errors.js';
import { f32 } from './float32.js';
import { hostArrayFrom } from './hostData.js';
import { checkShape } from './shapes.js';
import { type Shape, storageOf, type Tensor } from './tensor.js';

const FLOAT: readonly ['float32'] = ['float32'];

/** Re-label an error thrown by a shared validator (`tensor`'s) with the op the user called. */
function asOp(error: unknown, op: string, rename: Record<string, string> = {}): unknown {
  if (!(error instanceof PointwiseError) || error.op === op) return error;
  const details: { op: string; arg?: string; value?: unknown } = { op };
  if (error.arg !== undefined) details.arg = rename[error.arg] ?? error.arg;
  if ('value' in error) details.value = error.value;
  return new PointwiseError(error.code, details, error.reason);
}

/** `t.write(data)`: data of t's dtype and element count, copied into t's storage. */
export function writeTensor(ctx: PointwiseContext, t: Tensor, data: unknown): void {
  const buffer = ctx.bufferOf('write', 'tensor', t);
  const typed = dtypeOfHostArray(data);
  if (typed !== null && typed !== t.dtype) {
    throw new PointwiseError(
      'DTYPE_MISMATCH',
      { op: 'write', arg: 'data', value: data },
      `is a ${(data as object).constructor.name} (${typed}) but the tensor is ${t.dtype}`,
    );
  }
  let host: HostArray;
  try {
    host = hostArrayFrom(data, t.dtype).host;
  } catch (error) {
    // `tensor`'s dtype option is this tensor's own dtype here: the data is at fault
    throw asOp(error, 'write', { dtype: 'data' });
  }
  if (host.length !== t.size) {
    throw new PointwiseError(
      'SHAPE_MISMATCH',
      { op: 'write', arg: 'data', value: data },
      `has ${host.length} elements but the tensor [${t.shape.join(', ')}] holds ${t.size}`,
    );
  }
  const kernel = ctx.kernel('update');
  ctx.call('write', () => kernel.write(buffer, t.dtype, host as never));
  t[storageOf].written(null);
}

/** `t.clone()`: a new tensor with a device copy of t (and t's forward record). */
export function cloneTensor<D extends DType>(ctx: PointwiseContext, t: Tensor<D>): Tensor<D> {
  const src = ctx.bufferOf('clone', 'tensor', t);
  const kernel = ctx.kernel('update');
  return ctx.call('clone', (scope) => {
    const copy = scope.empty(t.dtype, t.shape, 'tensor');
    kernel.copy(src, copy.bufferFor('clone', 'tensor'), t.dtype, t.size);
    // same values, so the same forward produced them: backward from the copy is as right
    copy[storageOf].origin = t[storageOf].origin;
    return copy;
  });
}

/** `t.reshape(shape)`: a view on t's storage; one dimension may be -1 (inferred). */
export function reshapeTensor<D extends DType>(
  ctx: PointwiseContext,
  t: Tensor<D>,
  shape: unknown,
): Tensor<D> {
  ctx.bufferOf('reshape', 'tensor', t);
  const resolved = inferShape('reshape', shape, t.size);
  return ctx.adopt(t[storageOf], t.dtype, resolved) as Tensor<D>;
}

function inferShape(op: string, shape: unknown, size: number): number[] {
  const bad = () =>
    new PointwiseError(
      'SHAPE_MISMATCH',
      { op, arg: 'shape', value: shape },
      `must be an array of non-negative integers (one may be -1) holding ${size} elements`,
    );
  if (!Array.isArray(shape)) throw bad();
  const holes = shape.filter((d) => d === -1).length;
  if (holes > 1) throw bad();
  if (holes === 0) {
    checkShape(op, shape, size);
    return [...shape];
  }
  const known = shape.filter((d) => d !== -1);
  checkShape(op, known, null);
  const product = (known as number[]).reduce((a, b) => a * b, 1);
  if (product === 0 || size % product !== 0) throw bad();
  return shape.map((d) => (d === -1 ? size / product : d));
}

/** `pw.fill(shape, value, dtype)`: a new tensor with every element `value`. */
export function fillTensor<D extends DType>(
  ctx: PointwiseContext,
  op: string,
  shape: Shape,
  value: unknown,
  dtype: D,
): Tensor<D> {
  ctx.checkAlive(op);
  ctx.checkDType(op, dtype);
  const size = checkShape(op, shape, null);
  const host = allocHostArray(dtype, size);
  if (dtype === 'int64') {
    const v = typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value;
    if (typeof v !== 'bigint' || BigInt.asIntN(64, v) !== v) {
      throw new PointwiseError(
        typeof v === 'bigint' || typeof v === 'number' ? 'PARAM_OUT_OF_RANGE' : 'INVALID_ARGUMENT',
        { op, arg: 'value', value },
        'must be an integer representable in int64 (a bigint or a safe integer)',
      );
    }
    (host as BigInt64Array).fill(v);
  } else {
    if (typeof value !== 'number') {
      throw new PointwiseError('INVALID_ARGUMENT', { op, arg: 'value', value }, 'must be a number');
    }
    if (dtype !== 'float32') {
      const [lo, hi] = dtype === 'uint8' ? [0, 255] : [-(2 ** 31), 2 ** 31 - 1];
      if (!Number.isInteger(value) || value < lo || value > hi) {
        throw new PointwiseError(
          'PARAM_OUT_OF_RANGE',
          { op, arg: 'value', value },
          `must be an integer in [${lo}, ${hi}] for ${dtype}`,
        );
      }
    }
    // float32: any number, NaN and ±Inf included (data values are never errors)
    (host as Float32Array).fill(value);
  }
  return ctx.upload(op, 'shape', host, dtype, shape);
}

/** `pw.sgdStep(param, grad, lr)`: param = f32(param - f32(f32(lr) * grad)), in place. */
export function sgdStep(
  ctx: PointwiseContext,
  param: Tensor<'float32'>,
  grad: Tensor<'float32'>,
  lr: unknown,
): Tensor<'float32'> {
  const op = 'sgdStep';
  const paramBuffer = ctx.bufferOf(op, 'param', param, FLOAT);
  const gradBuffer = ctx.bufferOf(op, 'grad', grad, FLOAT);
  if (grad[storageOf] === param[storageOf]) {
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'grad', value: grad },
      'must not be param itself (or a view of it)',
    );
  }
  if (
    grad.size !== param.size ||
    grad.shape.length !== param.shape.length ||
    grad.shape.some((d, i) => d !== param.shape[i])
  ) {
    throw new PointwiseError(
      'SHAPE_MISMATCH',
      { op, arg: 'grad', value: grad },
      `shape must be param's, [${param.shape.join(', ')}]`,
    );
  }
  if (typeof lr !== 'number') {
    throw new PointwiseError('INVALID_ARGUMENT', { op, arg: 'lr', value: lr }, 'must be a number');
  }
  const rounded = f32(lr);
  if (!Number.isFinite(rounded) || !(rounded >= 0)) {
    throw new PointwiseError(
      'PARAM_OUT_OF_RANGE',
      { op, arg: 'lr', value: lr },
      'must be >= 0 and finite after rounding to float32 (PyTorch refuses a negative lr too)',
    );
  }
  const kernel = ctx.kernel('update');
  ctx.call(op, () =>
    kernel.sgdStep({ param: paramBuffer, grad: gradBuffer, size: param.size, lr: rounded }),
  );
  param[storageOf].written(null);
  return param;
}

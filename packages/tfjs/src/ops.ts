// Pointwise's ops that tfjs lacks, as tfjs ops with gradients: shiftedRelu (learnable
// threshold), clippedRelu (PACT, learnable ceiling), thresholdedRelu in one kernel, elu
// with any alpha, Philox dropout with a (learnable) replacement, and Caffe2's sparse
// dropout on int32 ids. Arguments are checked here; bad ones throw PointwiseError
// before any kernel runs. Kernels register themselves on first use (cpu and wasm).

import { PointwiseError } from '@pointwise/core';
import * as tfc from '@tensorflow/tfjs-core';
import { registerNewKernels } from './install.js';
import { newGradientConfigs } from './newGradients.js';
import type { Tensor } from './tfTypes.js';

type TfTensor = tfc.Tensor;
let registered = false;

/** Registers Pointwise's new kernels and their gradients once (idempotent). */
export function registerPointwiseOps(): void {
  if (registered) return;
  registerNewKernels(tfc as never);
  const run = (name: string, inputs: Record<string, Tensor>, attrs?: Record<string, unknown>) =>
    kernel(name, inputs as never, attrs as never) as unknown as Tensor | Tensor[];
  for (const g of newGradientConfigs(run))
    if (tfc.getGradient(g.kernelName) === undefined) tfc.registerGradient(g as never);
  registered = true;
}

function kernel(name: string, inputs: Record<string, Tensor>, attrs?: Record<string, unknown>) {
  return tfc.engine().runKernel(name, inputs as never, attrs as never) as unknown;
}

function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && 'dataId' in v && 'dtype' in v && 'shape' in v;
}

function floatTensor(op: string, arg: string, v: unknown): Tensor {
  if (!isTensor(v))
    throw new PointwiseError('INVALID_ARGUMENT', { op, arg, value: v }, 'must be a tfjs Tensor');
  if (v.dtype !== 'float32')
    throw new PointwiseError('DTYPE_MISMATCH', { op, arg, value: v.dtype }, 'must be float32');
  return v;
}

function finiteNumber(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number')
    throw new PointwiseError('INVALID_ARGUMENT', { op, arg, value: v }, 'must be a number');
  if (!Number.isFinite(Math.fround(v)))
    throw new PointwiseError(
      'PARAM_OUT_OF_RANGE',
      { op, arg, value: v },
      'must be finite as float32',
    );
  return Math.fround(v);
}

/** A learnable parameter: a float32 tensor as given, or a number made into a scalar tensor. */
function param(op: string, arg: string, v: unknown): Tensor {
  if (isTensor(v)) return floatTensor(op, arg, v);
  return tfc.scalar(finiteNumber(op, arg, v)) as unknown as Tensor;
}

function u64(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number')
    throw new PointwiseError('INVALID_ARGUMENT', { op, arg, value: v }, 'must be a number');
  if (!Number.isSafeInteger(v) || v < 0)
    throw new PointwiseError(
      'PARAM_OUT_OF_RANGE',
      { op, arg, value: v },
      'must be a non-negative safe integer',
    );
  return v;
}

function rateOf(op: string, v: unknown): number {
  if (typeof v !== 'number')
    throw new PointwiseError('INVALID_ARGUMENT', { op, arg: 'rate', value: v }, 'must be a number');
  if (!(v >= 0 && v <= 1))
    throw new PointwiseError(
      'PARAM_OUT_OF_RANGE',
      { op, arg: 'rate', value: v },
      'must be in [0, 1]',
    );
  return v;
}

function withParam<T>(p: Tensor, given: unknown, run: () => T): T {
  try {
    return run();
  } finally {
    if (p !== given) p.dispose();
  }
}

/** max(0, x - threshold); threshold a number or a float32 tensor ([] / [1], or [C] per channel on x's last axis). */
export function shiftedRelu<T extends Tensor>(x: T, threshold: Tensor | number = 0): T {
  const op = 'shiftedRelu';
  registerPointwiseOps();
  floatTensor(op, 'x', x);
  const t = param(op, 'threshold', threshold);
  return withParam(t, threshold, () => kernel('PointwiseShiftedRelu', { x, threshold: t }) as T);
}

/** x <= 0 ? +0 : min(x, ceiling) (PACT); the ceiling gets dy where x >= ceiling. */
export function clippedRelu<T extends Tensor>(x: T, ceiling: Tensor | number = 6): T {
  const op = 'clippedRelu';
  registerPointwiseOps();
  floatTensor(op, 'x', x);
  if (typeof ceiling === 'number' && !(Math.fround(ceiling) > 0))
    throw new PointwiseError(
      'PARAM_OUT_OF_RANGE',
      { op, arg: 'ceiling', value: ceiling },
      'must be > 0',
    );
  const c = param(op, 'ceiling', ceiling);
  return withParam(c, ceiling, () => kernel('PointwiseClippedRelu', { x, ceiling: c }) as T);
}

/** ONNX / Caffe2 ThresholdedRelu: x <= alpha ? +0 : x, one kernel. */
export function thresholdedRelu<T extends Tensor>(x: T, alpha = 1): T {
  const op = 'thresholdedRelu';
  registerPointwiseOps();
  floatTensor(op, 'x', x);
  const a = finiteNumber(op, 'alpha', alpha);
  return kernel('PointwiseThresholdedRelu', { x }, { alpha: a }) as T;
}

/** x > 0 ? x : alpha * expm1(x), any finite alpha (tfjs's elu has alpha 1 only). */
export function elu<T extends Tensor>(x: T, alpha = 1): T {
  const op = 'elu';
  registerPointwiseOps();
  floatTensor(op, 'x', x);
  const a = finiteNumber(op, 'alpha', alpha);
  return kernel('PointwiseElu', { x }, { alpha: a }) as T;
}

export interface DropoutWithReplacementOptions {
  /** Probability of dropping an element, in [0, 1] (default 0.5). */
  rate?: number;
  /** Value written where an element is dropped: a number, or a float32 [] / [1] tensor (learnable). */
  replacement?: Tensor | number;
  /** Philox key and counter stream: non-negative safe integers (default 0). */
  seed?: number;
  stream?: number;
  /** Inverted dropout: kept elements times f32(1 / (1 - rate)) (default true). */
  scale?: boolean;
  /** false: the identity (inference). Default true. */
  training?: boolean;
}

/**
 * Pointwise's dense dropout with replacement: element i is dropped by the Philox4x32-10
 * draw for (seed, stream, i), the same bits on every backend. Returns y and the keep mask
 * (bool, 1 = kept); dispose the mask if you do not need it (gradients keep their own copy).
 */
export function dropoutWithReplacement<T extends Tensor>(
  x: T,
  options: DropoutWithReplacementOptions = {},
): { y: T; mask: T } {
  const op = 'dropoutWithReplacement';
  registerPointwiseOps();
  floatTensor(op, 'x', x);
  if (typeof options !== 'object' || options === null)
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op, arg: 'options', value: options },
      'must be an object',
    );
  const known = ['rate', 'replacement', 'seed', 'stream', 'scale', 'training'];
  for (const k of Object.keys(options))
    if (!known.includes(k))
      throw new PointwiseError(
        'INVALID_ARGUMENT',
        { op, arg: k, value: (options as Record<string, unknown>)[k] },
        'unknown option',
      );
  const rate = rateOf(op, options.rate ?? 0.5);
  const seed = u64(op, 'seed', options.seed ?? 0);
  const stream = u64(op, 'stream', options.stream ?? 0);
  const scale = options.scale ?? true;
  const training = options.training ?? true;
  for (const [k, v] of [
    ['scale', scale],
    ['training', training],
  ] as const)
    if (typeof v !== 'boolean')
      throw new PointwiseError('INVALID_ARGUMENT', { op, arg: k, value: v }, 'must be a boolean');
  const given = options.replacement ?? 0;
  const r = param(op, 'replacement', given);
  if (r.size !== 1) {
    if (r !== given) r.dispose();
    throw new PointwiseError(
      'SHAPE_MISMATCH',
      { op, arg: 'replacement.shape', value: r.shape },
      'must be [] or [1]',
    );
  }
  try {
    if (!training)
      return {
        y: (x as unknown as TfTensor).clone() as unknown as T,
        mask: tfc.ones(x.shape, 'bool') as unknown as T,
      };
    const [y, mask] = kernel(
      'PointwiseDropout',
      { x, replacement: r },
      { rate, seed, stream, scale },
    ) as T[];
    return { y: y as T, mask: mask as T };
  } finally {
    if (r !== given) r.dispose();
  }
}

export interface SparseDropoutOptions {
  rate?: number;
  /** The id a dropped segment becomes: an int32 integer (default 0). */
  replacement?: number;
  seed?: number;
  stream?: number;
}

/**
 * Caffe2 SparseDropoutWithReplacement on int32 ids (tfjs has no int64): segment j of
 * `lengths` is dropped by the dense draw's index j and becomes one `replacement` id.
 */
export function sparseDropoutWithReplacement<T extends Tensor>(
  values: T,
  lengths: T,
  options: SparseDropoutOptions = {},
): { values: T; lengths: T } {
  const op = 'sparseDropoutWithReplacement';
  registerPointwiseOps();
  for (const [arg, t] of [
    ['values', values],
    ['lengths', lengths],
  ] as const) {
    if (!isTensor(t))
      throw new PointwiseError('INVALID_ARGUMENT', { op, arg, value: t }, 'must be a tfjs Tensor');
    if (t.dtype !== 'int32')
      throw new PointwiseError(
        'DTYPE_MISMATCH',
        { op, arg, value: t.dtype },
        'must be int32 (tfjs has no int64)',
      );
    if (t.rank !== 1)
      throw new PointwiseError(
        'SHAPE_MISMATCH',
        { op, arg: `${arg}.shape`, value: t.shape },
        'must be 1-D',
      );
  }
  const rate = rateOf(op, options.rate ?? 0);
  const seed = u64(op, 'seed', options.seed ?? 0);
  const stream = u64(op, 'stream', options.stream ?? 0);
  const replacement = options.replacement ?? 0;
  if (
    typeof replacement !== 'number' ||
    !Number.isInteger(replacement) ||
    replacement < -2147483648 ||
    replacement > 2147483647
  )
    throw new PointwiseError(
      'PARAM_OUT_OF_RANGE',
      { op, arg: 'replacement', value: replacement },
      'must be an int32 integer',
    );
  const lens = (lengths as unknown as TfTensor).dataSync() as Int32Array;
  let total = 0;
  for (const l of lens) {
    if (l < 0)
      throw new PointwiseError(
        'PARAM_OUT_OF_RANGE',
        { op, arg: 'lengths', value: l },
        'must be non-negative',
      );
    total += l;
  }
  if (total !== values.size)
    throw new PointwiseError(
      'SHAPE_MISMATCH',
      { op, arg: 'lengths', value: total },
      `must sum to values.length (${values.size})`,
    );
  const [v, l] = kernel(
    'PointwiseSparseDropout',
    { values, lengths },
    { rate, seed, stream, replacement },
  ) as T[];
  return { values: v as T, lengths: l as T };
}

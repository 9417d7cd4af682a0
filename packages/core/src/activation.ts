// The common machinery of the six element-wise activations: one declarative spec
// per op (params, float64 reference, backward-from-y rule, parameter gradient)
// turned into the forward and backward methods of the user API. The conformance
// suite reads the same specs, so an activation added here is tested everywhere.

import type { DeviceBuffer } from './backend.js';
import { PointwiseError } from './errors.js';
import type { ActivationKernel, OpName } from './kernels.js';
import type { Accuracy, CrossReference, OpContext, OpDefinition } from './op.js';
import { checkBackwardOut, type ReadTensor } from './outputs.js';
import { checkParamGradOption, checkParamsObject } from './params.js';
import { type ForwardRecord, type Shape, sameStorage, storageOf, Tensor } from './tensor.js';

/** Float64 oracle for one element; `i` is the flat index (prelu picks its channel). */
export interface ActivationReference<R> {
  forward(x: number, r: R, i: number): number;
  backward(dy: number, x: number, r: R, i: number): number;
  backwardFromY(dy: number, y: number, r: R, i: number): number;
}

/** A learnable parameter's gradient: a sum of per-element terms into `length` slots. */
export interface ParamGradSpec<R> {
  name: 'dslope' | 'dceiling' | 'dthreshold';
  length(r: R): number;
  slot(r: R, i: number): number;
  /** The float64 term element i contributes (from x). */
  term(dy: number, x: number, r: R, i: number): number;
  /** The term from y, for a gradient that backward from y returns too (shiftedRelu); absent: from x only. */
  termFromY?(dy: number, y: number, r: R, i: number): number;
}

export interface ActivationSpec<N extends OpName, P extends object, R, K> {
  name: N;
  summary: string;
  accuracy: Accuracy;
  crossReference: CrossReference;
  conventions: readonly string[];
  paramKeys: readonly (keyof P & string)[];
  /** Validate and round the user's params for an input of `shape`. */
  resolve(op: string, params: P | undefined, shape: Shape): R;
  /** Whether backward may use y instead of x (SPEC table, last column). */
  allowsBackwardFromY(r: R): boolean;
  reference: ActivationReference<R>;
  paramGrad?: ParamGradSpec<R>;
  /** The x values where the derivative changes (for kink ± 1 ulp sweeps). */
  kinks(r: R): number[];
  /** Parameter sets the conformance suite runs (the first is the default). */
  sampleParams: readonly P[];
  /** Turn resolved params into kernel params; `release` runs after the kernel is enqueued. */
  kernelParams(ctx: OpContext, r: R): { params: K; release(): void };
  /** Device tensors the params hold (a slope or ceiling tensor): no output may be one. */
  deviceParams?(r: R): ReadTensor[];
}

export interface ForwardOptions {
  /** Write the result here instead of a new tensor; may be `x` itself (in-place) where SPEC allows backward from y. */
  out?: Tensor<'float32'>;
}

/**
 * Preallocated backward outputs: `dx` (dy.shape; may be `dy` itself) and optionally
 * the parameter gradients `G`. The call writes into them and returns them; nothing is
 * allocated. An output may not be x, y, a device parameter or another output.
 */
export interface BackwardOptions<G extends string> {
  out?: { dx: Tensor<'float32'> } & { [K in G]?: Tensor<'float32'> };
  /**
   * false: compute dx only and skip the parameter gradient's sum (a parameter that is
   * not learned, as PyTorch computes only the gradients that are required). The result
   * is then `{ dx }` and `out` may hold dx only. Default true; accepted by every
   * backward, a no-op where the op has no parameter gradient.
   */
  paramGrad?: boolean;
}

/** Backward options with the parameter gradient on (the default). */
type WithParamGrad<G extends string> = Omit<BackwardOptions<G>, 'paramGrad'> & {
  paramGrad?: true;
};

/**
 * Backward options whose `out` may hold dx only: `paramGrad: false` (only dx is computed)
 * or a `paramGrad` known only at run time (every backward with a parameter uses it).
 */
export interface DxOnlyOptions<B extends boolean = false> {
  out?: { dx: Tensor<'float32'> };
  paramGrad: B;
}

/** The forward tensor saved for backward: x, or y where the op allows it. */
export type SavedForward =
  | { x: Tensor<'float32'>; y?: undefined }
  | { y: Tensor<'float32'>; x?: undefined };

type Grad<G extends string> = { dx: Tensor<'float32'> } & { [K in G]?: Tensor<'float32'> };

/** What backward returns: dx, plus the parameter gradients `G` that are always there. */
export type ActivationGrads<G extends string> = { dx: Tensor<'float32'> } & {
  [K in G]: Tensor<'float32'>;
};

/**
 * The user-facing methods of one activation: forward, and backward with one overload
 * per saved tensor, so `{x}` types the parameter gradients `G` as present and `{y}`
 * types exactly those it gives (`GY`).
 */
export type ActivationApi<N extends string, P, G extends string, GY extends string = never> = {
  [K in N]: (x: Tensor<'float32'>, params?: P & ForwardOptions) => Tensor<'float32'>;
} & {
  [K in `${N}Backward`]: {
    (
      dy: Tensor<'float32'>,
      saved: { x: Tensor<'float32'> },
      params?: P & WithParamGrad<G>,
    ): ActivationGrads<G>;
    (
      dy: Tensor<'float32'>,
      saved: { y: Tensor<'float32'> },
      params?: P & WithParamGrad<GY>,
    ): ActivationGrads<GY>;
    (
      dy: Tensor<'float32'>,
      saved: { x: Tensor<'float32'> } | { y: Tensor<'float32'> },
      params: P & DxOnlyOptions,
    ): { dx: Tensor<'float32'> };
    (
      dy: Tensor<'float32'>,
      saved: { x: Tensor<'float32'> } | { y: Tensor<'float32'> },
      params: P & DxOnlyOptions<boolean>,
    ): Grad<G>;
  };
};

export type ActivationMethods<N extends string, P, G extends string> = {
  [K in N]: (
    this: OpContext,
    x: Tensor<'float32'>,
    params?: P & ForwardOptions,
  ) => Tensor<'float32'>;
} & {
  [K in `${N}Backward`]: (
    this: OpContext,
    dy: Tensor<'float32'>,
    saved: SavedForward,
    params?: P & BackwardOptions<G>,
  ) => Grad<G>;
};

const FLOAT: readonly ['float32'] = ['float32'];

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function checkShape(op: string, arg: string, got: Tensor, want: Shape): void {
  if (!sameShape(got.shape, want)) {
    throw new PointwiseError(
      'SHAPE_MISMATCH',
      { op, arg, value: got },
      `shape must be [${want.join(', ')}]`,
    );
  }
}

export function defineActivation<
  N extends OpName,
  P extends object,
  R,
  K,
  G extends string = never,
  GY extends string = never,
>(
  spec: ActivationSpec<N, P, R, K>,
): OpDefinition<ActivationMethods<N, P, G>, ActivationApi<N, P, G, GY>> & {
  spec: ActivationSpec<N, P, R, K>;
} {
  const name = spec.name;
  const backwardName = `${name}Backward`;

  function forward(
    this: OpContext,
    x: Tensor<'float32'>,
    params?: P & ForwardOptions,
  ): Tensor<'float32'> {
    const xBuffer = this.bufferOf(name, 'x', x, FLOAT);
    checkParamsObject(name, params);
    const { out, ...opParams } = (params ?? {}) as P & ForwardOptions;
    const r = spec.resolve(name, opParams as P, x.shape);
    const kernel = this.kernel(name) as unknown as ActivationKernel<K>;
    if (out !== undefined) {
      this.bufferOf(name, 'out', out, FLOAT);
      checkShape(name, 'out', out, x.shape);
      if (sameStorage(out, x) && !spec.allowsBackwardFromY(r)) {
        throw new PointwiseError(
          'X_REQUIRED',
          { op: name, arg: 'out', value: out },
          'in-place forward would lose x, and backward needs x for these params (SPEC)',
        );
      }
      for (const param of spec.deviceParams?.(r) ?? []) {
        if (sameStorage(out, param.tensor)) {
          throw new PointwiseError(
            'INVALID_ARGUMENT',
            { op: name, arg: 'out', value: out },
            `must not be the ${param.arg} tensor the call reads`,
          );
        }
      }
    }
    return this.call(name, (scope) => {
      const y = out ?? scope.empty('float32', x.shape, 'y');
      const { params: kernelParams, release } = spec.kernelParams(this, r);
      try {
        kernel.forward({
          x: xBuffer,
          y: y.bufferFor(name, 'out'),
          size: x.size,
          params: kernelParams,
        });
      } finally {
        release();
      }
      y[storageOf].written(forwardRecord(name, opParams, r, spec.deviceParams?.(r) ?? []));
      return y;
    });
  }

  function backward(
    this: OpContext,
    dy: Tensor<'float32'>,
    saved: SavedForward,
    params?: P & BackwardOptions<G>,
  ): Grad<G> {
    const dyBuffer = this.bufferOf(backwardName, 'dy', dy, FLOAT);
    if (
      saved === null ||
      typeof saved !== 'object' ||
      (saved.x === undefined) === (saved.y === undefined)
    ) {
      throw new PointwiseError(
        'INVALID_ARGUMENT',
        { op: backwardName, arg: 'saved', value: saved },
        'pass exactly one of { x } or { y }',
      );
    }
    const from = saved.x !== undefined ? 'x' : 'y';
    const source = (saved.x ?? saved.y) as Tensor<'float32'>;
    const sourceBuffer = this.bufferOf(backwardName, from, source, FLOAT);
    checkShape(backwardName, 'dy', dy, source.shape);
    checkParamsObject(backwardName, params);
    const { out, paramGrad, ...opParams } = (params ?? {}) as P & BackwardOptions<G>;
    checkParamGradOption(backwardName, paramGrad);
    const origin = from === 'y' ? source[storageOf].origin : null;
    const r = origin
      ? (recordedParams(spec, backwardName, origin, opParams, source.shape) as R)
      : spec.resolve(backwardName, opParams as P, source.shape);
    if (from === 'y' && !spec.allowsBackwardFromY(r)) {
      throw new PointwiseError(
        'X_REQUIRED',
        { op: backwardName, arg: 'y', value: source },
        'backward from y is not allowed for this op and params (SPEC): pass { x }',
      );
    }
    const gradSpec = spec.paramGrad;
    const gradComputed =
      !!gradSpec && paramGrad !== false && (from === 'x' || gradSpec.termFromY !== undefined);
    const given = checkBackwardOut(
      this,
      backwardName,
      out,
      gradSpec
        ? [
            { name: 'dx', shape: source.shape, computed: true },
            {
              name: gradSpec.name,
              shape: [gradSpec.length(r)],
              computed: gradComputed,
              ...(paramGrad === false ? { notComputed: 'paramGrad is false' } : {}),
            },
          ]
        : [{ name: 'dx', shape: source.shape, computed: true }],
      dy,
      [{ arg: from, tensor: source }, ...(spec.deviceParams?.(r) ?? [])],
    );
    const kernel = this.kernel(name) as unknown as ActivationKernel<K>;
    return this.call(backwardName, (scope) => {
      const dx = given.dx?.tensor ?? scope.empty('float32', source.shape, 'dx');
      const grad =
        gradSpec && gradComputed
          ? (given[gradSpec.name]?.tensor ??
            scope.empty('float32', [gradSpec.length(r)], gradSpec.name))
          : null;
      const { params: kernelParams, release } = spec.kernelParams(this, r);
      try {
        const call: Record<string, unknown> = {
          dy: dyBuffer,
          source: sourceBuffer,
          from,
          dx: dx.bufferFor(backwardName, 'dx'),
          size: source.size,
          params: kernelParams,
        };
        if (spec.paramGrad)
          call[spec.paramGrad.name] = grad
            ? (grad.bufferFor(backwardName, spec.paramGrad.name) as DeviceBuffer)
            : null;
        kernel.backward(call as never);
      } finally {
        release();
      }
      const result: Record<string, Tensor<'float32'>> = { dx };
      if (spec.paramGrad && grad) result[spec.paramGrad.name] = grad;
      for (const t of Object.values(result)) t[storageOf].written(null);
      return result as Grad<G>;
    });
  }

  const methods = { [name]: forward, [backwardName]: backward } as unknown as ActivationMethods<
    N,
    P,
    G
  >;
  return {
    name,
    summary: spec.summary,
    accuracy: spec.accuracy,
    crossReference: spec.crossReference,
    conventions: spec.conventions,
    methods,
    spec,
  };
}

/** What a forward call leaves on its y (see `ForwardRecord`). */
function forwardRecord(
  op: string,
  given: object,
  resolved: unknown,
  deviceParams: readonly ReadTensor[],
): ForwardRecord {
  return {
    op,
    given: { ...given },
    resolved,
    deviceParams: deviceParams.map(({ arg, tensor }) => ({
      arg,
      tensor: tensor as Tensor,
      version: (tensor as Tensor)[storageOf].version,
    })),
  };
}

/**
 * The params for a backward from a y that a forward recorded: the forward's, when the
 * call gives none; the same (after resolving what it gives over the forward's) when it
 * gives some; else PARAMS_MISMATCH. A y of another op, or a device parameter written
 * since (sgdStep, write), is PARAMS_MISMATCH too: the gradient would be wrong.
 */
function recordedParams<R>(
  spec: { name: string; resolve(op: string, params: never, shape: Shape): R },
  op: string,
  origin: ForwardRecord,
  given: object,
  shape: Shape,
): R {
  if (origin.op !== spec.name) {
    throw new PointwiseError(
      'PARAMS_MISMATCH',
      { op, arg: 'y', value: origin.op },
      `y was produced by ${origin.op}, not ${spec.name}: pass the y of a ${spec.name} forward (or { x })`,
    );
  }
  for (const d of origin.deviceParams) {
    if (!d.tensor.disposed && d.tensor[storageOf].version !== d.version) {
      throw new PointwiseError(
        'PARAMS_MISMATCH',
        { op, arg: d.arg, value: d.tensor },
        'was written (sgdStep, write, an out) after the forward that produced y: backward from y would use other values; run backward before the update',
      );
    }
  }
  const keys = Object.keys(given).filter(
    (k) => (given as Record<string, unknown>)[k] !== undefined,
  );
  if (keys.length === 0) return origin.resolved as R;
  const merged = { ...origin.given, ...given };
  const resolved = spec.resolve(op, merged as never, shape);
  if (!sameResolved(resolved, origin.resolved)) {
    const key = keys[0] as string;
    throw new PointwiseError(
      'PARAMS_MISMATCH',
      { op, arg: key, value: (given as Record<string, unknown>)[key] },
      `differs from the forward that produced y (${key}: ${describeGiven(origin.given[key])}); omit it to use the forward's`,
    );
  }
  return origin.resolved as R;
}

function describeGiven(value: unknown): string {
  if (value === undefined) return 'the default';
  if (value instanceof Tensor) return `a device tensor [${value.shape.join(', ')}]`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  return String(value);
}

/** Resolved params compared as the kernels see them: numbers by bits, tensors by identity. */
function sameResolved(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Float32Array && b instanceof Float32Array)
    return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
  if (a instanceof Tensor || b instanceof Tensor) return false;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameResolved((a as never)[k], (b as never)[k]));
}

/** An activation definition whose `api` type carries per-op documentation. */
export type DocumentedActivation<D, Api> = D & { readonly api?: Api };

/** Kernel params that need no device upload. */
export function hostKernelParams<R>(_ctx: OpContext, r: R): { params: R; release(): void } {
  return { params: r, release() {} };
}

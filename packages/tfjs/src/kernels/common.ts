// What every Pointwise kernel for tfjs shares: the kernel function shape, the
// fallback to tfjs's own kernel for inputs outside Pointwise's float32 contract,
// and allocation of outputs before any view is taken (wasm's heap may move).

import { requireStorage, type Storage, sizeOf } from '../storage.js';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '../tfTypes.js';

export interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: unknown;
  attrs?: NamedAttrMap;
}
export type KernelFunction = (args: KernelArgs) => TensorInfo | TensorInfo[];

/**
 * A tfjs built-in kernel that Pointwise replaces: `make` receives tfjs's original
 * config for that backend (or undefined) and returns the replacement.
 */
export interface Override {
  readonly kernelName: string;
  /** `fixOnly`: keep tfjs's kernel wherever it is right (a default install on a backend where tfjs's is faster). */
  make(original: KernelConfig | undefined, backendName: string, fixOnly: boolean): KernelFunction;
}

/** A kernel tfjs does not have (a new name, `Pointwise…`), registered per backend. */
export interface NewKernel {
  readonly kernelName: string;
  readonly kernelFunc: KernelFunction;
}

const setUp = new WeakMap<KernelConfig, WeakSet<object>>();

/**
 * Runs tfjs's original kernel. wasm kernels cache their C entry points in setupFunc,
 * which tfjs runs only at setBackend; run it once per backend instance first.
 */
export function runOriginal(
  original: KernelConfig | undefined,
  args: KernelArgs,
  kernelName: string,
): TensorInfo | TensorInfo[] {
  if (original === undefined) throw new Error(`${kernelName}: no tfjs kernel to fall back to`);
  if (
    original.setupFunc !== undefined &&
    typeof args.backend === 'object' &&
    args.backend !== null
  ) {
    let seen = setUp.get(original);
    if (seen === undefined) {
      seen = new WeakSet();
      setUp.set(original, seen);
    }
    if (!seen.has(args.backend)) {
      (original.setupFunc as (backend: unknown) => void)(args.backend);
      seen.add(args.backend);
    }
  }
  return (original.kernelFunc as KernelFunction)(args);
}

/** Allocates the outputs, then views inputs and outputs: the order wasm needs. */
export function withViews<I extends string>(
  storage: Storage,
  inputs: Record<I, TensorInfo>,
  outputs: readonly { shape: readonly number[]; dtype: 'float32' | 'int32' | 'bool' }[],
): {
  out: TensorInfo[];
  v: Record<I, Float32Array>;
  o: (Float32Array | Int32Array | Uint8Array)[];
} {
  const out = outputs.map((o) => storage.alloc(o.shape, o.dtype));
  const v = {} as Record<I, Float32Array>;
  for (const k of Object.keys(inputs) as I[]) v[k] = storage.view(inputs[k]) as Float32Array;
  return { out, v, o: out.map((t) => storage.view(t)) };
}

/**
 * An element-wise float32 kernel: one output shaped like x. Other dtypes go to tfjs's
 * original kernel (or are refused by `refuse` for Pointwise's own ops).
 */
export function unaryFloat(
  kernelName: string,
  original: KernelConfig | undefined,
  run: (x: Float32Array, y: Float32Array, size: number, attrs: NamedAttrMap) => void,
): KernelFunction {
  return (args) => {
    const x = args.inputs.x as TensorInfo;
    if (x.dtype !== 'float32') return runOriginal(original, args, kernelName);
    const storage = requireStorage(args.backend, kernelName);
    const size = sizeOf(x.shape);
    const { out, v, o } = withViews(storage, { x }, [{ shape: x.shape, dtype: 'float32' }]);
    if (size > 0) run(v.x, o[0] as Float32Array, size, args.attrs ?? {});
    return out[0] as TensorInfo;
  };
}

/** A float32 gradient kernel dx = f(dy, saved): one output shaped like dy. */
export function gradFloat(
  kernelName: string,
  savedName: string,
  run: (
    dy: Float32Array,
    saved: Float32Array,
    dx: Float32Array,
    size: number,
    attrs: NamedAttrMap,
  ) => void,
): NewKernel {
  return {
    kernelName,
    kernelFunc: (args) => {
      const dy = args.inputs.dy as TensorInfo;
      const saved = args.inputs[savedName] as TensorInfo;
      const storage = requireStorage(args.backend, kernelName);
      const size = sizeOf(dy.shape);
      const { out, v, o } = withViews(storage, { dy, saved }, [
        { shape: dy.shape, dtype: 'float32' },
      ]);
      if (size > 0) run(v.dy, v.saved, o[0] as Float32Array, size, args.attrs ?? {});
      return out[0] as TensorInfo;
    },
  };
}

/** float32 rounding of a parameter, once, before use (the contract's rule). */
export const f32 = Math.fround;

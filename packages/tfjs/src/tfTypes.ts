// The few tfjs shapes this package's API names, written out structurally so its .d.ts
// does not pull in tfjs-core's own declarations (those need the DOM lib and Long; a
// Node project compiled without skipLibCheck could not use the package otherwise).
// Every tfjs Tensor, TensorInfo and KernelConfig fits these.

export type DataType = 'float32' | 'int32' | 'bool' | 'complex64' | 'string';

/** tfjs's TensorInfo: what a kernel receives and returns. */
export interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: DataType;
}

/** A tfjs Tensor, as far as this package uses one. */
export interface Tensor {
  readonly dataId: object;
  readonly shape: number[];
  readonly dtype: DataType;
  readonly size: number;
  readonly rank: number;
  dispose(): void;
}

export type NamedAttrMap = Record<string, unknown>;

/**
 * tfjs's kernel and gradient configs, loosely: `never` parameters let tfjs's own configs
 * (with their richer types) fit; this package calls them through KernelFunction.
 */
export interface KernelConfig {
  kernelName: string;
  backendName: string;
  kernelFunc(params: never): unknown;
  setupFunc?(backend: never): void;
  disposeFunc?(backend: never): void;
}

export interface GradConfig {
  kernelName: string;
  inputsToSave?: string[];
  saveAllInputs?: boolean;
  outputsToSave?: boolean[];
  gradFunc(dy: never, saved: never, attrs: never): unknown;
}

/** A gradient config as this package writes one (fits GradConfig). */
export interface TypedGradConfig {
  kernelName: string;
  inputsToSave?: string[];
  outputsToSave?: boolean[];
  gradFunc: (
    dy: Tensor | Tensor[],
    saved: Tensor[],
    attrs: NamedAttrMap,
  ) => Record<string, () => Tensor>;
}

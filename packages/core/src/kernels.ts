// The kernel signatures every backend implements, one entry per op. Core calls
// them only with validated, allocated arguments; `size` is the element count.
// Parameters arrive already rounded to float32 (SPEC: rounded once, before use).
// A learnable scalar (ceiling, threshold, replacement) arrives either as that host
// number or, when the user keeps it on the device, as a one-float32 buffer the
// kernel reads itself (`…Buffer` set, the number then unused): no upload for a host
// number, no read-back for a device one.

import type { DeviceBuffer } from './backend.js';
import type { DType, HostArrayOf } from './dtypes.js';
import type { DropoutDraw } from './philox.js';

export interface ActivationForwardCall<P> {
  x: DeviceBuffer;
  /** Output; may be the same buffer as `x` (in-place). */
  y: DeviceBuffer;
  size: number;
  params: P;
}

export interface ActivationBackwardCall<P> {
  dy: DeviceBuffer;
  /** The saved forward tensor: x, or y when `from` is 'y'. */
  source: DeviceBuffer;
  from: 'x' | 'y';
  /** Output; may be the same buffer as `dy`. */
  dx: DeviceBuffer;
  size: number;
  params: P;
}

export interface ActivationKernel<P> {
  forward(call: ActivationForwardCall<P>): void;
  backward(call: ActivationBackwardCall<P>): void;
}

export type NoParams = Record<string, never>;
export interface AlphaParams {
  /** float32-rounded alpha. */
  alpha: number;
}
export interface CeilingParams {
  /** float32-rounded ceiling; unused (0) when `ceilingBuffer` is set. */
  ceiling: number;
  /** A device ceiling: one float32 the kernel reads, or null (use `ceiling`). */
  ceilingBuffer: DeviceBuffer | null;
}
export interface ThresholdParams {
  /** float32-rounded threshold (shiftedRelu's shift); unused (0) when `thresholdBuffer` is set. */
  threshold: number;
  /** A device threshold: one float32 the kernel reads, or null (use `threshold`). */
  thresholdBuffer: DeviceBuffer | null;
}

/**
 * prelu layout: element i belongs to channel floor(i / inner) mod channels.
 * `slope` holds `channels` float32 values on the device.
 */
export interface PreluParams {
  slope: DeviceBuffer;
  channels: number;
  inner: number;
}

export interface PreluKernel extends ActivationKernel<PreluParams> {
  /**
   * Writes dslope (`channels` float32 values): sum of (x > 0 ? 0 : x*dy) per channel;
   * null (`paramGrad: false`): dx only, no sum.
   */
  backward(call: ActivationBackwardCall<PreluParams> & { dslope: DeviceBuffer | null }): void;
}

export interface ClippedReluKernel extends ActivationKernel<CeilingParams> {
  /**
   * When `dceiling` is given (from x, without `paramGrad: false`), writes sum of
   * (x >= c ? dy : 0) as one float32; null: dx only.
   */
  backward(call: ActivationBackwardCall<CeilingParams> & { dceiling: DeviceBuffer | null }): void;
}

export interface ShiftedReluKernel extends ActivationKernel<ThresholdParams> {
  /**
   * Writes dthreshold (one float32): -(sum of dy where the element passes), from x
   * (x > t) or from y (y > 0, the same elements); null (`paramGrad: false`): dx only.
   */
  backward(
    call: ActivationBackwardCall<ThresholdParams> & { dthreshold: DeviceBuffer | null },
  ): void;
}

export interface DropoutParams extends DropoutDraw {
  /** f32(replacement); unused (0) when `replacementBuffer` is set. */
  replacement: number;
  /** A device replacement: one float32 the forward kernel reads, or null (use `replacement`). */
  replacementBuffer: DeviceBuffer | null;
  /** f32(1 / (1 - ratio)) when scaling, else null (kept elements pass through). */
  scale: number | null;
}

export interface DropoutKernel {
  /** y and, when given, the keep mask (uint8, 1 = kept). */
  forward(call: {
    x: DeviceBuffer;
    y: DeviceBuffer;
    mask: DeviceBuffer | null;
    size: number;
    params: DropoutParams;
  }): void;
  /**
   * dx = kept ? (scale ? dy*scale : dy) : +0; dreplacement (one float32) = sum of dy over
   * dropped, or not computed when null (`paramGrad: false`). With `mask` null the mask is
   * regenerated from params (seed, stream, threshold).
   */
  backward(call: {
    dy: DeviceBuffer;
    mask: DeviceBuffer | null;
    dx: DeviceBuffer;
    dreplacement: DeviceBuffer | null;
    size: number;
    params: DropoutParams;
  }): void;
}

export interface SparseDropoutCall {
  values: DeviceBuffer;
  valuesDtype: 'int32' | 'int64';
  valuesSize: number;
  lengths: DeviceBuffer;
  segments: number;
  /** Host copy of lengths (core already read it to validate). */
  hostLengths: Int32Array;
  params: DropoutDraw & { replacement: bigint };
  /** Allocate an output buffer on this backend (counted in its memory). */
  alloc(dtype: 'int32' | 'int64', size: number): DeviceBuffer;
}

export interface SparseDropoutResult {
  values: DeviceBuffer;
  valuesSize: number;
  lengths: DeviceBuffer;
}

export interface SparseDropoutKernel {
  forward(call: SparseDropoutCall): Promise<SparseDropoutResult> | SparseDropoutResult;
}

/**
 * What a training loop needs besides the ops: writes into existing storage, device
 * copies and the fused SGD step. Core validates first (dtype, size, ownership, no
 * aliasing between `src`/`dst` or `param`/`grad`).
 */
export interface UpdateKernel {
  /**
   * Copy `data` (its full length: the tensor's size) into `buffer`. CPU backends copy
   * at once; GPU backends enqueue the copy after the work already queued.
   */
  write<D extends DType>(buffer: DeviceBuffer, dtype: D, data: HostArrayOf[D]): void;
  /** Copy `size` elements of `dtype` from `src` to `dst` (distinct buffers), on the device. */
  copy(src: DeviceBuffer, dst: DeviceBuffer, dtype: DType, size: number): void;
  /**
   * In place: `param[i] = f32(param[i] - f32(lr * grad[i]))`, two float32 roundings (the
   * product, then the difference), never fused into one FMA. `lr` is float32-rounded.
   */
  sgdStep(call: { param: DeviceBuffer; grad: DeviceBuffer; size: number; lr: number }): void;
}

/** One entry per op: the registry a backend fills in. */
export interface KernelSet {
  relu: ActivationKernel<NoParams>;
  leakyRelu: ActivationKernel<AlphaParams>;
  prelu: PreluKernel;
  thresholdedRelu: ActivationKernel<AlphaParams>;
  shiftedRelu: ShiftedReluKernel;
  clippedRelu: ClippedReluKernel;
  elu: ActivationKernel<AlphaParams>;
  dropout: DropoutKernel;
  sparseDropout: SparseDropoutKernel;
  /** Tensor writes, copies and the SGD step (not an op of the registry: no conformance sweep). */
  update: UpdateKernel;
}

export type OpName = keyof KernelSet;

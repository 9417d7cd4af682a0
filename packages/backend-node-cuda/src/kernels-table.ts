// Every CUDA kernel the backend launches: its PTX module and its parameter list, in the
// order and with the types of its `.entry` in the PTX (a test parses the PTX and checks
// both). `ptr` is a device address (.u64 in PTX). Arguments are packed from this table
// only, for the GPU (cuLaunchKernel's kernelParams) and for the host test harness alike.

export type ArgType = 'ptr' | 'u64' | 'u32' | 'f32';

export interface KernelSpec {
  readonly module: string;
  readonly params: readonly ArgType[];
}

const DRAW = ['u32', 'u32', 'u32', 'u32', 'u32'] as const; // threshold, seed lo/hi, stream lo/hi

export const KERNELS = {
  pw_relu_forward: { module: 'relu', params: ['ptr', 'ptr', 'u64'] },
  pw_sgd_step: { module: 'update', params: ['ptr', 'ptr', 'u64', 'f32'] },
  pw_relu_backward: { module: 'relu', params: ['ptr', 'ptr', 'ptr', 'u64'] },
  pw_leaky_relu_forward: { module: 'leakyRelu', params: ['ptr', 'ptr', 'u64', 'f32'] },
  pw_leaky_relu_backward: { module: 'leakyRelu', params: ['ptr', 'ptr', 'ptr', 'u64', 'f32'] },
  pw_thresholded_relu_forward: {
    module: 'thresholdedRelu',
    params: ['ptr', 'ptr', 'u64', 'f32'],
  },
  pw_thresholded_relu_backward: {
    module: 'thresholdedRelu',
    params: ['ptr', 'ptr', 'ptr', 'u64', 'f32'],
  },
  // the learnable scalar as f32, then its device copy (ptr, 0 = use the f32)
  pw_clipped_relu_forward: { module: 'clippedRelu', params: ['ptr', 'ptr', 'u64', 'f32', 'ptr'] },
  pw_clipped_relu_backward: {
    module: 'clippedRelu',
    params: ['ptr', 'ptr', 'ptr', 'u64', 'f32', 'ptr'],
  },
  pw_clipped_relu_backward_sum: {
    module: 'clippedRelu',
    params: ['ptr', 'ptr', 'ptr', 'u64', 'f32', 'ptr', 'ptr'],
  },
  pw_shifted_relu_forward: { module: 'shiftedRelu', params: ['ptr', 'ptr', 'u64', 'f32', 'ptr'] },
  pw_shifted_relu_backward: {
    module: 'shiftedRelu',
    params: ['ptr', 'ptr', 'ptr', 'u64', 'f32', 'ptr'],
  },
  pw_shifted_relu_backward_sum: {
    module: 'shiftedRelu',
    params: ['ptr', 'ptr', 'ptr', 'u64', 'f32', 'ptr', 'ptr'],
  },
  pw_elu_forward: { module: 'elu', params: ['ptr', 'ptr', 'u64', 'f32'] },
  pw_elu_backward: { module: 'elu', params: ['ptr', 'ptr', 'ptr', 'u64', 'f32', 'u32'] },
  pw_prelu_forward: {
    module: 'prelu',
    params: ['ptr', 'ptr', 'ptr', 'u64', 'u64', 'u64', 'u64'],
  },
  // backward without `_sum`: dx only (`paramGrad: false`); `_sum`: also the partials
  pw_prelu_backward: {
    module: 'prelu',
    params: ['ptr', 'ptr', 'ptr', 'ptr', 'u64', 'u64', 'u64', 'u64'],
  },
  pw_prelu_backward_sum: {
    module: 'prelu',
    params: ['ptr', 'ptr', 'ptr', 'ptr', 'u64', 'u64', 'u64', 'u64', 'ptr'],
  },
  pw_dropout_forward: {
    module: 'dropout',
    params: ['ptr', 'ptr', 'ptr', 'u64', ...DRAW, 'u32', 'f32', 'f32', 'ptr'],
  },
  pw_dropout_backward: {
    module: 'dropout',
    params: ['ptr', 'ptr', 'ptr', 'u64', ...DRAW, 'u32', 'f32'],
  },
  pw_dropout_backward_sum: {
    module: 'dropout',
    params: ['ptr', 'ptr', 'ptr', 'u64', ...DRAW, 'u32', 'f32', 'ptr'],
  },
  pw_sparse_decide: {
    module: 'sparseDropout',
    params: ['ptr', 'u64', ...DRAW, 'ptr', 'ptr', 'ptr'],
  },
  pw_sparse_scan_blocks: { module: 'sparseDropout', params: ['ptr', 'u64', 'ptr'] },
  pw_sparse_offsets: {
    module: 'sparseDropout',
    params: ['ptr', 'ptr', 'ptr', 'u64', 'ptr', 'ptr'],
  },
  pw_sparse_scatter32: {
    module: 'sparseDropout',
    params: ['ptr', 'ptr', 'ptr', 'ptr', 'u64', 'u64', 'u32', 'ptr'],
  },
  pw_sparse_scatter64: {
    module: 'sparseDropout',
    params: ['ptr', 'ptr', 'ptr', 'ptr', 'u64', 'u64', 'u64', 'ptr'],
  },
  pw_reduce_final_f64: { module: 'reduce', params: ['ptr', 'u64', 'ptr'] },
} as const satisfies Record<string, KernelSpec>;

export type KernelName = keyof typeof KERNELS;

/** One argument value: a bigint or a non-negative integer for ptr / u64 / u32, any number for f32. */
export type ArgValue = bigint | number;

/** The launch geometry shared with cuda/pointwise.cuh. */
export const THREADS = 256;
export const TILE = 4096;
export const SEGMENTS_PER_BLOCK = 1024;

/** Blocks for `n` elements at one tile per block. */
export function tiles(n: number): number {
  return Math.ceil(n / TILE);
}

/** Each argument in its own 8-byte slot, little-endian, as cuLaunchKernel reads them. */
export const SLOT = 8;

/**
 * Writes the arguments of `kernel` into `view` (slot i at byte i*8) and returns the
 * argument count. Throws on a wrong count, a non-integer or out-of-range integer.
 */
export function packArgs(kernel: KernelName, values: readonly ArgValue[], view: DataView): number {
  const params = KERNELS[kernel].params;
  if (values.length !== params.length) {
    throw new Error(`${kernel}: ${values.length} arguments for ${params.length} parameters`);
  }
  for (let i = 0; i < params.length; i++) {
    const type = params[i]!;
    const value = values[i]!;
    const at = i * SLOT;
    if (type === 'f32') {
      view.setFloat32(at, Number(value), true);
      view.setUint32(at + 4, 0, true);
    } else if (type === 'u32') {
      const v = Number(value);
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
        throw new Error(`${kernel}: argument ${i} (${type}) = ${value} is not a uint32`);
      }
      view.setUint32(at, v, true);
      view.setUint32(at + 4, 0, true);
    } else {
      const v = typeof value === 'bigint' ? value : BigInt(checkSafe(kernel, i, value));
      if (v < 0n || v >= 1n << 64n) {
        throw new Error(`${kernel}: argument ${i} (${type}) = ${value} is not a uint64`);
      }
      view.setBigUint64(at, v, true);
    }
  }
  return params.length;
}

function checkSafe(kernel: string, i: number, value: number): number {
  if (!Number.isSafeInteger(value)) {
    throw new Error(`${kernel}: argument ${i} = ${value} is not an integer`);
  }
  return value;
}

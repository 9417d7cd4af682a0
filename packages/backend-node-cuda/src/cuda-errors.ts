// CUDA driver results as Pointwise errors. Every failing call becomes a PointwiseError
// whose message carries the CUDA error name (and `cudaError` / `cudaCode` fields):
// CUDA_ERROR_OUT_OF_MEMORY -> OUT_OF_MEMORY; the sticky errors that poison the context
// (illegal address, launch failure, ...) -> DEVICE_LOST; anything else -> BACKEND_UNAVAILABLE.

import { PointwiseError } from '@pointwise/core';

/** Names of the results we can meet, for when cuGetErrorName is unavailable. */
export const CUDA_ERROR_NAMES: Record<number, string> = {
  0: 'CUDA_SUCCESS',
  1: 'CUDA_ERROR_INVALID_VALUE',
  2: 'CUDA_ERROR_OUT_OF_MEMORY',
  3: 'CUDA_ERROR_NOT_INITIALIZED',
  4: 'CUDA_ERROR_DEINITIALIZED',
  34: 'CUDA_ERROR_STUB_LIBRARY',
  35: 'CUDA_ERROR_INSUFFICIENT_DRIVER',
  46: 'CUDA_ERROR_DEVICE_UNAVAILABLE',
  100: 'CUDA_ERROR_NO_DEVICE',
  101: 'CUDA_ERROR_INVALID_DEVICE',
  200: 'CUDA_ERROR_INVALID_IMAGE',
  201: 'CUDA_ERROR_INVALID_CONTEXT',
  209: 'CUDA_ERROR_NO_BINARY_FOR_GPU',
  214: 'CUDA_ERROR_ECC_UNCORRECTABLE',
  218: 'CUDA_ERROR_INVALID_PTX',
  221: 'CUDA_ERROR_JIT_COMPILER_NOT_FOUND',
  222: 'CUDA_ERROR_UNSUPPORTED_PTX_VERSION',
  400: 'CUDA_ERROR_INVALID_HANDLE',
  500: 'CUDA_ERROR_NOT_FOUND',
  600: 'CUDA_ERROR_NOT_READY',
  700: 'CUDA_ERROR_ILLEGAL_ADDRESS',
  701: 'CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES',
  702: 'CUDA_ERROR_LAUNCH_TIMEOUT',
  709: 'CUDA_ERROR_CONTEXT_IS_DESTROYED',
  710: 'CUDA_ERROR_ASSERT',
  714: 'CUDA_ERROR_HARDWARE_STACK_ERROR',
  715: 'CUDA_ERROR_ILLEGAL_INSTRUCTION',
  716: 'CUDA_ERROR_MISALIGNED_ADDRESS',
  717: 'CUDA_ERROR_INVALID_ADDRESS_SPACE',
  718: 'CUDA_ERROR_INVALID_PC',
  719: 'CUDA_ERROR_LAUNCH_FAILED',
  999: 'CUDA_ERROR_UNKNOWN',
};

export const CUDA_SUCCESS = 0;
export const CUDA_ERROR_OUT_OF_MEMORY = 2;
export const CUDA_ERROR_NO_DEVICE = 100;
export const CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222;
export const CUDA_ERROR_NOT_READY = 600;

/** Errors after which the context is unusable: every later call fails the same way. */
export const STICKY_ERRORS: ReadonlySet<number> = new Set([
  214, 700, 702, 709, 710, 714, 715, 716, 717, 718, 719,
]);

export const DRIVER_TOO_OLD = 'driver too old for this PTX (needs R580+)';

export class CudaError extends PointwiseError {
  readonly cudaCode: number;
  readonly cudaError: string;

  constructor(
    code: ConstructorParameters<typeof PointwiseError>[0],
    call: string,
    cudaCode: number,
    cudaError: string,
    detail = '',
  ) {
    super(code, { op: 'node-cuda', arg: call }, `${cudaError}: ${describe(cudaCode, detail)}`);
    this.name = 'PointwiseError';
    this.cudaCode = cudaCode;
    this.cudaError = cudaError;
  }
}

function describe(cudaCode: number, detail: string): string {
  const base = STICKY_ERRORS.has(cudaCode)
    ? `the GPU context is lost (CUDA error ${cudaCode}); start a new process to use the GPU again`
    : cudaCode === CUDA_ERROR_UNSUPPORTED_PTX_VERSION
      ? DRIVER_TOO_OLD
      : `CUDA error ${cudaCode}`;
  return detail ? `${base}: ${detail}` : base;
}

/** The PointwiseError code a CUDA result maps to. */
export function errorCodeFor(
  cudaCode: number,
): 'OUT_OF_MEMORY' | 'DEVICE_LOST' | 'BACKEND_UNAVAILABLE' {
  if (cudaCode === CUDA_ERROR_OUT_OF_MEMORY) return 'OUT_OF_MEMORY';
  if (STICKY_ERRORS.has(cudaCode)) return 'DEVICE_LOST';
  return 'BACKEND_UNAVAILABLE';
}

export function cudaError(
  call: string,
  cudaCode: number,
  name = CUDA_ERROR_NAMES[cudaCode] ?? `CUDA error ${cudaCode}`,
  detail = '',
): CudaError {
  return new CudaError(errorCodeFor(cudaCode), call, cudaCode, name, detail);
}

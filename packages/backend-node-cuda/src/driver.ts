// The CUDA driver API through koffi: libcuda.so.1 is opened at run time and each entry
// point is bound by its explicit versioned symbol (cuMemAlloc_v2, cuMemcpyHtoDAsync_v2,
// ...: cuda.h maps the plain names to these, and a plain-name lookup would get the
// legacy ABI). Handles and device pointers travel as uint64 (bigint); out-parameters are
// typed arrays. Nothing here allocates on the device: see cuda-device.ts.

import { CUDA_ERROR_NAMES, CUDA_SUCCESS, cudaError } from './cuda-errors.js';

type Fn = (...args: any[]) => any;
export type Koffi = typeof import('koffi');

/** Prototypes, with the symbol each binds (the `_v2` ones where cuda.h defines them). */
const PROTOTYPES = {
  cuInit: 'int cuInit(uint32_t flags)',
  cuDriverGetVersion: 'int cuDriverGetVersion(void *version)',
  cuGetErrorName: 'int cuGetErrorName(int error, _Out_ const char **name)',
  cuGetErrorString: 'int cuGetErrorString(int error, _Out_ const char **text)',
  cuDeviceGetCount: 'int cuDeviceGetCount(void *count)',
  cuDeviceGet: 'int cuDeviceGet(void *device, int ordinal)',
  cuDeviceGetAttribute: 'int cuDeviceGetAttribute(void *value, int attribute, int device)',
  cuDeviceGetName: 'int cuDeviceGetName(void *name, int length, int device)',
  cuDevicePrimaryCtxRetain: 'int cuDevicePrimaryCtxRetain(void *context, int device)',
  cuDevicePrimaryCtxRelease: 'int cuDevicePrimaryCtxRelease_v2(int device)',
  cuCtxSetCurrent: 'int cuCtxSetCurrent(uint64_t context)',
  cuModuleLoadDataEx:
    'int cuModuleLoadDataEx(void *module, const char *image, uint32_t count, void *options, void *values)',
  cuModuleGetFunction: 'int cuModuleGetFunction(void *fn, uint64_t module, const char *name)',
  cuModuleUnload: 'int cuModuleUnload(uint64_t module)',
  cuMemAlloc: 'int cuMemAlloc_v2(void *ptr, size_t bytes)',
  cuMemFree: 'int cuMemFree_v2(uint64_t ptr)',
  cuMemGetInfo: 'int cuMemGetInfo_v2(void *free, void *total)',
  cuMemHostAlloc: 'int cuMemHostAlloc(void *ptr, size_t bytes, uint32_t flags)',
  cuMemFreeHost: 'int cuMemFreeHost(uint64_t ptr)',
  cuMemcpyHtoDAsync:
    'int cuMemcpyHtoDAsync_v2(uint64_t dst, void *src, size_t bytes, uint64_t stream)',
  cuMemcpyDtoHAsync:
    'int cuMemcpyDtoHAsync_v2(uint64_t dst, uint64_t src, size_t bytes, uint64_t stream)',
  cuMemcpyDtoDAsync:
    'int cuMemcpyDtoDAsync_v2(uint64_t dst, uint64_t src, size_t bytes, uint64_t stream)',
  cuPointerGetAttribute: 'int cuPointerGetAttribute(void *data, int attribute, uint64_t ptr)',
  cuStreamCreate: 'int cuStreamCreate(void *stream, uint32_t flags)',
  cuStreamDestroy: 'int cuStreamDestroy_v2(uint64_t stream)',
  cuStreamSynchronize: 'int cuStreamSynchronize(uint64_t stream)',
  cuEventCreate: 'int cuEventCreate(void *event, uint32_t flags)',
  cuEventRecord: 'int cuEventRecord(uint64_t event, uint64_t stream)',
  cuEventQuery: 'int cuEventQuery(uint64_t event)',
  cuEventSynchronize: 'int cuEventSynchronize(uint64_t event)',
  cuEventDestroy: 'int cuEventDestroy_v2(uint64_t event)',
  cuLaunchKernel:
    'int cuLaunchKernel(uint64_t fn, uint32_t gx, uint32_t gy, uint32_t gz, uint32_t bx, uint32_t by, uint32_t bz, uint32_t shared, uint64_t stream, uint64_t params, uint64_t extra)',
} as const;

/** Optional entry points: bound when the driver has them (first symbol found wins). */
const OPTIONAL = {
  cuEventElapsedTime: [
    'int cuEventElapsedTime_v2(void *ms, uint64_t start, uint64_t end)',
    'int cuEventElapsedTime(void *ms, uint64_t start, uint64_t end)',
  ],
} as const;

export type DriverFunctions = { [K in keyof typeof PROTOTYPES]: Fn } & {
  [K in keyof typeof OPTIONAL]?: Fn;
};

export interface CudaDriver extends DriverFunctions {
  readonly koffi: Koffi;
  readonly path: string;
  /** The CUDA error name of a result (CUDA_ERROR_...). */
  errorName(code: number): string;
  /** Throws the typed error for a failing result of `call`. */
  check(call: string, code: number, detail?: string): void;
}

// CUdevice_attribute values used here (cuda.h)
export const ATTR_COMPUTE_CAPABILITY_MAJOR = 75;
export const ATTR_COMPUTE_CAPABILITY_MINOR = 76;
// CU_POINTER_ATTRIBUTE_MEMORY_TYPE and CU_MEMORYTYPE_DEVICE / _UNIFIED
export const POINTER_ATTRIBUTE_MEMORY_TYPE = 2;
export const MEMORYTYPE_DEVICE = 2;
export const MEMORYTYPE_UNIFIED = 4;

/** The driver library's default name (the symlink the NVIDIA driver installs). */
export const DEFAULT_LIBRARY = 'libcuda.so.1';

export async function importKoffi(): Promise<Koffi> {
  const mod = (await import('koffi')) as Koffi & { default?: Koffi };
  return mod.default ?? mod;
}

/** The driver library opened but lacks an entry point we bind (a very old driver). */
export class MissingSymbolError extends Error {
  readonly symbol: string;
  constructor(symbol: string, path: string, detail: string) {
    super(`${path} has no ${symbol} (${detail})`);
    this.symbol = symbol;
  }
}

/** Opens the driver library and binds every entry point. Throws a plain Error when absent. */
export function bindDriver(koffi: Koffi, path: string = DEFAULT_LIBRARY): CudaDriver {
  const lib = koffi.load(path);
  const fns: Record<string, Fn> = {};
  for (const [name, proto] of Object.entries(PROTOTYPES)) {
    try {
      fns[name] = lib.func(proto) as Fn;
    } catch (error) {
      const symbol = /(cu\w+)\(/.exec(proto)![1]!;
      throw new MissingSymbolError(symbol, path, (error as Error).message);
    }
  }
  for (const [name, protos] of Object.entries(OPTIONAL)) {
    for (const proto of protos) {
      try {
        fns[name] = lib.func(proto) as Fn;
        break;
      } catch {
        // symbol absent in this driver: try the next one
      }
    }
  }
  const errorName = (code: number): string => {
    const out: (string | null)[] = [null];
    try {
      if (fns.cuGetErrorName!(code, out) === CUDA_SUCCESS && out[0]) return out[0];
    } catch {
      // fall through to the table
    }
    return CUDA_ERROR_NAMES[code] ?? `CUDA error ${code}`;
  };
  return {
    ...(fns as DriverFunctions),
    koffi,
    path,
    errorName,
    check(call, code, detail) {
      if (code !== CUDA_SUCCESS) throw cudaError(call, code, errorName(code), detail);
    },
  };
}

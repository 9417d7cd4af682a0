// isAvailable(): opens the driver library and asks it, without creating a context,
// whether node-cuda can run here. Each "no" says why: koffi missing, libcuda.so.1 not
// found, cuInit failing (no device, driver not loaded), a driver older than the PTX needs
// ("driver too old for this PTX (needs R580+)"), no device at the requested ordinal, or
// a compute capability below 7.5.

import type { Availability } from '@pointwise/core';
import { CUDA_ERROR_NO_DEVICE, DRIVER_TOO_OLD } from './cuda-errors.js';
import {
  ATTR_COMPUTE_CAPABILITY_MAJOR,
  ATTR_COMPUTE_CAPABILITY_MINOR,
  bindDriver,
  type CudaDriver,
  DEFAULT_LIBRARY,
  importKoffi,
  MissingSymbolError,
} from './driver.js';
import { formatCudaVersion, requiredDriverVersion } from './ptx-version.js';

export interface ProbeOptions {
  /** Path or name of the driver library; default libcuda.so.1. */
  libraryPath?: string;
  /** Device ordinal; default 0. */
  device?: number;
}

export interface DeviceInfo {
  driver: CudaDriver;
  ordinal: number;
  handle: number;
  name: string;
  driverVersion: number;
  computeCapability: [number, number];
}

export type Probe = { ok: true; info: DeviceInfo } | { ok: false; reason: string };

export async function probe(options: ProbeOptions = {}): Promise<Probe> {
  const path = options.libraryPath ?? DEFAULT_LIBRARY;
  const ordinal = options.device ?? 0;
  let koffi: Awaited<ReturnType<typeof importKoffi>>;
  try {
    koffi = await importKoffi();
  } catch (error) {
    return {
      ok: false,
      reason: `koffi (the FFI that reaches the CUDA driver) failed to load: ${(error as Error).message}`,
    };
  }
  let driver: CudaDriver;
  try {
    driver = bindDriver(koffi, path);
  } catch (error) {
    if (error instanceof MissingSymbolError) {
      return { ok: false, reason: `${DRIVER_TOO_OLD}: ${error.message}` };
    }
    return {
      ok: false,
      reason: `${path} (the NVIDIA CUDA driver library) not found: ${(error as Error).message}`,
    };
  }
  const init = driver.cuInit(0);
  if (init !== 0) {
    const name = driver.errorName(init);
    return {
      ok: false,
      reason:
        init === CUDA_ERROR_NO_DEVICE
          ? `no CUDA device (cuInit: ${name})`
          : `the CUDA driver did not initialise (cuInit: ${name})`,
    };
  }
  const version = new Int32Array(1);
  driver.check('cuDriverGetVersion', driver.cuDriverGetVersion(version));
  // the PTX (about 80 kB gzip) loads only here and in create(), never with the entry
  const { PTX } = await import('./ptx.generated.js');
  const need = requiredDriverVersion(PTX);
  if (version[0]! < need) {
    return {
      ok: false,
      reason: `${DRIVER_TOO_OLD}: the driver supports CUDA ${formatCudaVersion(version[0]!)}, the kernels need CUDA ${formatCudaVersion(need)}`,
    };
  }
  const count = new Int32Array(1);
  driver.check('cuDeviceGetCount', driver.cuDeviceGetCount(count));
  if (count[0] === 0) return { ok: false, reason: 'no CUDA device' };
  if (!Number.isInteger(ordinal) || ordinal < 0 || ordinal >= count[0]!) {
    return {
      ok: false,
      reason: `no CUDA device ${ordinal} (${count[0]} device${count[0] === 1 ? '' : 's'} present)`,
    };
  }
  const handle = new Int32Array(1);
  driver.check('cuDeviceGet', driver.cuDeviceGet(handle, ordinal));
  const major = new Int32Array(1);
  const minor = new Int32Array(1);
  driver.check(
    'cuDeviceGetAttribute',
    driver.cuDeviceGetAttribute(major, ATTR_COMPUTE_CAPABILITY_MAJOR, handle[0]),
  );
  driver.check(
    'cuDeviceGetAttribute',
    driver.cuDeviceGetAttribute(minor, ATTR_COMPUTE_CAPABILITY_MINOR, handle[0]),
  );
  const nameBytes = new Uint8Array(256);
  driver.check('cuDeviceGetName', driver.cuDeviceGetName(nameBytes, 256, handle[0]));
  const end = nameBytes.indexOf(0);
  const name = new TextDecoder().decode(nameBytes.subarray(0, end < 0 ? 256 : end));
  if (major[0]! * 10 + minor[0]! < 75) {
    return {
      ok: false,
      reason: `${name} has compute capability ${major[0]}.${minor[0]}; node-cuda needs 7.5 or newer`,
    };
  }
  return {
    ok: true,
    info: {
      driver,
      ordinal,
      handle: handle[0]!,
      name,
      driverVersion: version[0]!,
      computeCapability: [major[0]!, minor[0]!],
    },
  };
}

export function availabilityOf(p: Probe): Availability {
  return p.ok ? { available: true } : { available: false, reason: p.reason };
}

// @pointwise/backend-node-cuda: every Pointwise op as CUDA kernels on an NVIDIA GPU, from
// Node through the CUDA driver API (koffi; the PTX ships in the package, no native build).
// Needs Linux, an R580+ driver and compute capability 7.5+; isAvailable says why not.
// Usage:
//   const pw = await pointwise(nodeCudaBackend());

import type { BackendFactory } from '@pointwise/core';
import { availabilityOf, type Probe, type ProbeOptions, probe } from './availability.js';

export interface NodeCudaOptions extends ProbeOptions {}

export function nodeCudaBackend(options: NodeCudaOptions = {}): BackendFactory {
  let probed: Promise<Probe> | null = null;
  const once = () => {
    probed ??= probe(options);
    return probed;
  };
  return {
    name: 'node-cuda',
    async isAvailable() {
      return availabilityOf(await once());
    },
    async create() {
      const result = await once();
      if (!result.ok) {
        const { PointwiseError } = await import('@pointwise/core');
        throw new PointwiseError(
          'BACKEND_UNAVAILABLE',
          { op: 'nodeCudaBackend', value: 'node-cuda' },
          result.reason,
        );
      }
      const [{ CudaDevice }, { createCudaBackend }] = await Promise.all([
        import('./cuda-device.js'),
        import('./backend.js'),
      ]);
      return createCudaBackend(new CudaDevice(result.info));
    },
  };
}

/** The factory under the name every backend package exports (used by the conformance CLI). */
export const pointwiseBackend = nodeCudaBackend;

export type { CudaBackend } from './backend.js';
export { CudaError, DRIVER_TOO_OLD } from './cuda-errors.js';
export type { Device, DevicePtr } from './device.js';
export { cudaStream, devicePointer, wrapDevicePointer } from './interop.js';
export type { CudaBuffer } from './pool.js';

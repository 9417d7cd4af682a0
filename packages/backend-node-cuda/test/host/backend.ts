// The test-only host backend: the package's real Backend (pool, dispatch in src/ops,
// launch geometry, argument packing) over HostDevice, so the conformance suite runs the
// CUDA kernels' own source on the CPU. Named node-cuda-host so it is never mistaken for
// the GPU backend.
import type { BackendFactory } from '@pointwise/core';
import { type CudaBackend, createCudaBackend } from '../../src/backend.js';
import { HostDevice } from './host-device.js';

export function hostCudaBackend(): BackendFactory & { last: CudaBackend | null } {
  const factory = {
    name: 'node-cuda-host',
    last: null as CudaBackend | null,
    isAvailable: async () => ({ available: true as const }),
    create: async () => {
      factory.last = createCudaBackend(new HostDevice(), 'node-cuda-host');
      return factory.last;
    },
  };
  return factory;
}

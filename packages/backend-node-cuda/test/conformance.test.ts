// The whole conformance suite on the CUDA kernels compiled for the host (test/host): every
// op's per-element arithmetic, NaN / -0 / rounding rules, masks, and the deterministic
// reduction tree, from the same cuda/*.cu the GPU runs.
import { defineConformanceSuite } from '@pointwise/core/conformance';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { hostCudaBackend } from './host/backend.js';

defineConformanceSuite(hostCudaBackend(), { describe, it, beforeAll, afterAll });

// vitest settings: the conformance sweeps run 10^6 elements per case through the host
// harness (the CUDA kernels compiled for the CPU, one thread index at a time).
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { testTimeout: 300_000, hookTimeout: 300_000 } });

// vitest settings: SwiftShader runs WebGPU on the CPU (~0.3 GB/s), and the
// conformance sweeps run 10^6 elements per case; one worker keeps the two cores free.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { testTimeout: 300_000, hookTimeout: 120_000, fileParallelism: false },
});

// vitest settings: the conformance sweeps run 10^6 elements per case.
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { testTimeout: 120_000, hookTimeout: 120_000 } });

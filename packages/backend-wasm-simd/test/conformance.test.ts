// The whole conformance suite of @pointwise/core on the wasm-simd backend, one vitest test
// per case: one thread (the single-thread build), and two and three threads with
// `crossover: 0`, so that every case, however small, runs through the threaded paths
// (the threaded build, its pool and the per-range arguments the workers get). The
// default crossovers on the pool are covered by threads.test.ts (same bits as one thread).
// The suite's tensors are below 'auto''s tuning size, so its kernels run with the touch
// ahead on: the `touchAhead: 'off'` configurations run every kernel's other body.
import { defineConformanceSuite } from '@pointwise/core/conformance';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type WasmSimdOptions, wasmSimdBackend } from '../src/index.js';

const CONFIGS: [string, WasmSimdOptions][] = [
  ['threads 1', { threads: 1 }],
  ['threads 2, crossover 0', { threads: 2, crossover: 0 }],
  ['threads 3, crossover 0', { threads: 3, crossover: 0 }],
  ["threads 1, touchAhead 'off'", { threads: 1, touchAhead: 'off' }],
  ["threads 2, crossover 0, touchAhead 'off'", { threads: 2, crossover: 0, touchAhead: 'off' }],
];

for (const [label, options] of CONFIGS) {
  describe(label, () => {
    defineConformanceSuite(wasmSimdBackend(options), { describe, it, beforeAll, afterAll });
  });
}

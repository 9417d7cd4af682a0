// The whole conformance suite of @pointwise/core on the wasm-simd backend, one vitest test
// per case, in every threading mode: one thread (the single-thread build), two threads
// (the threaded build and a worker pool) and 'auto' (every core here).
import { defineConformanceSuite } from '@pointwise/core/conformance';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { wasmSimdBackend } from '../src/index.js';

for (const threads of [1, 2, 'auto'] as const) {
  describe(`threads ${threads}`, () => {
    defineConformanceSuite(wasmSimdBackend({ threads }), { describe, it, beforeAll, afterAll });
  });
}

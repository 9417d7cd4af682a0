// The CI slice of `pointwise-conformance --exhaustive` on wasm-simd, on one thread and
// on two (the pool splits every 2^22-input chunk): every op's sweeps over a 2^24-input
// window around its kinks and boundaries, and dropout's counter space.
import { defineExhaustiveSuite } from '@pointwise/core/conformance';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { wasmSimdBackend } from '../src/index.js';

for (const threads of [1, 2] as const) {
  describe(`threads ${threads}`, () => {
    defineExhaustiveSuite(wasmSimdBackend({ threads }), { describe, it, beforeAll, afterAll });
  });
}

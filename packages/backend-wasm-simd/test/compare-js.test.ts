// Bit-for-bit agreement with @pointwise/backend-js (the shared suite of
// @pointwise/test-support). wasm-simd sums parameter gradients in float64 in element
// order, as js does, so its sums must also land within 1 ulp of js's.
import { defineCompareWithJs } from '../../../tools/test-support/src/index.js';
import { wasmSimdBackend } from '../src/index.js';

defineCompareWithJs(() => wasmSimdBackend(), { sumUlps: 1 });

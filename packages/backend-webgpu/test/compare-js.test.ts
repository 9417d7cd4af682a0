// Bit-for-bit agreement with @pointwise/backend-js (the shared suite of
// @pointwise/test-support), including subnormal operands and products (the
// mul_exact integer path). webgpu sums parameter gradients with a two-pass tree, so
// its sums are left to the conformance suite's summation bound.
import { defineCompareWithJs } from '../../../tools/test-support/src/index.js';
import { webgpuBackend } from '../src/index.js';

defineCompareWithJs(() => webgpuBackend(), { sumUlps: null });

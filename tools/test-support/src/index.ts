// @pointwise/test-support: test-only helpers shared by the packages' own tests
// (never published): seeded inputs with special values, the bit-for-bit comparison
// with backend-js that every backend runs, and Debian's Chromium.
export { CHROMIUM_ARGS, findChromium } from './chromium.js';
export { type CompareWithJsOptions, defineCompareWithJs } from './compareWithJs.js';
export { floatData, rng, specialValues } from './values.js';

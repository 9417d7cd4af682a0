// The whole conformance suite of @pointwise/core on the wasm-simd backend, one vitest test per case.
import { defineConformanceSuite } from '@pointwise/core/conformance';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { wasmSimdBackend } from '../src/index.js';

defineConformanceSuite(wasmSimdBackend(), { describe, it, beforeAll, afterAll });

// The whole conformance suite on the webgpu backend (SwiftShader here), one vitest test per case.
import { defineConformanceSuite } from '@pointwise/core/conformance';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { webgpuBackend } from '../src/index.js';

defineConformanceSuite(webgpuBackend(), { describe, it, beforeAll, afterAll });

// The whole conformance suite on the js backend, one vitest test per case.
import { defineConformanceSuite } from '@pointwise/core/conformance';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { jsBackend } from '../src/index.js';

defineConformanceSuite(jsBackend(), { describe, it, beforeAll, afterAll });

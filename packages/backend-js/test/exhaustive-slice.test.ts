// The CI slice of `pointwise-conformance --exhaustive` on the js backend: every op's
// sweeps over a 2^24-input window around its kinks and boundaries, and dropout's
// counter space at 2^20 elements, one test per task.
import { defineExhaustiveSuite } from '@pointwise/core/conformance';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { jsBackend } from '../src/index.js';

defineExhaustiveSuite(jsBackend(), { describe, it, beforeAll, afterAll });

// The CI slice of `pointwise-conformance --exhaustive` on webgpu (SwiftShader here):
// every op's sweeps around its kinks and boundaries and dropout's counter space. The
// window is 2^22 inputs per sweep here, not the CLI's 2^24: SwiftShader runs each
// input through a CPU emulation of the GPU, and on 2 shared cores the 2^24 slice
// took minutes (see the core README's exhaustive timings).
import { defineExhaustiveSuite } from '@pointwise/core/conformance';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { webgpuBackend } from '../src/index.js';

defineExhaustiveSuite(webgpuBackend(), { describe, it, beforeAll, afterAll }, { window: 2 ** 22 });

// @pointwise/backend-js: every Pointwise op in plain TypeScript over typed arrays.
// Always available; supports synchronous reads. Usage:
//   const pw = await pointwise(jsBackend());

import type { BackendFactory } from '@pointwise/core';
import { createJsBackend } from './backend.js';
import { jsKernels } from './kernels.js';

export function jsBackend(): BackendFactory {
  return {
    name: 'js',
    isAvailable: async () => ({ available: true }),
    create: async () => createJsBackend(jsKernels),
  };
}

/** The factory under the name every backend package exports (used by the conformance CLI). */
export const pointwiseBackend = jsBackend;
export { jsKernels };

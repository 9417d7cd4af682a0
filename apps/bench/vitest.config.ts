// Vitest config for the bench app: node environment, generous timeout for the
// in-process js run and onnxruntime session creation on a loaded machine.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { environment: 'node', testTimeout: 30_000 },
});

// Builds the bench CLI and its child-process worker as ESM into dist/ (not published).
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { cli: 'src/cli.ts', worker: 'src/worker.ts', 'tfjs-adapter': 'src/tfjs-adapter/cli.ts' },
  format: ['esm'],
  target: 'es2022',
  platform: 'node',
  banner: { js: '#!/usr/bin/env node' },
  // Peers are devDependencies loaded at run time; onnxruntime-node and webgpu (Dawn) are native.
  external: [/^@tensorflow\//, 'onnxruntime-node', 'webgpu', 'vega', 'vega-lite'],
  // the shared cases, byte accounting and inputs are TypeScript source: bundled in
  noExternal: ['@pointwise/bench-cases'],
});

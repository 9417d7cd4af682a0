// Builds ESM + CJS + .d.ts for the library entries, and the conformance CLI (ESM, with a shebang).
import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/index.ts', conformance: 'src/conformance/index.ts' },
    format: ['esm', 'cjs'],
    dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
    target: 'es2022',
  },
  {
    entry: { cli: 'src/conformance/cli.ts' },
    format: ['esm'],
    target: 'es2022',
    banner: { js: '#!/usr/bin/env node' },
  },
]);

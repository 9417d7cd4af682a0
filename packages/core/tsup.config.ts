// Builds ESM + CJS + .d.ts for the library entries, and the conformance CLI. The CLI is
// an entry of the ESM build, so it imports the chunks index.js and conformance.js share
// (each conformance module ships once per format); cli.ts carries its own `#!` line,
// which esbuild keeps on cli.js only (tsup's banner would hit every chunk).
import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      conformance: 'src/conformance/index.ts',
      cli: 'src/conformance/cli.ts',
    },
    format: ['esm'],
    dts: {
      entry: { index: 'src/index.ts', conformance: 'src/conformance/index.ts' },
      compilerOptions: { ignoreDeprecations: '6.0' },
    },
    sourcemap: true,
    splitting: true,
    target: 'es2022',
  },
  {
    entry: { index: 'src/index.ts', conformance: 'src/conformance/index.ts' },
    format: ['cjs'],
    dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
    sourcemap: true,
    splitting: true,
    target: 'es2022',
  },
]);

// Builds ESM + CJS + .d.ts, with sourcemaps (shipped in the tarball). Two entries (the
// backend, and ./gradients for running kernels on another program's memory) share
// chunks in both formats, so each module ships once per format.
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', gradients: 'src/gradients.ts' },
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  sourcemap: true,
  splitting: true,
  target: 'es2022',
});

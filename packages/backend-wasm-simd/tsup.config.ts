// Builds ESM + CJS + .d.ts, with sourcemaps (shipped in the tarball).
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', gradients: 'src/gradients.ts' },
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  sourcemap: true,
  target: 'es2022',
});

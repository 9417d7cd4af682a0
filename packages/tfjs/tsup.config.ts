// Builds ESM + CJS + .d.ts, with sourcemaps (shipped in the tarball). tfjs and the
// other Pointwise packages are peers: never bundled.
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  sourcemap: true,
  target: 'es2022',
});

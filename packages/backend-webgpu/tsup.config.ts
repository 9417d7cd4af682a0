// Builds ESM + CJS + .d.ts; the declarations reference @webgpu/types (GPUDevice, GPUBuffer…).
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: {
    compilerOptions: { ignoreDeprecations: '6.0' },
  },
  target: 'es2022',
});

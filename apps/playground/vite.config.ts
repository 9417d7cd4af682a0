// Vite config for the playground: a static site (relative base, so dist/ can be
// served from any path) that bundles core and each backend package as its own chunk.
// Backend packages absent from this install resolve to a stub that throws
// ERR_MODULE_NOT_FOUND, so core's probeBackends reports them "not installed"
// (linked but unbuilt ones throw a "not built" error instead).
import { defineConfig, type Plugin } from 'vite';

const MISSING_PREFIX = '\0pointwise-missing-backend:';
const UNBUILT_PREFIX = '\0pointwise-unbuilt-backend:';

/** Resolve `@pointwise/backend-*` imports that are not installed to a throwing stub. */
function missingBackendsAsStubs(): Plugin {
  return {
    name: 'pointwise-missing-backends',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!source.startsWith('@pointwise/backend-')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (resolved) return resolved;
      // Linked but without dist/ (a workspace package not built yet) is a different fix.
      const manifest = await this.resolve(`${source}/package.json`, importer, { skipSelf: true });
      return `${manifest ? UNBUILT_PREFIX : MISSING_PREFIX}${source}`;
    },
    load(id) {
      if (id.startsWith(UNBUILT_PREFIX)) {
        const pkg = JSON.stringify(id.slice(UNBUILT_PREFIX.length));
        // No ERR_MODULE_NOT_FOUND code: core reports "failed to load: <this message>".
        return `throw new Error('installed but not built (no dist/): run pnpm build, then rebuild the playground');\n// ${pkg}`;
      }
      if (!id.startsWith(MISSING_PREFIX)) return null;
      const pkg = JSON.stringify(id.slice(MISSING_PREFIX.length));
      return [
        `const error = new Error(${pkg} + ' is not installed in this build of the playground');`,
        `error.code = 'ERR_MODULE_NOT_FOUND';`,
        'throw error;',
      ].join('\n');
    },
  };
}

/**
 * Cross-origin isolation (COOP + COEP) on the dev and preview servers: it gives the page
 * SharedArrayBuffer, so wasm-simd's 'auto' runs one thread per core.
 */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: './',
  plugins: [missingBackendsAsStubs()],
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
  server: { host: '127.0.0.1', headers: ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', headers: ISOLATION_HEADERS },
});

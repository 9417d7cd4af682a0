// The generated consumer files: one import per published export subpath (package.json and
// patterns excluded), so a package added later is compiled and run by `pnpm check`.
import { describe, expect, it } from 'vitest';
import { generatedImports, importSpecifiers } from '../src/consumer.js';

describe('importSpecifiers', () => {
  it('maps exports subpaths to specifiers, skipping ./package.json and patterns', () => {
    const specifiers = importSpecifiers([
      {
        name: '@p/core',
        manifest: {
          name: '@p/core',
          version: '1.0.0',
          exports: {
            '.': './a.js',
            './conformance': './c.js',
            './package.json': './package.json',
            './x/*': './x/*.js',
          },
        },
      },
      { name: '@p/plain', manifest: { name: '@p/plain', version: '1.0.0', main: 'index.js' } },
      {
        name: '@p/sugar',
        manifest: {
          name: '@p/sugar',
          version: '1.0.0',
          exports: { import: './a.js', require: './a.cjs' },
        },
      },
    ]);
    expect(specifiers).toEqual(['@p/core', '@p/core/conformance', '@p/plain', '@p/sugar']);
  });
});

describe('generatedImports', () => {
  it('imports each specifier once and reports its export count', () => {
    const text = generatedImports(['@p/a', '@p/a/sub'], 'cjs');
    expect(text).toContain("import * as m0 from '@p/a';");
    expect(text).toContain("import * as m1 from '@p/a/sub';");
    expect(text).toContain("'@p/a/sub': Object.keys(m1).length");
    expect(text).toContain("kind: 'cjs-all'");
  });
});

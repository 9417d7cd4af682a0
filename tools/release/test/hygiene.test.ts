// The tarball checks must be able to fail: a package whose `import` condition points at
// CJS-flavoured types and whose top-level `types` file is missing is rejected by both publint
// and are-the-types-wrong. Also the one-line wording of attw problems.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/exec.js';
import { describeAttwProblem, runAttw, runPublint } from '../src/hygiene.js';

let dir: string;
let tarball: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hygiene-test-'));
  const pkg = join(dir, 'pkg');
  mkdirSync(join(pkg, 'dist'), { recursive: true });
  writeFileSync(join(pkg, 'dist/index.js'), 'export const a = 1;\n');
  writeFileSync(join(pkg, 'dist/index.cjs'), 'exports.a = 1;\n');
  writeFileSync(join(pkg, 'dist/index.d.cts'), 'export declare const a: number;\n');
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({
      name: '@pointwise/broken-fixture',
      version: '1.0.0',
      type: 'module',
      types: './dist/index.d.ts',
      exports: {
        '.': {
          import: { types: './dist/index.d.cts', default: './dist/index.js' },
          require: './dist/index.cjs',
        },
      },
      files: ['dist'],
    }),
  );
  const packed = await run('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: pkg });
  expect(packed.code).toBe(0);
  tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tarball checks', () => {
  it('publint reports the missing types file and the CJS types under "import"', async () => {
    const { errors } = await runPublint(tarball);
    expect(errors.join('\n')).toMatch(/index\.d\.ts but the file does not exist/);
    expect(errors.join('\n')).toMatch(/interpreted as CJS/);
  });

  it('attw reports FalseCJS (ESM import resolves to CJS-flavoured types)', async () => {
    const { errors, resolutions } = await runAttw(tarball);
    expect(errors.some((e) => e.startsWith('attw FalseCJS'))).toBe(true);
    expect(resolutions.find((r) => r.kind === 'node16-esm')?.types).toMatch(/index\.d\.cts$/);
  });
});

describe('describeAttwProblem', () => {
  it('names the entrypoint and resolution, or the file pair', () => {
    expect(
      describeAttwProblem({
        kind: 'NoResolution',
        entrypoint: './x',
        resolutionKind: 'node16-cjs',
      }),
    ).toBe('attw NoResolution at ./x (node16-cjs)');
    expect(
      describeAttwProblem({
        kind: 'FalseCJS',
        typesFileName: 'a.d.ts',
        implementationFileName: 'a.mjs',
      }),
    ).toBe('attw FalseCJS types a.d.ts vs a.mjs');
  });
});

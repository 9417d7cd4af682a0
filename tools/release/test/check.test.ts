// `check` end to end on a throwaway repo: a good package passes every check, a published
// package without dist/ fails only its "built" check, and a folder with no package.json yet
// (a backend being written) is noted and skipped. Nothing of the real repo is used but the
// changesets config.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_URL, REPOSITORY } from '../src/docs.js';
import { run } from '../src/exec.js';
import { makeWorkspace } from './helpers.js';

const checkScript = fileURLToPath(new URL('../src/check.js', import.meta.url));
let root: string;
let output: { code: number; stdout: string };

beforeAll(async () => {
  const exportsMap = {
    '.': {
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    },
    './package.json': './package.json',
  };
  const meta = (dir: string) => ({
    version: '0.1.0',
    license: 'MIT',
    repository: { type: 'git', url: `git+${REPOSITORY}.git`, directory: `packages/${dir}` },
    homepage: `${REPOSITORY}/tree/main/packages/${dir}#readme`,
    bugs: { url: `${REPOSITORY}/issues` },
    keywords: ['fixture'],
    type: 'module',
    exports: exportsMap,
  });
  root = makeWorkspace({
    good: {
      name: '@fixture/good',
      ...meta('good'),
      files: ['dist', 'README.md', 'LICENSE'],
      main: './dist/index.cjs',
      types: './dist/index.d.ts',
    },
    half: { name: '@fixture/half', ...meta('half'), files: ['README.md', 'LICENSE'] },
    'being-written': null,
    app: { name: '@fixture/app', version: '0.1.0', private: true },
  });
  const readme = `# fixture\n\nThe contract: ${CONTRACT_URL}\n\n## License\n\nMIT\n`;
  writeFileSync(join(root, 'LICENSE'), 'MIT License\n\nCopyright (c) 2026 fixture\n');
  writeFileSync(join(root, 'README.md'), readme);
  mkdirSync(join(root, 'docs'));
  writeFileSync(join(root, 'docs/CONTRACT.md'), '# contract\n');
  for (const dir of ['good', 'half']) {
    writeFileSync(join(root, 'packages', dir, 'README.md'), readme);
    writeFileSync(
      join(root, 'packages', dir, 'LICENSE'),
      'MIT License\n\nCopyright (c) 2026 fixture\n',
    );
  }
  const dist = join(root, 'packages/good/dist');
  mkdirSync(dist);
  writeFileSync(
    join(dist, 'index.js'),
    'export function double(x) {\n  return 2 * x;\n}\n//# sourceMappingURL=index.js.map\n',
  );
  writeFileSync(
    join(dist, 'index.cjs'),
    'exports.double = function double(x) {\n  return 2 * x;\n};\n//# sourceMappingURL=index.cjs.map\n',
  );
  for (const file of ['index.js', 'index.cjs'])
    writeFileSync(
      join(dist, `${file}.map`),
      JSON.stringify({ version: 3, file, sources: ['../src/index.ts'], names: [], mappings: '' }),
    );
  for (const ext of ['d.ts', 'd.cts'])
    writeFileSync(
      join(dist, `index.${ext}`),
      'export declare function double(x: number): number;\n',
    );
  const budgets = join(root, 'budgets.json');
  writeFileSync(
    budgets,
    JSON.stringify({
      packages: { '@fixture/good': { '.': '1 kB' }, '@fixture/half': { '.': '1 kB' } },
    }),
  );
  const result = await run(process.execPath, [checkScript, '--root', root, '--budgets', budgets], {
    timeoutMs: 60_000,
  });
  output = { code: result.code, stdout: result.stdout + result.stderr };
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const line = (status: 'PASS' | 'FAIL', name: string) =>
  new RegExp(`^${status}  ${name.replace(/[()]/g, '\\$&')}`, 'm');

describe('check on a repo with a good, an unbuilt and a half-written package', () => {
  it('passes every check of the good package, consumers included', () => {
    for (const name of [
      '@fixture/good: size budget',
      '@fixture/good: publint',
      '@fixture/good: are-the-types-wrong',
      '@fixture/good: manifest metadata',
      '@fixture/good: sourcemaps shipped',
      '@fixture/good: each module bundled once per format',
      '@fixture/half: manifest metadata',
      'docs: LICENSE',
    ]) {
      expect(output.stdout).toMatch(line('PASS', name));
    }
    expect(output.stdout).toMatch(line('PASS', 'consumers'));
    expect(output.stdout).toContain('"@fixture/good":1');
  });

  it('fails the unbuilt package once, skips the folder without a manifest, leaves private ones out', () => {
    expect(output.stdout).toMatch(line('FAIL', '@fixture/half: built'));
    expect(output.stdout.match(/^FAIL {2}/gm)).toHaveLength(1);
    expect(output.stdout).toMatch(/^note .*being-written: no package.json yet \(skipped\)/m);
    expect(output.stdout).not.toContain('@fixture/app');
    expect(output.code).toBe(1);
  });
});

// The metadata and docs checks on throwaway folders: a complete package passes, and each
// missing field, a `files` entry that does not exist, an unlinked README, a cited private
// doc, a shipped .js without its map and a module bundled twice are each reported.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CONTRACT_URL,
  checkDocs,
  checkManifestMetadata,
  checkModulesOnce,
  checkSourcemaps,
  REPOSITORY,
} from '../src/docs.js';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

function setup() {
  root = mkdtempSync(join(tmpdir(), 'docs-check-'));
  const dir = join(root, 'packages/a');
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(root, 'LICENSE'), 'MIT License\n');
  writeFileSync(join(dir, 'LICENSE'), 'MIT License\n');
  const readme = `# a\n\n${CONTRACT_URL}\n\n## License\n\nMIT\n`;
  writeFileSync(join(root, 'README.md'), readme);
  writeFileSync(join(dir, 'README.md'), readme);
  mkdirSync(join(root, 'docs'));
  writeFileSync(join(root, 'docs/CONTRACT.md'), '# c\n');
  const manifest = {
    name: '@x/a',
    version: '0.1.0',
    license: 'MIT',
    repository: { type: 'git', url: `git+${REPOSITORY}.git`, directory: 'packages/a' },
    homepage: `${REPOSITORY}#readme`,
    bugs: { url: `${REPOSITORY}/issues` },
    keywords: ['a'],
    files: ['dist', 'README.md', 'LICENSE'],
  };
  return { name: '@x/a', dir, manifest: manifest as Record<string, unknown> & typeof manifest };
}

describe('checkManifestMetadata', () => {
  it('passes a complete manifest', () => {
    const pkg = setup();
    expect(checkManifestMetadata(root, pkg)).toEqual([]);
  });

  it.each(['license', 'repository', 'homepage', 'bugs', 'keywords'])(
    'reports a missing %s',
    (key) => {
      const pkg = setup();
      delete (pkg.manifest as Record<string, unknown>)[key];
      expect(checkManifestMetadata(root, pkg).join('\n')).toContain(key);
    },
  );

  it('reports a wrong repository directory, a files entry that does not exist, an unlisted CHANGELOG', () => {
    const pkg = setup();
    pkg.manifest.repository.directory = 'packages/b';
    pkg.manifest.files.push('CHANGELOG.md');
    let problems = checkManifestMetadata(root, pkg).join('\n');
    expect(problems).toContain('"repository.directory"');
    expect(problems).toContain('"files" lists CHANGELOG.md, which does not exist');
    pkg.manifest.files.pop();
    writeFileSync(join(pkg.dir, 'CHANGELOG.md'), '# changes\n');
    problems = checkManifestMetadata(root, pkg).join('\n');
    expect(problems).toContain('CHANGELOG.md exists but "files" does not list it');
  });
});

describe('checkDocs', () => {
  it('passes linked READMEs and reports an unlinked one, a private doc cited and no LICENSE', () => {
    const pkg = setup();
    expect(checkDocs(root, [pkg])).toEqual([]);
    writeFileSync(join(pkg.dir, 'README.md'), '# a\n\nSee ../../SPEC.md and TOOLCHAIN.md\n');
    rmSync(join(root, 'LICENSE'));
    const problems = checkDocs(root, [pkg]).join('\n');
    expect(problems).toContain('packages/a/README.md does not link the contract');
    expect(problems).toContain('packages/a/README.md:3 cites SPEC.md');
    expect(problems).toContain('no LICENSE at the repo root');
  });
});

describe('tarball checks', () => {
  it('reports a shipped .js or .cjs without its sourcemap', () => {
    root = mkdtempSync(join(tmpdir(), 'docs-check-'));
    expect(checkSourcemaps(['dist/a.js', 'dist/a.js.map', 'dist/a.d.ts'])).toEqual([]);
    expect(checkSourcemaps(['dist/a.js', 'dist/b.cjs', 'dist/b.cjs.map'])).toEqual([
      'dist/a.js ships without dist/a.js.map',
    ]);
  });

  it('reports a module bundled into two files of one format, not one in ESM and CJS', () => {
    root = mkdtempSync(join(tmpdir(), 'docs-check-'));
    const map = (sources: string[]) => JSON.stringify({ version: 3, sources, mappings: '' });
    writeFileSync(join(root, 'index.js.map'), map(['../src/a.ts']));
    writeFileSync(join(root, 'index.cjs.map'), map(['../src/a.ts']));
    expect(checkModulesOnce(root)).toEqual([]);
    writeFileSync(join(root, 'cli.js.map'), map(['../src/a.ts', '../src/cli.ts']));
    expect(checkModulesOnce(root)).toEqual([
      '../src/a.ts (esm) is bundled 2 times: cli.js, index.js',
    ]);
  });
});

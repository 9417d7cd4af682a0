// The versioning rules, run against the real changesets 2.31 CLI and the repo's real
// .changeset/config.json in throwaway workspaces: what changesets does to a backend when core
// takes a 0.x minor, and how version.js corrects the unrequested 0.x -> 1.0.0 jump.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkChangesetsConfig,
  EXPERIMENTAL_KEY,
  readChangesetsConfig,
} from '../src/changesets-config.js';
import { run } from '../src/exec.js';
import {
  requestedBumps,
  unrequestedOneZero,
  unrequestedZeroMajorJumps,
  versionPackages,
} from '../src/version.js';
import { repoRoot } from '../src/workspace.js';
import { backendManifest, makeWorkspace } from './helpers.js';

const changesetBin = join(
  dirname(createRequire(import.meta.url).resolve('@changesets/cli/package.json')),
  'bin.js',
);
const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

function workspaceWithChangeset(frontmatter: string) {
  const root = makeWorkspace({
    core: { name: '@pointwise/core', version: '0.1.0' },
    'backend-a': backendManifest('@pointwise/backend-a', '0.1.0', '^0.1.0'),
    app: {
      name: '@pointwise/app',
      version: '0.1.0',
      private: true,
      dependencies: { '@pointwise/core': 'workspace:*' },
    },
  });
  roots.push(root);
  writeFileSync(join(root, '.changeset/change.md'), `---\n${frontmatter}\n---\n\nA change.\n`);
  return root;
}
const manifest = (root: string, dir: string) =>
  JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));

describe('requestedBumps / unrequestedZeroMajorJumps', () => {
  it('keeps the largest bump asked for per package', () => {
    const bumps = requestedBumps([
      '---\n"@p/a": patch\n\'@p/b\': minor\n---\n\nx',
      '---\n"@p/a": major\n---\n',
      'no frontmatter',
    ]);
    expect([...bumps]).toEqual([
      ['@p/a', 'major'],
      ['@p/b', 'minor'],
    ]);
  });
  it('flags 0.x -> >=1 jumps unless a major was asked for', () => {
    const before = new Map([
      ['a', '0.1.0'],
      ['b', '0.3.2'],
      ['c', '1.2.0'],
      ['d', '0.1.0'],
    ]);
    const after = new Map([
      ['a', '1.0.0'],
      ['b', '0.4.0'],
      ['c', '2.0.0'],
      ['d', '1.0.0'],
    ]);
    expect(unrequestedZeroMajorJumps(before, after, new Map([['d', 'major']]))).toEqual([
      { name: 'a', from: '0.1.0', to: '1.0.0', corrected: '0.2.0' },
    ]);
  });
});

describe('unrequestedOneZero', () => {
  const changelog = (body: string) =>
    `# @pointwise/backend-a\n\n## 1.0.0\n\n${body}\n\n## 0.1.0\n\n### Major Changes\n\n- old\n`;
  it('flags a 1.0.0 that only has dependency updates', () => {
    expect(
      unrequestedOneZero('1.0.0', changelog('### Patch Changes\n\n- Updated dependencies')),
    ).toMatch(/version-packages/);
  });
  it('accepts a requested 1.0.0, other versions and packages without a CHANGELOG', () => {
    expect(
      unrequestedOneZero('1.0.0', changelog('### Major Changes\n\n- Stable API')),
    ).toBeUndefined();
    expect(unrequestedOneZero('0.2.0', changelog('### Patch Changes'))).toBeUndefined();
    expect(unrequestedOneZero('1.0.0', undefined)).toBeUndefined();
  });
  it('catches what a bare `changeset version` produces for a core minor', async () => {
    const root = workspaceWithChangeset('"@pointwise/core": minor');
    const bare = await run(process.execPath, [changesetBin, 'version'], { cwd: root });
    expect(bare.code).toBe(0);
    const backend = manifest(root, 'backend-a');
    expect(backend.version).toBe('1.0.0');
    const text = readFileSync(join(root, 'packages/backend-a/CHANGELOG.md'), 'utf8');
    expect(unrequestedOneZero(backend.version, text)).toBeDefined();
  });
});

describe('changesets 2.31 with our config', () => {
  it('the real config is spelled so changesets reads it', () => {
    expect(checkChangesetsConfig(readChangesetsConfig(repoRoot))).toEqual([]);
    const misspelt = {
      ...readChangesetsConfig(repoRoot),
      ___experimental_unsafe_options_WILL_CHANGE_IN_PATCH: {},
    };
    delete misspelt[EXPERIMENTAL_KEY];
    expect(checkChangesetsConfig(misspelt).join('\n')).toMatch(
      /unknown key "___experimental_unsafe_options/,
    );
  });

  it('core patch: backend untouched, peer range unchanged', async () => {
    const root = workspaceWithChangeset('"@pointwise/core": patch');
    const result = await versionPackages(root);
    expect(result.after.get('@pointwise/core')).toBe('0.1.1');
    expect(result.after.get('@pointwise/backend-a')).toBe('0.1.0');
    expect(manifest(root, 'backend-a').peerDependencies['@pointwise/core']).toBe('^0.1.0');
    expect(result.jumps).toEqual([]);
    expect(result.peerProblems).toEqual([]);
  });

  it('core minor in 0.x: changesets majors the backend, version.js makes it 0.2.0 with peer ^0.2.0', async () => {
    const root = workspaceWithChangeset('"@pointwise/core": minor');
    const result = await versionPackages(root);
    // What changesets itself did (recorded before the correction).
    expect(result.jumps).toEqual([
      { name: '@pointwise/backend-a', from: '0.1.0', to: '1.0.0', corrected: '0.2.0' },
    ]);
    const backend = manifest(root, 'backend-a');
    expect(backend.version).toBe('0.2.0');
    expect(backend.peerDependencies['@pointwise/core']).toBe('^0.2.0');
    expect(backend.devDependencies['@pointwise/core']).toBe('workspace:*');
    expect(manifest(root, 'app').version).toBe('0.1.0');
    const changelog = readFileSync(join(root, 'packages/backend-a/CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(/\n## 0\.2\.0\n/);
    expect(changelog).not.toMatch(/1\.0\.0/);
    expect(result.peerProblems).toEqual([]);
  });

  it('an explicit major for the backend keeps 1.0.0', async () => {
    const root = workspaceWithChangeset('"@pointwise/core": minor\n"@pointwise/backend-a": major');
    const result = await versionPackages(root);
    expect(result.jumps).toEqual([]);
    expect(manifest(root, 'backend-a').version).toBe('1.0.0');
    expect(result.peerProblems).toEqual([]);
  });
});

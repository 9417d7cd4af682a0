// Builds small throwaway workspaces on disk for the tests: a root with packages/<dir>/package.json
// files and the repo's real .changeset/config.json, so changesets runs against our real settings.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../src/workspace.js';

export function makeWorkspace(packages: Record<string, object | string | null>): string {
  const root = mkdtempSync(join(tmpdir(), 'release-tools-test-'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'test-root', private: true }));
  writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n');
  mkdirSync(join(root, '.changeset'));
  cpSync(join(repoRoot, '.changeset/config.json'), join(root, '.changeset/config.json'));
  for (const [dir, manifest] of Object.entries(packages)) {
    mkdirSync(join(root, 'packages', dir), { recursive: true });
    if (manifest === null) continue; // a folder with no package.json yet
    const text = typeof manifest === 'string' ? manifest : `${JSON.stringify(manifest, null, 2)}\n`;
    writeFileSync(join(root, 'packages', dir, 'package.json'), text);
  }
  return root;
}

/** A backend manifest that follows the repo convention (peer range + workspace devDependency). */
export function backendManifest(name: string, version: string, coreRange: string) {
  return {
    name,
    version,
    peerDependencies: { '@pointwise/core': coreRange },
    devDependencies: { '@pointwise/core': 'workspace:*' },
  };
}

// The peer-range rule: a backend's range on @pointwise/core must include core's current
// version, be plain semver, and come with a `workspace:*` devDependency.
import { describe, expect, it } from 'vitest';
import { checkPeerRanges } from '../src/peer-ranges.js';
import { discoverPublishedPackages, readPackagesDir } from '../src/workspace.js';
import { backendManifest } from './helpers.js';

const pkg = (manifest: any) => ({ name: manifest.name, dir: `/x/${manifest.name}`, manifest });
const core = (version: string) => pkg({ name: '@pointwise/core', version });

describe('checkPeerRanges', () => {
  it('accepts a range that includes the current core', () => {
    const backend = pkg(backendManifest('@pointwise/backend-a', '0.1.0', '^0.1.0'));
    expect(checkPeerRanges([core('0.1.3'), backend])).toEqual([]);
  });

  it('fails when a core minor left the 0.x caret range', () => {
    const backend = pkg(backendManifest('@pointwise/backend-a', '0.1.0', '^0.1.0'));
    const problems = checkPeerRanges([core('0.2.0'), backend]);
    expect(problems).toHaveLength(1);
    expect(problems[0].problem).toMatch(
      /does not include @pointwise\/core@0\.2\.0; set it to \^0\.2\.0/,
    );
  });

  it('fails on the workspace protocol, invalid ranges and a missing workspace devDependency', () => {
    const ws = pkg(backendManifest('@pointwise/backend-a', '0.1.0', 'workspace:^'));
    const invalid = pkg(backendManifest('@pointwise/backend-b', '0.1.0', 'not a range'));
    const noDev = pkg({
      name: '@pointwise/backend-c',
      version: '0.1.0',
      peerDependencies: { '@pointwise/core': '^0.1.0' },
    });
    const pinnedDev = pkg({
      ...backendManifest('@pointwise/backend-d', '0.1.0', '^0.1.0'),
      devDependencies: { '@pointwise/core': '0.1.0' },
    });
    const problems = checkPeerRanges([core('0.1.0'), ws, invalid, noDev, pinnedDev]);
    expect(problems.map((p) => p.pkg)).toEqual([
      '@pointwise/backend-a',
      '@pointwise/backend-b',
      '@pointwise/backend-c',
      '@pointwise/backend-d',
    ]);
    expect(problems[0].problem).toMatch(/workspace protocol/);
    expect(problems[1].problem).toMatch(/not a valid semver range/);
    expect(problems[2].problem).toMatch(/missing/);
    expect(problems[3].problem).toMatch(/"0\.1\.0"/);
  });

  it('ignores peers that are not workspace packages', () => {
    const backend = pkg({
      name: '@pointwise/backend-a',
      version: '0.1.0',
      peerDependencies: { react: '^99' },
    });
    expect(checkPeerRanges([core('0.1.0'), backend])).toEqual([]);
  });

  it('passes on this repo', () => {
    const { packages } = discoverPublishedPackages();
    expect(checkPeerRanges(readPackagesDir().packages, packages)).toEqual([]);
  });
});

// Package discovery: every packages/* that is not private is published; half-written folders
// are reported, not fatal, so a backend being written does not hide the others.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { discoverPublishedPackages, repoRoot } from '../src/workspace.js';
import { makeWorkspace } from './helpers.js';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

describe('discoverPublishedPackages', () => {
  it('keeps public packages, drops private ones, reports broken folders', () => {
    const root = makeWorkspace({
      a: { name: '@x/a', version: '1.0.0' },
      b: { name: '@x/b', version: '1.0.0', private: true },
      c: null,
      d: '{ not json',
      e: { version: '1.0.0' },
    });
    roots.push(root);
    const { packages, broken } = discoverPublishedPackages(root);
    expect(packages.map((p) => p.name)).toEqual(['@x/a']);
    expect(broken.map((b) => b.dir.split('/').pop())).toEqual(['c', 'd', 'e']);
    expect(broken[0].reason).toMatch(/no package.json/);
    expect(broken[1].reason).toMatch(/does not parse/);
  });

  it('finds exactly the non-private packages/* of this repo', () => {
    const expected = readdirSync(join(repoRoot, 'packages'))
      .map((dir) => join(repoRoot, 'packages', dir, 'package.json'))
      .filter((path) => existsSync(path))
      .map((path) => JSON.parse(readFileSync(path, 'utf8')))
      .filter((m) => m.private !== true)
      .map((m) => m.name)
      .sort();
    const { packages } = discoverPublishedPackages();
    expect(packages.map((p) => p.name).sort()).toEqual(expected);
    expect(expected).toContain('@pointwise/core');
  });
});

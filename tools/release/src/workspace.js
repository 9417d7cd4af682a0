// @ts-check
// Finds the repo root and the packages this repo publishes: every packages/* directory
// whose package.json is not `private`. Discovered, never hard-coded, so a backend added
// later is checked, packed and rehearsed the day it appears.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {{ name: string, version: string, private?: boolean, exports?: any, bin?: string | Record<string, string>,
 *   main?: string, module?: string, types?: string, files?: string[],
 *   dependencies?: Record<string, string>, devDependencies?: Record<string, string>,
 *   peerDependencies?: Record<string, string>, [key: string]: any }} Manifest
 * @typedef {{ name: string, dir: string, manifest: Manifest }} WorkspacePackage
 */

/** The monorepo root: tools/release/src -> ../../.. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Every directory under `<root>/packages` with a package.json, private or not.
 * A directory whose package.json is missing or unparsable is reported, not thrown, so a
 * half-written package does not hide the others.
 * @param {string} root
 * @returns {{ packages: WorkspacePackage[], broken: { dir: string, reason: string }[] }}
 */
export function readPackagesDir(root = repoRoot) {
  const packagesDir = join(root, 'packages');
  /** @type {WorkspacePackage[]} */
  const packages = [];
  /** @type {{ dir: string, reason: string }[]} */
  const broken = [];
  if (!existsSync(packagesDir)) return { packages, broken };
  for (const entry of readdirSync(packagesDir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (!entry.isDirectory()) continue;
    const dir = join(packagesDir, entry.name);
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) {
      broken.push({ dir, reason: 'no package.json yet' });
      continue;
    }
    try {
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      if (typeof manifest.name !== 'string' || typeof manifest.version !== 'string') {
        broken.push({ dir, reason: 'package.json lacks name or version' });
        continue;
      }
      packages.push({ name: manifest.name, dir, manifest });
    } catch (error) {
      broken.push({
        dir,
        reason: `package.json does not parse: ${/** @type {Error} */ (error).message}`,
      });
    }
  }
  return { packages, broken };
}

/**
 * The packages that get published: packages/* that are not private.
 * @param {string} root
 */
export function discoverPublishedPackages(root = repoRoot) {
  const { packages, broken } = readPackagesDir(root);
  return { packages: packages.filter((p) => p.manifest.private !== true), broken };
}

// @ts-check
// `pnpm pack:all` (root): packs every published package (each packages/* that is not
// private, discovered, so a package added later is packed the day it appears) into
// tarballs with stable names, `dist-packages/pointwise-<name>.tgz`, the install path the
// READMEs give until the first release is on npm. Needs built packages (the root script
// builds them first). The publish rehearsal packs through the same function.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packPackage } from './pack.js';
import { discoverPublishedPackages, repoRoot } from './workspace.js';

/** Where `pnpm pack:all` writes, relative to the repo root (gitignored). */
export const PACK_FOLDER = 'dist-packages';

/**
 * The stable tarball name of a package: `@pointwise/backend-js` -> `pointwise-backend-js.tgz`
 * (what `pnpm pack` writes, without the version, so the READMEs' command does not change
 * with each release).
 * @param {string} name
 */
export function tarballName(name) {
  return `${name.replace(/^@/, '').replace('/', '-')}.tgz`;
}

/**
 * Packs each package with `pnpm pack` into `destination` (its old tarballs removed first)
 * and renames each tarball to its stable name.
 * @param {import('./workspace.js').WorkspacePackage[]} packages
 * @param {string} destination
 * @returns {Promise<{ name: string, version: string, file: string }[]>} absolute tarball paths
 */
export async function packAll(packages, destination) {
  mkdirSync(destination, { recursive: true });
  for (const entry of readdirSync(destination))
    if (entry.endsWith('.tgz')) rmSync(join(destination, entry));
  const packed = [];
  for (const pkg of packages) {
    const { filename } = await packPackage(pkg.dir, destination);
    const from = resolve(destination, filename);
    const file = join(destination, tarballName(pkg.name));
    renameSync(from, file);
    packed.push({ name: pkg.name, version: pkg.manifest.version, file });
  }
  return packed;
}

/** @param {string[]} argv */
export async function main(argv) {
  const flag = (/** @type {string} */ name) => {
    const at = argv.indexOf(name);
    return at === -1 ? undefined : argv[at + 1];
  };
  const root = resolve(flag('--root') ?? repoRoot);
  const destination = resolve(flag('--out') ?? join(root, PACK_FOLDER));
  const { packages, broken } = discoverPublishedPackages(root);
  for (const b of broken) console.error(`pack:all: skipped ${b.dir}: ${b.reason}`);
  const unbuilt = packages.filter((p) => !existsSync(join(p.dir, 'dist')));
  if (unbuilt.length > 0) {
    console.error(
      `pack:all: not built: ${unbuilt.map((p) => p.name).join(', ')} (run \`pnpm pack:all\` from the repo root: it builds first)`,
    );
    return 1;
  }
  const packed = await packAll(packages, destination);
  for (const p of packed) console.log(`${p.file}  (${p.name}@${p.version})`);
  const core = packed.find((p) => p.name === '@pointwise/core');
  const backend =
    packed.find((p) => p.name === '@pointwise/backend-wasm-simd') ??
    packed.find((p) => p.name.startsWith('@pointwise/backend-'));
  if (core && backend) console.log(`\nIn your project:\nnpm install ${core.file} ${backend.file}`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(`pack:all: ${/** @type {Error} */ (error).message}`);
      process.exitCode = 1;
    },
  );
}

// @ts-check
// Packs a workspace package the way it will be published: `pnpm pack` (what
// `changeset publish` runs under pnpm), which rewrites `workspace:` ranges and applies `files`.
import { run, withoutNpmNoise } from './exec.js';

/**
 * @param {string} dir package directory
 * @param {string} destination folder for the tarball
 * @returns {Promise<{ filename: string, files: string[] }>}
 */
export async function packPackage(dir, destination) {
  const result = await run('pnpm', ['pack', '--pack-destination', destination, '--json'], {
    cwd: dir,
    timeoutMs: 120_000,
  });
  if (result.code !== 0) {
    throw new Error(
      `pnpm pack failed in ${dir}:\n${withoutNpmNoise(result.stderr || result.stdout)}`,
    );
  }
  const start = result.stdout.indexOf('{');
  const json = JSON.parse(result.stdout.slice(start));
  return {
    filename: json.filename,
    files: (json.files ?? []).map((/** @type {{path: string}} */ f) => f.path),
  };
}

// @ts-check
// The READMEs' install-from-tarballs path, read as a user reads it: the `npm install
// …dist-packages/<name>.tgz` lines of their ```sh blocks, and which README examples can run
// once those tarballs are installed. Pure functions; the rehearsal runs what they find.
import { PACK_FOLDER } from './pack-all.js';

/**
 * @typedef {{ file: string, line: number, text: string, tarballs: string[], others: string[] }} InstallCommand
 *   tarballs: file names under dist-packages/ (`pointwise-core.tgz`); others: every other
 *   package argument (a registry spec such as `webgpu@0.6.2`).
 */

/**
 * `npm install` / `npm i` / `pnpm add` lines in ```sh blocks that name a tarball under
 * dist-packages/.
 * @param {string} text markdown
 * @param {string} file name for reports
 * @returns {InstallCommand[]}
 */
export function tarballInstallCommands(text, file) {
  /** @type {InstallCommand[]} */
  const out = [];
  const fence = /^```(sh|bash|shell|console)?\s*\n([\s\S]*?)^```/gm;
  for (const match of text.matchAll(fence)) {
    const blockLine = text.slice(0, match.index).split('\n').length;
    (match[2] ?? '').split('\n').forEach((raw, i) => {
      const command = raw.replace(/\s#.*$/, '').trim();
      const words = /^(npm\s+(install|i)|pnpm\s+add)\s+(.*)$/.exec(command);
      if (!words) return;
      const args = (words[3] ?? '').split(/\s+/).filter((a) => a && !a.startsWith('-'));
      const tarballs = args
        .filter((a) => a.includes(`${PACK_FOLDER}/`) && a.endsWith('.tgz'))
        .map((a) => a.slice(a.lastIndexOf('/') + 1));
      if (tarballs.length === 0) return;
      const others = args.filter((a) => !(a.includes(`${PACK_FOLDER}/`) && a.endsWith('.tgz')));
      out.push({ file, line: blockLine + 1 + i, text: command, tarballs, others });
    });
  }
  return out;
}

/**
 * The `@pointwise/<package>` names a snippet imports (static or dynamic; subpaths count as
 * their package).
 * @param {string} code
 */
export function pointwisePackagesOf(code) {
  const names = new Set();
  for (const m of code.matchAll(/['"](@pointwise\/[A-Za-z0-9._-]+)(\/[^'"]*)?['"]/g))
    names.add(/** @type {string} */ (m[1]));
  return [...names];
}

/**
 * Whether a README snippet can run as it is where `installed` packages are: no `declare`
 * stand-ins for the reader's own values, every @pointwise package it imports installed, and
 * no other package imported (`node:` built-ins aside): the tarballs install nothing else.
 * @param {{ code: string }} snippet
 * @param {Set<string>} installed
 */
export function canRun(snippet, installed) {
  if (/^declare\s/m.test(snippet.code)) return false;
  const specifiers = [
    ...snippet.code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)['"]([^'"]+)['"]/gm),
  ].map((m) => /** @type {string} */ (m[1]));
  if (specifiers.some((s) => !s.startsWith('@pointwise/') && !s.startsWith('node:'))) return false;
  const needs = pointwisePackagesOf(snippet.code);
  return needs.length > 0 && needs.every((n) => installed.has(n));
}

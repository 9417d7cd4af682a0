// @ts-check
// Guards .changeset/config.json against settings that changesets silently ignores: it does
// not warn about unknown keys, so a misspelt experimental key (the snake_case spelling in
// some docs) quietly turns the peer-range behaviour off.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const EXPERIMENTAL_KEY = '___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH';

/**
 * @param {any} config parsed .changeset/config.json
 * @returns {string[]} problems
 */
export function checkChangesetsConfig(config) {
  const problems = [];
  const misspelt = Object.keys(config).filter((k) => k.startsWith('___') && k !== EXPERIMENTAL_KEY);
  for (const key of misspelt)
    problems.push(
      `unknown key "${key}" (changesets reads "${EXPERIMENTAL_KEY}" and ignores this one)`,
    );
  if (config[EXPERIMENTAL_KEY]?.onlyUpdatePeerDependentsWhenOutOfRange !== true) {
    problems.push(`${EXPERIMENTAL_KEY}.onlyUpdatePeerDependentsWhenOutOfRange must be true`);
  }
  if (config.baseBranch !== 'main')
    problems.push(`baseBranch is ${JSON.stringify(config.baseBranch)}, expected "main"`);
  if (config.access !== 'public')
    problems.push(`access is ${JSON.stringify(config.access)}, expected "public"`);
  if (config.updateInternalDependencies !== 'patch')
    problems.push('updateInternalDependencies must be "patch"');
  if (config.privatePackages?.version !== false)
    problems.push('privatePackages.version must be false (apps and tools are never versioned)');
  return problems;
}

/** @param {string} root */
export function readChangesetsConfig(root) {
  return JSON.parse(readFileSync(join(root, '.changeset/config.json'), 'utf8'));
}

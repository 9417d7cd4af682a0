// @ts-check
// Tarball-level checks of one packed package: publint (package.json fields vs. shipped files)
// and @arethetypeswrong (types resolve for `require` and `import` under node16/nodenext and
// for bundlers, without masquerading CJS/ESM). Both read the tarball, not the folder.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { run, withoutNpmNoise } from './exec.js';

const require = createRequire(import.meta.url);
const attwBin = join(
  dirname(require.resolve('@arethetypeswrong/cli/package.json')),
  'dist/index.js',
);

/**
 * publint on the tarball; warnings count as failures (strict), suggestions are reported only.
 * @param {string} tarball
 * @returns {Promise<{ errors: string[], notes: string[] }>}
 */
export async function runPublint(tarball) {
  const data = readFileSync(tarball);
  const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  const { messages, pkg } = await publint({
    pack: { tarball: buffer },
    strict: true,
    level: 'suggestion',
  });
  /** @type {string[]} */
  const errors = [];
  /** @type {string[]} */
  const notes = [];
  for (const message of messages) {
    const text = `${message.type}: ${formatMessage(message, pkg, { color: false }) ?? message.code}`;
    (message.type === 'suggestion' ? notes : errors).push(text);
  }
  return { errors, notes };
}

/**
 * @typedef {{ subpath: string, kind: string, types: string | undefined }} Resolution
 */

/**
 * One line per attw problem, naming where it is (entrypoint and resolution, or the files).
 * See https://github.com/arethetypeswrong/arethetypeswrong.github.io/tree/main/docs/problems
 * @param {any} p
 */
export function describeAttwProblem(p) {
  const where = [
    p.entrypoint && `at ${p.entrypoint}`,
    p.resolutionKind && `(${p.resolutionKind})`,
    p.typesFileName && `types ${p.typesFileName} vs ${p.implementationFileName}`,
    p.fileName && `in ${p.fileName}`,
    p.moduleSpecifier && `importing ${p.moduleSpecifier}`,
    Array.isArray(p.missing) && p.missing.length > 0 && `missing ${p.missing.join(', ')}`,
  ].filter(Boolean);
  return `attw ${p.kind} ${where.join(' ')}`.trim();
}

/**
 * attw with the node16 profile (node16-cjs, node16-esm, bundler; node10 is skipped because
 * it cannot see `exports` subpaths at all and TypeScript 6 deprecates it).
 * @param {string} tarball
 * @returns {Promise<{ errors: string[], resolutions: Resolution[] }>}
 */
export async function runAttw(tarball) {
  const result = await run(
    process.execPath,
    [attwBin, tarball, '--profile', 'node16', '--format', 'json'],
    {
      timeoutMs: 120_000,
    },
  );
  let json;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    return {
      errors: [
        `attw did not run: ${withoutNpmNoise(result.stderr || result.stdout).slice(0, 2000)}`,
      ],
      resolutions: [],
    };
  }
  const analysis = json.analysis ?? {};
  /** @type {Resolution[]} */
  const resolutions = [];
  for (const [subpath, entry] of Object.entries(analysis.entrypoints ?? {})) {
    for (const [kind, info] of Object.entries(/** @type {any} */ (entry).resolutions ?? {})) {
      if (kind === 'node10') continue;
      resolutions.push({ subpath, kind, types: /** @type {any} */ (info).resolution?.fileName });
    }
  }
  const problems = Array.isArray(json.problems)
    ? json.problems
    : Object.values(json.problems ?? {}).flat();
  const errors = problems
    .filter((/** @type {any} */ p) => p.resolutionKind !== 'node10')
    .map(describeAttwProblem);
  if (result.code !== 0 && errors.length === 0) errors.push(`attw exited ${result.code}`);
  for (const r of resolutions)
    if (!r.types) errors.push(`attw: no types for ${r.subpath} under ${r.kind}`);
  return { errors, resolutions };
}

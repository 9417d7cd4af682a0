// @ts-check
// `pnpm --filter @pointwise/release-tools version-packages`: `changeset version`, then one correction.
// Before 1.0, a minor bump of @pointwise/core leaves every backend's `^0.y.0` peer range, and
// changesets 2.31 answers that with a MAJOR bump of each backend (0.1.0 -> 1.0.0) while also
// rewriting the range to `^0.(y+1).0`. In 0.x the breaking step is the minor, so this script
// turns such unrequested 0.x -> 1.0.0 jumps into 0.(y+1).0 (version, CHANGELOG heading and any
// workspace range that names it), then runs the peer-range check. An explicit `major`
// changeset for the package keeps 1.0.0.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import semver from 'semver';
import { run } from './exec.js';
import { checkPeerRanges } from './peer-ranges.js';
import { readPackagesDir, repoRoot } from './workspace.js';

const require = createRequire(import.meta.url);
const changesetBin = join(dirname(require.resolve('@changesets/cli/package.json')), 'bin.js');
const BUMPS = ['none', 'patch', 'minor', 'major'];

/**
 * The bump each package explicitly asks for across pending changesets (frontmatter lines
 * such as `"@pointwise/core": minor`).
 * @param {string[]} texts contents of .changeset/*.md
 * @returns {Map<string, string>}
 */
export function requestedBumps(texts) {
  const bumps = new Map();
  for (const text of texts) {
    const front = /^---\s*\n([\s\S]*?)\n---/.exec(text.replace(/\r\n/g, '\n'));
    if (!front) continue;
    for (const line of front[1].split('\n')) {
      const match = /^\s*["']?([^"':]+)["']?\s*:\s*(none|patch|minor|major)\s*$/.exec(line);
      if (!match) continue;
      const [, name, bump] = match;
      if (BUMPS.indexOf(bump) > BUMPS.indexOf(bumps.get(name) ?? 'none')) bumps.set(name, bump);
    }
  }
  return bumps;
}

/**
 * Which packages changesets moved from 0.x to >= 1.0.0 without being asked for a major bump,
 * and the 0.x version they should get instead.
 * @param {Map<string, string>} before name -> version before `changeset version`
 * @param {Map<string, string>} after name -> version after
 * @param {Map<string, string>} requested name -> explicit bump
 * @returns {{ name: string, from: string, to: string, corrected: string }[]}
 */
export function unrequestedZeroMajorJumps(before, after, requested) {
  const jumps = [];
  for (const [name, from] of before) {
    const to = after.get(name);
    if (!to || requested.get(name) === 'major') continue;
    if (semver.major(from) === 0 && semver.major(to) >= 1) {
      jumps.push({ name, from, to, corrected: /** @type {string} */ (semver.inc(from, 'minor')) });
    }
  }
  return jumps;
}

/**
 * After the fact: a package at exactly 1.0.0 whose CHANGELOG section for 1.0.0 has no
 * "### Major Changes" got there only because a peer left its range, i.e. someone ran a bare
 * `changeset version` instead of `version-packages`.
 * @param {string} version current version
 * @param {string | undefined} changelog CHANGELOG.md text
 * @returns {string | undefined} the problem, if any
 */
export function unrequestedOneZero(version, changelog) {
  if (version !== '1.0.0' || changelog === undefined) return undefined;
  const section = changelog.split(/\n## /).find((s) => s.startsWith('1.0.0\n'));
  if (section === undefined || section.includes('### Major Changes')) return undefined;
  return 'is 1.0.0 but its CHANGELOG has no "Major Changes" for it: changesets majored it because a peer left its 0.x range. Re-version with `pnpm --filter @pointwise/release-tools version-packages` (it gives the next 0.x minor), or add a major changeset if 1.0.0 is meant';
}

/** @param {string} root */
function readPendingChangesets(root) {
  const dir = join(root, '.changeset');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

/**
 * Applies the corrections in the package folders of `root`.
 * @param {string} root
 * @param {{ name: string, to: string, corrected: string }[]} jumps
 */
function applyCorrections(root, jumps) {
  const { packages } = readPackagesDir(root);
  for (const pkg of packages) {
    const manifestPath = join(pkg.dir, 'package.json');
    const original = readFileSync(manifestPath, 'utf8');
    // Text edits, not a re-serialisation, so the file keeps its formatting.
    let text = original;
    const jump = jumps.find((j) => j.name === pkg.name);
    if (jump) {
      text = text.replace(/("version"\s*:\s*")([^"]+)(")/, `$1${jump.corrected}$3`);
      const changelogPath = join(pkg.dir, 'CHANGELOG.md');
      if (existsSync(changelogPath)) {
        const changelog = readFileSync(changelogPath, 'utf8');
        writeFileSync(
          changelogPath,
          changelog.replace(`\n## ${jump.to}\n`, `\n## ${jump.corrected}\n`),
        );
      }
    }
    // Ranges other packages hold on a corrected package (changesets wrote ^1.0.0 there).
    for (const j of jumps) {
      const quotedName = j.name.replace(/[/.]/g, (c) => `\\${c}`);
      text = text.replace(
        new RegExp(`("${quotedName}"\\s*:\\s*"[\\^~]?)${j.to.replace(/\./g, '\\.')}(")`, 'g'),
        `$1${j.corrected}$2`,
      );
    }
    if (text !== original) writeFileSync(manifestPath, text);
  }
}

/**
 * Adds CHANGELOG.md to `files` of each published package once changesets has written one
 * (`files` lists only files that exist, and pnpm pack does not add a changelog by itself).
 * @param {string} root
 */
export function shipChangelogs(root) {
  for (const p of readPackagesDir(root).packages) {
    if (p.manifest.private === true || !existsSync(join(p.dir, 'CHANGELOG.md'))) continue;
    const path = join(p.dir, 'package.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    if (!Array.isArray(manifest.files) || manifest.files.includes('CHANGELOG.md')) continue;
    manifest.files.push('CHANGELOG.md');
    writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
  }
}

/**
 * Runs `changeset version` in `root` and corrects unrequested 0.x -> 1.0.0 jumps.
 * @param {string} root a workspace root (the repo, or the rehearsal's temp copy)
 * @param {NodeJS.ProcessEnv} [env]
 */
export async function versionPackages(root, env = process.env) {
  const requested = requestedBumps(readPendingChangesets(root));
  const before = new Map(readPackagesDir(root).packages.map((p) => [p.name, p.manifest.version]));
  const result = await run(process.execPath, [changesetBin, 'version'], {
    cwd: root,
    env,
    timeoutMs: 120_000,
  });
  if (result.code !== 0)
    throw new Error(`changeset version failed:\n${result.stderr}${result.stdout}`);
  const after = new Map(readPackagesDir(root).packages.map((p) => [p.name, p.manifest.version]));
  const jumps = unrequestedZeroMajorJumps(before, after, requested);
  if (jumps.length > 0) applyCorrections(root, jumps);
  shipChangelogs(root);
  const packages = readPackagesDir(root).packages;
  const final = new Map(packages.map((p) => [p.name, p.manifest.version]));
  const published = packages.filter((p) => p.manifest.private !== true);
  return { before, after: final, jumps, peerProblems: checkPeerRanges(packages, published) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  versionPackages(repoRoot).then(
    ({ before, after, jumps, peerProblems }) => {
      for (const [name, version] of after)
        if (before.get(name) !== version) console.log(`${name}: ${before.get(name)} -> ${version}`);
      for (const j of jumps)
        console.log(
          `corrected ${j.name}: changesets said ${j.to} (peer left its range), 0.x gives ${j.corrected}`,
        );
      for (const p of peerProblems) console.log(`FAIL  ${p.pkg} -> ${p.peer}: ${p.problem}`);
      process.exitCode = peerProblems.length === 0 ? 0 : 1;
    },
    (error) => {
      console.error(`FAIL  ${error.message}`);
      process.exitCode = 1;
    },
  );
}

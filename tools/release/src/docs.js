// @ts-check
// Package metadata and user docs: each published manifest has license, repository (with
// its directory), homepage, bugs, keywords and a `files` list of files that exist (LICENSE
// and sourcemaps shipped); the repo has a LICENSE stated in the root README, a
// docs/CONTRACT.md linked by its absolute URL from every README, and no doc cites files a
// user cannot see (SPEC.md, TOOLCHAIN.md, ../shared). Pure functions over the file system.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The one repository every manifest and doc link points at. */
export const REPOSITORY = 'https://github.com/pointwise-dev/pointwise';
export const CONTRACT_URL = `${REPOSITORY}/blob/main/docs/CONTRACT.md`;
/** Files a user cannot see: no project doc may cite them. */
export const PRIVATE_DOCS =
  /SPEC\.md|TOOLCHAIN\.md|STYLE\.md|GPU-NOTES\.md|\.\.\/shared|\/work\/shared/;

/**
 * @param {string} root
 * @param {{ name: string, dir: string, manifest: import('./workspace.js').Manifest }} pkg
 * @returns {string[]} problems
 */
export function checkManifestMetadata(root, pkg) {
  const m = pkg.manifest;
  const problems = [];
  const dir = relative(root, pkg.dir).split('\\').join('/');
  if (typeof m.license !== 'string' || m.license.length === 0) problems.push('no "license"');
  const repo = m.repository;
  if (!repo || typeof repo !== 'object' || typeof repo.url !== 'string')
    problems.push('no "repository" {type, url, directory}');
  else {
    if (!repo.url.includes(REPOSITORY.replace('https://', '')))
      problems.push(`"repository.url" ${repo.url} is not ${REPOSITORY}`);
    if (repo.directory !== dir)
      problems.push(
        `"repository.directory" is ${JSON.stringify(repo.directory)}, expected "${dir}"`,
      );
  }
  if (typeof m.homepage !== 'string' || !m.homepage.startsWith(REPOSITORY))
    problems.push(`"homepage" missing or not under ${REPOSITORY}`);
  const bugs = typeof m.bugs === 'string' ? m.bugs : m.bugs?.url;
  if (typeof bugs !== 'string' || bugs.length === 0) problems.push('no "bugs" url');
  if (!Array.isArray(m.keywords) || m.keywords.length === 0) problems.push('no "keywords"');
  if (!Array.isArray(m.files)) problems.push('no "files" list');
  else {
    for (const entry of m.files) {
      if (/[*?[{!]/.test(entry)) continue; // a glob: publint and the tarball check cover it
      if (!existsSync(join(pkg.dir, entry)))
        problems.push(`"files" lists ${entry}, which does not exist`);
    }
    for (const doc of ['README.md', 'LICENSE'])
      if (!m.files.includes(doc)) problems.push(`"files" does not list ${doc}`);
    if (existsSync(join(pkg.dir, 'CHANGELOG.md')) && !m.files.includes('CHANGELOG.md'))
      problems.push('CHANGELOG.md exists but "files" does not list it');
  }
  const license = join(pkg.dir, 'LICENSE');
  const rootLicense = join(root, 'LICENSE');
  if (!existsSync(license)) problems.push('no LICENSE file in the package');
  else if (
    existsSync(rootLicense) &&
    readFileSync(license, 'utf8') !== readFileSync(rootLicense, 'utf8')
  )
    problems.push('LICENSE differs from the root LICENSE');
  return problems;
}

/**
 * Tarball contents: every shipped .js / .cjs has its sourcemap next to it.
 * @param {string[]} files paths inside the tarball
 */
export function checkSourcemaps(files) {
  const set = new Set(files);
  return files
    .filter((f) => /\.(c|m)?js$/.test(f) && f.startsWith('dist/'))
    .filter((f) => !set.has(`${f}.map`))
    .map((f) => `${f} ships without ${f}.map`);
}

/**
 * Each source module appears in at most one shipped file per format (ESM .js, CJS .cjs),
 * read from the sourcemaps: no entry point bundles its own copy of shared code.
 * @param {string} distDir
 * @param {RegExp} [only] sources to consider (default: all)
 */
export function checkModulesOnce(distDir, only = /./) {
  if (!existsSync(distDir)) return [`${distDir} does not exist`];
  /** @type {Map<string, string[]>} */
  const seen = new Map();
  for (const file of readdirSync(distDir)) {
    if (!file.endsWith('.js.map') && !file.endsWith('.cjs.map')) continue;
    const format = file.endsWith('.cjs.map') ? 'cjs' : 'esm';
    const map = JSON.parse(readFileSync(join(distDir, file), 'utf8'));
    for (const source of map.sources ?? []) {
      if (!only.test(source)) continue;
      const key = `${source} (${format})`;
      seen.set(key, [...(seen.get(key) ?? []), file.replace(/\.map$/, '')]);
    }
  }
  return [...seen]
    .filter(([, where]) => where.length > 1)
    .map(([source, where]) => `${source} is bundled ${where.length} times: ${where.join(', ')}`);
}

/**
 * Markdown files of the repo a user can read (node_modules, dist and dot folders left out).
 * @param {string} root
 */
export function markdownFiles(root) {
  /** @type {string[]} */
  const out = [];
  /** @param {string} dir */
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.md')) out.push(path);
    }
  };
  walk(root);
  return out;
}

/**
 * @param {string} root
 * @param {{ dir: string }[]} published
 * @returns {string[]} problems
 */
export function checkDocs(root, published) {
  const problems = [];
  const license = join(root, 'LICENSE');
  if (!existsSync(license)) problems.push('no LICENSE at the repo root');
  else if (!/MIT License/.test(readFileSync(license, 'utf8')))
    problems.push('LICENSE is not the MIT license text');
  const rootReadme = join(root, 'README.md');
  const rootText = existsSync(rootReadme) ? readFileSync(rootReadme, 'utf8') : '';
  if (!rootText) problems.push('no README.md at the repo root');
  else if (!/^## License[\s\S]*\bMIT\b/m.test(rootText))
    problems.push('the root README has no "## License" section stating MIT');
  if (!existsSync(join(root, 'docs/CONTRACT.md'))) problems.push('no docs/CONTRACT.md');
  for (const readme of [rootReadme, ...published.map((p) => join(p.dir, 'README.md'))]) {
    const where = relative(root, readme);
    if (!existsSync(readme)) {
      problems.push(`${where} does not exist`);
      continue;
    }
    if (!readFileSync(readme, 'utf8').includes(CONTRACT_URL))
      problems.push(`${where} does not link the contract at ${CONTRACT_URL}`);
  }
  for (const file of markdownFiles(root)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, i) => {
      const hit = PRIVATE_DOCS.exec(text);
      if (hit)
        problems.push(`${relative(root, file)}:${i + 1} cites ${hit[0]}, which users cannot see`);
    });
  }
  return problems;
}

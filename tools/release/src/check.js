// @ts-check
// `pnpm check`: package hygiene for every published package (packages/* not private),
// on the tarballs that would be published. Per package: built entries present, publint,
// @arethetypeswrong, size budget; across packages: peer ranges, changesets config, and an
// ESM + CJS + nodenext consumer compiled and run against the packed packages.
// Prints PASS/FAIL per check and exits 1 on any failure. Needs built dist/ (run the build first).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkChangesetsConfig, readChangesetsConfig } from './changesets-config.js';
import { checkConsumers } from './consumer.js';
import { checkDocs, checkManifestMetadata, checkModulesOnce, checkSourcemaps } from './docs.js';
import { runAttw, runPublint } from './hygiene.js';
import { packPackage } from './pack.js';
import { checkPeerRanges } from './peer-ranges.js';
import { compareWithBudgets, formatSize, measurePackage, parseBudgets } from './size.js';
import { checkSnippets, readmeSnippets } from './snippets.js';
import { unrequestedOneZero } from './version.js';
import { discoverPublishedPackages, readPackagesDir, repoRoot } from './workspace.js';

const budgetsPath = new URL('../size-budgets.json', import.meta.url);
const allowlistPath = new URL('../snippet-allowlist.json', import.meta.url);

/** @type {{ name: string, ok: boolean, detail: string[] }[]} */
let results = [];
/** @param {string} name @param {string[]} problems @param {string[]} [info] */
function report(name, problems, info = []) {
  const ok = problems.length === 0;
  results.push({ name, ok, detail: problems });
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}`);
  for (const line of [...problems, ...info])
    console.log(`      ${line.replaceAll('\n', '\n      ')}`);
}

/** Runs every check; returns the process exit code. */
export async function main(argv = process.argv.slice(2)) {
  results = [];
  const keep = argv.includes('--keep');
  // --root and --budgets let the tests point the checks at a throwaway repo.
  const rootIndex = argv.indexOf('--root');
  const root = rootIndex >= 0 ? argv[rootIndex + 1] : repoRoot;
  const budgetsIndex = argv.indexOf('--budgets');
  const budgetsFile = budgetsIndex >= 0 ? argv[budgetsIndex + 1] : budgetsPath;
  const allowlistIndex = argv.indexOf('--snippet-allowlist');
  const allowlistFile = allowlistIndex >= 0 ? argv[allowlistIndex + 1] : allowlistPath;
  const workDir = mkdtempSync(join(tmpdir(), 'pointwise-check-'));
  try {
    const { packages: published, broken } = discoverPublishedPackages(root);
    console.log(
      `Published packages: ${published.map((p) => `${p.name}@${p.manifest.version}`).join(', ') || 'none'}\n`,
    );
    // A folder still being written is noted, not failed: it is not a package until it has a manifest.
    for (const b of broken) console.log(`note  ${b.dir}: ${b.reason} (skipped)\n`);

    report(
      'changesets config (.changeset/config.json)',
      checkChangesetsConfig(readChangesetsConfig(root)),
    );
    const all = readPackagesDir(root).packages;
    report(
      'no unrequested 0.x -> 1.0.0 jump (bare `changeset version`)',
      published.flatMap((p) => {
        const changelogPath = join(p.dir, 'CHANGELOG.md');
        const changelog = existsSync(changelogPath)
          ? readFileSync(changelogPath, 'utf8')
          : undefined;
        const problem = unrequestedOneZero(p.manifest.version, changelog);
        return problem ? [`${p.name} ${problem}`] : [];
      }),
    );
    report(
      'peer ranges include the current version of their workspace peer',
      checkPeerRanges(all, published).map((p) => `${p.pkg} -> ${p.peer}: ${p.problem}`),
    );

    report(
      'docs: LICENSE, root README license, docs/CONTRACT.md linked from every README, no private docs cited',
      checkDocs(root, published),
    );
    for (const pkg of published)
      report(
        `${pkg.name}: manifest metadata (license, repository, homepage, bugs, keywords, files)`,
        checkManifestMetadata(root, pkg),
      );

    const budgets = parseBudgets(readFileSync(budgetsFile, 'utf8'));
    /** @type {string[]} */
    const tarballs = [];
    const packed = [];
    const sizeRows = [];
    for (const pkg of published) {
      const { sizes, missing } = measurePackage(pkg.dir, pkg.manifest);
      if (missing.length > 0) {
        report(`${pkg.name}: built`, [
          `missing ${missing.map((m) => m.file).join(', ')} — build it first (pnpm --filter ${pkg.name} build); other checks skipped`,
        ]);
        continue;
      }
      report(
        `${pkg.name}: size budget`,
        compareWithBudgets(pkg.name, sizes, budgets),
        sizes.map(
          (s) =>
            `${s.key} (${s.condition}): ${formatSize(s.gzip)} gzip, ${formatSize(s.bytes)} raw [${s.files.join(' + ')}]`,
        ),
      );
      sizeRows.push(...sizes.map((s) => ({ name: pkg.name, ...s })));
      let tarball;
      try {
        tarball = await packPackage(pkg.dir, workDir);
      } catch (error) {
        report(`${pkg.name}: pnpm pack`, [/** @type {Error} */ (error).message]);
        continue;
      }
      report(`${pkg.name}: sourcemaps shipped`, checkSourcemaps(tarball.files));
      report(
        `${pkg.name}: each module bundled once per format`,
        checkModulesOnce(join(pkg.dir, 'dist')),
      );
      tarballs.push(tarball.filename);
      packed.push(pkg);
      const lint = await runPublint(tarball.filename);
      report(`${pkg.name}: publint`, lint.errors, lint.notes);
      const attw = await runAttw(tarball.filename);
      report(
        `${pkg.name}: are-the-types-wrong (node16-cjs, node16-esm, bundler)`,
        attw.errors,
        attw.resolutions.map((r) => `${r.subpath} ${r.kind} -> ${r.types ?? 'NO TYPES'}`),
      );
    }

    if (packed.length > 0) {
      const consumer = await checkConsumers(join(workDir, 'consumer'), tarballs, packed);
      report(
        'consumers: ESM import + CJS require, tsc moduleResolution nodenext, run with node',
        consumer.errors,
        consumer.outputs.map((o) => JSON.stringify(o)),
      );
      const allowlist = existsSync(allowlistFile)
        ? /** @type {{ snippets: string[] }} */ (JSON.parse(readFileSync(allowlistFile, 'utf8')))
            .snippets
        : [];
      const snippets = readmeSnippets(root, packed);
      const judged = await checkSnippets(join(workDir, 'consumer'), snippets, allowlist);
      report(
        `README snippets (${judged.count}) compile with tsc --strict as ESM and CJS (nodenext)`,
        judged.errors,
        judged.notes,
      );
    }

    if (argv.includes('--sizes-markdown')) {
      console.log('\n| package | entry | condition | gzip | raw |\n|---|---|---|---|---|');
      for (const r of sizeRows)
        console.log(
          `| ${r.name} | ${r.key} | ${r.condition} | ${formatSize(r.gzip)} | ${formatSize(r.bytes)} |`,
        );
    }
  } finally {
    if (keep) console.log(`\n(kept ${workDir})`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  const failed = results.filter((r) => !r.ok);
  console.log(
    `\n${failed.length === 0 ? 'PASS' : 'FAIL'}: ${results.length - failed.length}/${results.length} checks passed`,
  );
  return failed.length === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error('FAIL: check crashed:', error);
      process.exitCode = 1;
    },
  );
}

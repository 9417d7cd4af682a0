// @ts-check
// `pnpm release` (maintainers, after the version PR is merged): build every published package,
// run every `pnpm check` check, then `changeset publish` (publishes each package whose version
// is not on the registry yet and tags it). `--dry-run` stops before publishing and says what
// would be published; `--skip-build` checks the dist/ folders as they are. Refuses to publish
// while changesets are still pending (version first).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { main as check } from './check.js';
import { run } from './exec.js';
import { discoverPublishedPackages, repoRoot } from './workspace.js';

async function main(argv = process.argv.slice(2)) {
  const dryRun = argv.includes('--dry-run');
  const { packages } = discoverPublishedPackages(repoRoot);
  const pending = readdirSync(join(repoRoot, '.changeset')).filter(
    (f) => f.endsWith('.md') && f !== 'README.md',
  );
  if (pending.length > 0 && !dryRun) {
    console.error(
      `FAIL  ${pending.length} pending changeset(s): run \`pnpm --filter @pointwise/release-tools version-packages\` and merge that first.`,
    );
    return 1;
  }

  if (argv.includes('--skip-build')) {
    console.log('Skipping the build (--skip-build): checking the dist/ folders as they are');
  } else {
    console.log(`Building ${packages.map((p) => p.name).join(', ')}`);
    const filters = packages.map((p) => `--filter=${p.name}`);
    const build = await run(
      'pnpm',
      ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only', ...filters],
      {
        cwd: repoRoot,
        echo: true,
      },
    );
    if (build.code !== 0) {
      console.error('FAIL  build');
      return 1;
    }
  }

  if ((await check()) !== 0) {
    console.error('FAIL  checks failed: nothing published');
    return 1;
  }

  const plan = packages.map((p) => `${p.name}@${p.manifest.version}`).join(', ');
  if (dryRun) {
    console.log(
      `\nDry run: would now run \`changeset publish\` for the versions not yet on the registry among: ${plan}`,
    );
    return 0;
  }
  console.log(`\nPublishing (changeset publish): ${plan}`);
  const publish = await run('pnpm', ['exec', 'changeset', 'publish'], {
    cwd: repoRoot,
    echo: true,
  });
  return publish.code === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error('FAIL  release crashed:', error);
    process.exitCode = 1;
  },
);

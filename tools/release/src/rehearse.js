// @ts-check
// `pnpm --filter @pointwise/release-tools rehearse`: the whole release, end to end, against a
// throwaway local registry and never the real one. Copies the published packages (with their
// built dist/) into a temp workspace, runs `changeset version` there (through version.js) with a
// rehearsal changeset (the real tree is never touched), checks peer ranges, runs `changeset publish` to verdaccio,
// then installs core + one backend with npm in a fresh project outside the workspace, computes
// relu/elu backward, checks what got installed and runs the `pointwise-conformance` bin.
// Before that, the install path the READMEs give until the first release (tarball-install.js):
// `pnpm pack:all`'s tarballs installed by the READMEs' own command, and their examples run.
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, withoutNpmNoise } from './exec.js';
import { checkPeerRanges } from './peer-ranges.js';
import { startRegistry } from './registry.js';
import { rehearseTarballInstall } from './tarball-install.js';
import { versionPackages } from './version.js';
import { discoverPublishedPackages, readPackagesDir, repoRoot } from './workspace.js';

const require = createRequire(import.meta.url);
const changesetBin = join(dirname(require.resolve('@changesets/cli/package.json')), 'bin.js');
const useInstalled = join(
  dirname(fileURLToPath(import.meta.url)),
  '../fixtures/rehearsal/use-installed.mjs',
);
const PREFERRED_BACKENDS = ['@pointwise/backend-wasm-simd', '@pointwise/backend-js'];

let failures = 0;
/** @param {boolean} ok @param {string} what @param {string} [detail] */
function step(ok, what, detail) {
  if (!ok) failures += 1;
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${what}`);
  if (detail) console.log(`      ${detail.trim().replaceAll('\n', '\n      ')}`);
  return ok;
}

/**
 * Copies a package folder without node_modules (dist/ is what gets published).
 * @param {string} from
 * @param {string} to
 */
function copyPackage(from, to) {
  cpSync(from, to, {
    recursive: true,
    filter: (src) => basename(src) !== 'node_modules' && basename(src) !== '.turbo',
  });
}

/**
 * Builds the temp workspace: published packages only, the changesets config, any pending
 * changesets plus one rehearsal changeset: core minor, every other published package patch.
 * @param {string} dir
 * @param {import('./workspace.js').WorkspacePackage[]} published
 * @param {string} registryUrl
 */
function makeWorkspaceCopy(dir, published, registryUrl) {
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      { name: 'pointwise-release-rehearsal', private: true, packageManager: 'pnpm@12.21.0' },
      null,
      2,
    ),
  );
  writeFileSync(join(dir, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\npmOnFail: ignore\n');
  // The registry and a fake token live in the copy's own .npmrc: pnpm and npm read it first.
  const host = registryUrl.replace(/^http:/, '');
  writeFileSync(
    join(dir, '.npmrc'),
    `registry=${registryUrl}/\n@pointwise:registry=${registryUrl}/\n${host}/:_authToken=rehearsal-fake-token\n`,
  );
  cpSync(join(repoRoot, '.changeset'), join(dir, '.changeset'), { recursive: true });
  for (const pkg of published) copyPackage(pkg.dir, join(dir, 'packages', basename(pkg.dir)));
  // core gets a minor so the rehearsal walks the peer-range path a real 0.x core release takes.
  const releases = published
    .map((p) => `"${p.name}": ${p.name === '@pointwise/core' ? 'minor' : 'patch'}`)
    .join('\n');
  writeFileSync(
    join(dir, '.changeset/release-rehearsal.md'),
    `---\n${releases}\n---\n\nRelease rehearsal (temporary copy only).\n`,
  );
}

/** @param {string} registryUrl @param {string} userconfig */
function registryEnv(registryUrl, userconfig) {
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(registryUrl))
    throw new Error(`refusing to publish to ${registryUrl}`);
  return {
    ...process.env,
    npm_config_registry: `${registryUrl}/`,
    'npm_config_@pointwise:registry': `${registryUrl}/`,
    NPM_CONFIG_USERCONFIG: userconfig,
    npm_config_userconfig: userconfig,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}

/** Names of every non-workspace dependency the apps use: none may reach a user's install. */
function appDependencyNames() {
  const names = new Set();
  const appsDir = join(repoRoot, 'apps');
  if (!existsSync(appsDir)) return names;
  for (const app of readdirSync(appsDir)) {
    const manifestPath = join(appsDir, app, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    for (const field of [
      'dependencies',
      'devDependencies',
      'optionalDependencies',
      'peerDependencies',
    ]) {
      for (const name of Object.keys(manifest[field] ?? {}))
        if (!name.startsWith('@pointwise/')) names.add(name);
    }
  }
  return names;
}

export async function main() {
  const started = Date.now();
  const workDir = mkdtempSync(join(tmpdir(), 'pointwise-rehearsal-'));
  /** @type {undefined | (() => void)} */
  let stopRegistry;
  const onSignal = (/** @type {NodeJS.Signals} */ signal) => {
    stopRegistry?.();
    rmSync(workDir, { recursive: true, force: true });
    console.log(`FAIL  interrupted by ${signal}`);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { packages: published, broken } = discoverPublishedPackages(repoRoot);
    for (const b of broken) console.log(`note  ${b.dir}: ${b.reason} (not rehearsed)`);
    const unbuilt = published.filter((p) => !existsSync(join(p.dir, 'dist')));
    const ready = published.filter((p) => existsSync(join(p.dir, 'dist')));
    for (const p of unbuilt)
      step(false, `${p.name} is built`, `no dist/ in ${p.dir}; build it before rehearsing`);
    console.log(`Rehearsing ${ready.map((p) => p.name).join(', ')}`);

    const registry = await startRegistry(join(workDir, 'registry'));
    stopRegistry = registry.stop;
    step(true, `verdaccio listening on ${registry.url} (no uplinks)`);
    const userconfig = join(workDir, 'user.npmrc');
    const host = registry.url.replace(/^http:/, '');
    writeFileSync(
      userconfig,
      `registry=${registry.url}/\n${host}/:_authToken=rehearsal-fake-token\n`,
    );
    const env = registryEnv(registry.url, userconfig);

    // Until the first release, the READMEs' install path: tarballs from `pnpm pack:all`.
    await rehearseTarballInstall({ root: repoRoot, workDir, packages: ready, env, step });

    const ws = join(workDir, 'workspace');
    mkdirSync(ws);
    makeWorkspaceCopy(ws, ready, registry.url);
    /** @type {Awaited<ReturnType<typeof versionPackages>> | undefined} */
    let version;
    let versionError = '';
    try {
      version = await versionPackages(ws, env);
    } catch (error) {
      versionError = /** @type {Error} */ (error).message;
    }
    const versioned = readPackagesDir(ws).packages;
    const moved = versioned.map((p) => {
      const before = ready.find((r) => r.name === p.name)?.manifest.version;
      return `${p.name} ${before} -> ${p.manifest.version}${existsSync(join(p.dir, 'CHANGELOG.md')) ? ' (CHANGELOG.md written)' : ''}`;
    });
    const allMoved = versioned.every(
      (p) => p.manifest.version !== ready.find((r) => r.name === p.name)?.manifest.version,
    );
    const corrections = (version?.jumps ?? []).map(
      (j) => `${j.name}: changesets said ${j.to}, corrected to ${j.corrected}`,
    );
    const peers = versioned.flatMap((p) =>
      Object.entries(p.manifest.peerDependencies ?? {}).map(
        ([n, r]) => `${p.name} peer ${n}: ${r}`,
      ),
    );
    if (
      !step(
        version !== undefined && allMoved,
        'changeset version (+ 0.x correction) in a temporary copy',
        version ? [...moved, ...corrections, ...peers].join('\n') : withoutNpmNoise(versionError),
      )
    )
      return 1;
    const peerProblems = checkPeerRanges(versioned);
    step(
      peerProblems.length === 0,
      'peer ranges after versioning include the new versions',
      peerProblems.map((p) => `${p.pkg} -> ${p.peer}: ${p.problem}`).join('\n'),
    );

    const publish = await run(process.execPath, [changesetBin, 'publish', '--no-git-tag'], {
      cwd: ws,
      env,
      timeoutMs: 120_000,
    });
    const listed = await Promise.all(
      versioned.map(async (p) => {
        const response = await fetch(`${registry.url}/${p.name.replace('/', '%2f')}`);
        const body = /** @type {any} */ (response.ok ? await response.json() : {});
        return {
          name: p.name,
          version: p.manifest.version,
          ok: Boolean(body.versions?.[p.manifest.version]),
        };
      }),
    );
    const publishedOk = listed.filter((l) => l.ok);
    if (
      !step(
        publish.code === 0 && publishedOk.length === listed.length,
        'changeset publish (pnpm publish) to the local registry',
        listed
          .map((l) => `${l.name}@${l.version}: ${l.ok ? 'on the registry' : 'MISSING'}`)
          .join('\n') +
          (publish.code === 0
            ? ''
            : `\n${withoutNpmNoise(publish.stderr + publish.stdout).slice(-3000)}`),
      ) &&
      publishedOk.length === 0
    ) {
      return 1;
    }

    const backend = PREFERRED_BACKENDS.find((name) => publishedOk.some((l) => l.name === name));
    const hasCore = publishedOk.some((l) => l.name === '@pointwise/core');
    if (
      !step(
        Boolean(backend) && hasCore,
        'core and a backend are on the registry',
        `backend: ${backend ?? 'none'}`,
      )
    )
      return 1;
    const app = join(workDir, 'consumer');
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify(
        { name: 'pointwise-rehearsal-consumer', private: true, type: 'module' },
        null,
        2,
      ),
    );
    writeFileSync(join(app, '.npmrc'), `registry=${registry.url}/\n`);
    const install = await run(
      'npm',
      [
        'install',
        '--registry',
        `${registry.url}/`,
        '@pointwise/core',
        /** @type {string} */ (backend),
      ],
      {
        cwd: app,
        env,
        timeoutMs: 120_000,
      },
    );
    if (
      !step(
        install.code === 0,
        `npm install @pointwise/core ${backend} (fresh project outside the workspace, local registry only)`,
        install.code === 0 ? '' : withoutNpmNoise(install.stderr),
      )
    )
      return 1;

    const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8'));
    const installed = Object.keys(lock.packages ?? {})
      .filter((key) => key.startsWith('node_modules/'))
      .map((key) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length));
    const otherBackends = installed.filter(
      (n) => n.startsWith('@pointwise/backend-') && n !== backend,
    );
    const forbidden = appDependencyNames();
    const appDeps = installed.filter((n) => forbidden.has(n));
    const onDisk = existsSync(join(app, 'node_modules/@pointwise'))
      ? readdirSync(join(app, 'node_modules/@pointwise'))
      : [];
    step(
      otherBackends.length === 0 && appDeps.length === 0 && onDisk.length === 2,
      "install holds only core + the chosen backend: no other backend, none of the apps' dependencies",
      `installed: ${installed.join(', ')}\nnode_modules/@pointwise: ${onDisk.join(', ')}` +
        (otherBackends.length ? `\nunexpected backends: ${otherBackends.join(', ')}` : '') +
        (appDeps.length ? `\napp dependencies that leaked: ${appDeps.join(', ')}` : ''),
    );

    // Copied into the consumer project so its bare imports resolve to the installed copies,
    // not to the workspace packages next to tools/release.
    copyFileSync(useInstalled, join(app, 'use-installed.mjs'));
    const use = await run(
      process.execPath,
      ['use-installed.mjs', /** @type {string} */ (backend)],
      { cwd: app, timeoutMs: 60_000 },
    );
    step(
      use.code === 0,
      'relu and elu backward from the installed packages match Math.exp-based values',
      (use.stdout + use.stderr).trim(),
    );

    const backendName = /** @type {string} */ (backend).replace('@pointwise/backend-', '');
    // a hang guard, not a speed check: the wasm-simd 1- and 2-thread columns take about
    // 40 s on an idle 2-core machine and were killed at 150 s on one at load 15-20
    const conformance = await run(
      'npx',
      ['--no-install', 'pointwise-conformance', '--backend', backendName],
      { cwd: app, env, timeoutMs: 600_000 },
    );
    const tail = withoutNpmNoise(conformance.stdout + conformance.stderr)
      .split('\n')
      .slice(-15)
      .join('\n');
    step(
      conformance.code === 0,
      `npx pointwise-conformance --backend ${backendName} (the core bin, installed copy)`,
      tail,
    );
    return failures === 0 ? 0 : 1;
  } catch (error) {
    step(false, 'rehearsal crashed', String(/** @type {Error} */ (error).stack ?? error));
    return 1;
  } finally {
    stopRegistry?.();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (process.argv.includes('--keep')) console.log(`(kept ${workDir})`);
    else rmSync(workDir, { recursive: true, force: true });
    console.log(
      `\n${failures === 0 ? 'PASS' : 'FAIL'}: rehearsal ${failures === 0 ? 'passed' : `had ${failures} failure(s)`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then((code) => {
    process.exitCode = code;
  });
}

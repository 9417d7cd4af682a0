// @ts-check
// The rehearsal's install-from-tarballs part: the path the READMEs give until the first
// release is on npm. Packs every published package as `pnpm pack:all` does, reads the
// READMEs' `npm install …dist-packages/….tgz` lines, runs them in a fresh npm project outside
// the workspace (the registry is the rehearsal's local one, with no uplinks: nothing comes
// from npmjs.org), then runs every README example whose packages that installed, as a user
// would paste it. A README whose command or example drifts fails here.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { run, withoutNpmNoise } from './exec.js';
import { PACK_FOLDER, packAll, tarballName } from './pack-all.js';
import { canRun, tarballInstallCommands } from './readme-install.js';
import { readmeSnippets, snippetStem } from './snippets.js';

/**
 * @typedef {(ok: boolean, what: string, detail?: string) => boolean} Step
 * @typedef {import('./workspace.js').WorkspacePackage} WorkspacePackage
 */

/**
 * A snippet as the plain ESM a user's `.mjs` would hold (types stripped, nothing else changed).
 * @param {string} code
 */
export function snippetAsJs(code) {
  return ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}

/**
 * @param {{ root: string, workDir: string, packages: WorkspacePackage[], env: NodeJS.ProcessEnv, step: Step }} options
 * @returns {Promise<boolean>} false when a step failed
 */
export async function rehearseTarballInstall({ root, workDir, packages, env, step }) {
  let ok = true;
  const check = (/** @type {boolean} */ pass, /** @type {string} */ what, detail = '') => {
    ok = step(pass, what, detail) && ok;
    return pass;
  };
  const folder = join(workDir, PACK_FOLDER);
  const packed = await packAll(packages, folder);
  check(
    true,
    `pack:all packed ${packed.length} packages into ${PACK_FOLDER}/`,
    packed.map((p) => `${tarballName(p.name)}  (${p.name}@${p.version})`).join('\n'),
  );

  const readmes = [
    { file: 'README.md', pkg: undefined },
    ...packages.map((p) => ({ file: relative(root, join(p.dir, 'README.md')), pkg: p })),
  ];
  const commands = readmes.flatMap(({ file }) =>
    existsSync(join(root, file))
      ? tarballInstallCommands(readFileSync(join(root, file), 'utf8'), file)
      : [],
  );
  const missing = readmes
    .filter(({ file, pkg }) =>
      pkg
        ? !commands.some((c) => c.file === file && c.tarballs.includes(tarballName(pkg.name)))
        : !commands.some((c) => c.file === file),
    )
    .map(
      ({ file, pkg }) =>
        `${file}: no \`npm install …/${PACK_FOLDER}/${pkg ? tarballName(pkg.name) : '<name>.tgz'}\` line`,
    );
  const names = new Set(packed.map((p) => tarballName(p.name)));
  const unknown = commands.flatMap((c) =>
    c.tarballs
      .filter((t) => !names.has(t))
      .map((t) => `${c.file}:${c.line} names ${t}, which pack:all does not write`),
  );
  check(
    missing.length === 0 && unknown.length === 0,
    `every README gives an install from ${PACK_FOLDER}/ naming tarballs pack:all writes`,
    [...missing, ...unknown].join('\n'),
  );

  // Only commands that need nothing from the registry run here (the rehearsal registry has
  // no uplinks): no extra registry arguments, no tarball with third-party dependencies or
  // required third-party peers (npm would install those).
  const byTarball = new Map(packed.map((p) => [tarballName(p.name), p]));
  const manifests = new Map(packages.map((p) => [p.name, p.manifest]));
  /** Third-party packages npm would fetch for a tarball: dependencies, required peers. @param {string} t */
  const thirdParty = (t) => {
    const manifest = manifests.get(byTarball.get(t)?.name ?? '');
    const optional = manifest?.peerDependenciesMeta ?? {};
    return [
      ...Object.keys(manifest?.dependencies ?? {}),
      ...Object.keys(manifest?.peerDependencies ?? {}).filter((p) => !optional[p]?.optional),
    ].filter((d) => !d.startsWith('@pointwise/'));
  };
  const app = join(workDir, 'tarball-consumer');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'pointwise-tarball-consumer', private: true, type: 'module' }, null, 2),
  );
  const installed = new Set();
  const seen = new Set();
  for (const c of commands) {
    const key = [...c.tarballs].sort().join(' ');
    if (seen.has(key) || c.tarballs.some((t) => !byTarball.has(t))) continue;
    seen.add(key);
    const needs = [...c.others, ...c.tarballs.flatMap(thirdParty)];
    if (needs.length > 0) {
      console.log(
        `note  ${c.file}:${c.line} not run here: needs ${needs.join(', ')} from the registry`,
      );
      continue;
    }
    const files = c.tarballs.map((t) => join(folder, t));
    const install = await run('npm', ['install', ...files], { cwd: app, env, timeoutMs: 120_000 });
    if (
      check(
        install.code === 0,
        `${c.file}:${c.line} \`${c.text}\` in a fresh project outside the workspace`,
        install.code === 0 ? '' : withoutNpmNoise(install.stderr),
      )
    )
      for (const t of c.tarballs) installed.add(byTarball.get(t)?.name);
  }

  const snippets = readmeSnippets(root, packages).filter((s) => canRun(s, installed));
  check(
    snippets.length > 0,
    `README examples that run with ${[...installed].join(' + ')}: ${snippets.length}`,
  );
  for (const s of snippets) {
    const script = `${snippetStem(s.id)}.mjs`;
    writeFileSync(join(app, script), snippetAsJs(s.code));
    const result = await run(process.execPath, [script], { cwd: app, timeoutMs: 120_000 });
    const output = (result.stdout + result.stderr).trim().split('\n');
    check(
      result.code === 0,
      `${s.id} (line ${s.line}) runs from the installed tarballs`,
      (output.length > 6 ? [...output.slice(0, 6), '…'] : output).join('\n'),
    );
  }
  return ok;
}

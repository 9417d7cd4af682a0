// The rehearsal's install-from-tarballs part on a throwaway repo (a one-file core and a
// one-file backend): `pack:all`'s tarballs, the READMEs' `npm install …dist-packages/…` line
// run in a fresh project, and each README example run from there. It passes as written and
// fails when an example breaks, a README names a tarball pack:all does not write, or a
// package README has no tarball install line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tarballName } from '../src/pack-all.js';
import { rehearseTarballInstall } from '../src/tarball-install.js';
import { discoverPublishedPackages } from '../src/workspace.js';
import { makeWorkspace } from './helpers.js';

const install =
  'npm install ../p/dist-packages/pointwise-core.tgz ../p/dist-packages/pointwise-backend-fake.tgz';
const example = (body: string) =>
  [
    '```js',
    "import { double } from '@pointwise/core';",
    "import { fakeBackend } from '@pointwise/backend-fake';",
    body,
    '```',
  ].join('\n');
const goodExample = example(
  "const n: number = double(fakeBackend());\nif (n !== 42) throw new Error('got ' + n);\nconsole.log('answer', n);",
);

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function repo(readmes: { root: string; core: string; backend: string }) {
  const files = (name: string) => ({
    name,
    version: '0.1.0',
    type: 'module',
    exports: './dist/index.js',
    files: ['dist', 'README.md'],
  });
  const root = makeWorkspace({
    core: files('@pointwise/core'),
    'backend-fake': {
      ...files('@pointwise/backend-fake'),
      peerDependencies: { '@pointwise/core': '^0.1.0' },
    },
  });
  dirs.push(root);
  const write = (dir: string, file: string, text: string) => {
    mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, dir, file), text);
  };
  write('packages/core/dist', 'index.js', 'export const double = (x) => 2 * x;\n');
  write('packages/backend-fake/dist', 'index.js', 'export const fakeBackend = () => 21;\n');
  write('.', 'README.md', readmes.root);
  write('packages/core', 'README.md', readmes.core);
  write('packages/backend-fake', 'README.md', readmes.backend);
  return root;
}

async function rehearse(root: string) {
  const workDir = mkdtempSync(join(tmpdir(), 'tarball-install-test-'));
  dirs.push(workDir);
  const steps: { ok: boolean; what: string; detail?: string }[] = [];
  const ok = await rehearseTarballInstall({
    root,
    workDir,
    packages: discoverPublishedPackages(root).packages,
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' },
    step: (pass, what, detail) => {
      steps.push({ ok: pass, what, detail });
      return pass;
    },
  });
  return { ok, failed: steps.filter((s) => !s.ok), steps };
}

const sh = (line: string) => `\`\`\`sh\n${line}\n\`\`\`\n`;

describe('pack-all.js (`pnpm pack:all`)', () => {
  const script = fileURLToPath(new URL('../src/pack-all.js', import.meta.url));
  const readmes = { root: sh(install), core: sh(install), backend: sh(install) };

  it('packs every published package into dist-packages/ with stable names and prints the command', () => {
    const root = repo(readmes);
    mkdirSync(join(root, 'dist-packages'));
    writeFileSync(join(root, 'dist-packages/pointwise-core-0.0.9.tgz'), 'old');
    const r = spawnSync(process.execPath, [script, '--root', root], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(readdirSync(join(root, 'dist-packages')).sort()).toEqual([
      'pointwise-backend-fake.tgz',
      'pointwise-core.tgz',
    ]);
    expect(r.stdout).toContain(
      `npm install ${join(root, 'dist-packages/pointwise-core.tgz')} ${join(root, 'dist-packages/pointwise-backend-fake.tgz')}`,
    );
  }, 60_000);

  it('exits 1 naming a package that is not built', () => {
    const root = repo(readmes);
    rmSync(join(root, 'packages/backend-fake/dist'), { recursive: true });
    const r = spawnSync(process.execPath, [script, '--root', root], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('not built: @pointwise/backend-fake');
  }, 60_000);
});

describe('rehearseTarballInstall', () => {
  it('names tarballs without their version', () => {
    expect(tarballName('@pointwise/backend-wasm-simd')).toBe('pointwise-backend-wasm-simd.tgz');
  });

  it('installs the tarballs with the README line and runs the README example', async () => {
    const { ok, failed, steps } = await rehearse(
      repo({ root: `${sh(install)}\n${goodExample}\n`, core: sh(install), backend: sh(install) }),
    );
    expect(failed).toEqual([]);
    expect(ok).toBe(true);
    const ran = steps.find((s) => s.what.startsWith('README.md#1'));
    expect(ran?.detail).toBe('answer 42');
  }, 120_000);

  it('fails when the example no longer works with the packages', async () => {
    const broken = example("if (double(fakeBackend()) !== 43) throw new Error('drifted');");
    const { ok, failed } = await rehearse(
      repo({ root: `${sh(install)}\n${broken}\n`, core: sh(install), backend: sh(install) }),
    );
    expect(ok).toBe(false);
    expect(failed.map((s) => s.what)).toEqual([
      'README.md#1 (line 5) runs from the installed tarballs',
    ]);
  }, 120_000);

  it('fails when a README names a tarball pack:all does not write, or lacks the line', async () => {
    const { ok, failed } = await rehearse(
      repo({
        root: `${sh(install.replace('pointwise-core.tgz', 'pointwise-core-0.1.0.tgz'))}\n${goodExample}\n`,
        core: sh('npm install @pointwise/core @pointwise/backend-fake'),
        backend: sh(install),
      }),
    );
    expect(ok).toBe(false);
    expect(failed[0]?.detail).toContain(
      'packages/core/README.md: no `npm install …/dist-packages/pointwise-core.tgz` line',
    );
    expect(failed[0]?.detail).toContain(
      'README.md:2 names pointwise-core-0.1.0.tgz, which pack:all does not write',
    );
  }, 120_000);
});

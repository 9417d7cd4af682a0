// The bench CLI as a user runs it (spawned dist/cli.js, and `pnpm bench` from the repo
// root): -h / --help, exit 2 on usage errors naming the known backends, plain progress
// lines on stderr when it is not a terminal, uninstalled backends named once in a footnote,
// and `pnpm bench` with the CLI's own exit code, the build on stderr and a clean stdout.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BACKEND_NAMES } from '@pointwise/core';
import { beforeAll, describe, expect, it } from 'vitest';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const cli = `${appDir}dist/cli.js`;
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const uninstalled = BACKEND_NAMES.find(
  (n) => !existsSync(`${repoRoot}packages/backend-${n}/package.json`),
);

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    cwd: appDir,
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // `pnpm test` builds first; a lone `vitest run` here builds the CLI itself.
  if (!existsSync(cli)) spawnSync('pnpm', ['build'], { cwd: appDir, stdio: 'ignore' });
}, 120_000);

const tiny = [
  '--ops',
  'relu',
  '--sizes',
  '64',
  '--samples',
  '1',
  '--min-sample-ms',
  '1',
  '--peers',
  'none',
];

describe('pnpm bench (dist/cli.js)', () => {
  it.each([['-h'], ['--help']])('%s prints the help and exits 0', (flag) => {
    const { code, stdout } = run([flag]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^pointwise bench:/);
    expect(stdout).toContain('-h, --help');
  });

  it.each([['--backend'], ['--backends']])(
    '%s bogus is a usage error (exit 2) naming the known backends',
    (flag) => {
      const { code, stdout, stderr } = run([flag, 'js,bogus']);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain("unknown backend 'bogus'");
      expect(stderr).toContain(`known backends are ${BACKEND_NAMES.join(', ')}`);
    },
  );

  it('exits 2 on an unknown flag', () => {
    expect(run(['--wat']).code).toBe(2);
  });

  it('prints plain progress lines on stderr when it is not a terminal', () => {
    const { code, stdout, stderr } = run([...tiny, '--backends', 'js', '--progress-every', '0']);
    expect(code).toBe(0);
    const lines = stderr.split('\n').filter((l) => /^bench: \d+\/\d+ js /.test(l));
    expect(lines.length).toBeGreaterThan(1);
    const [, total] = /^bench: \d+\/(\d+)/.exec(lines[0]!)!;
    expect(lines.at(-1)).toMatch(new RegExp(`^bench: ${total}/${total} js`));
    expect(stderr).not.toContain('\r');
    expect(stdout).not.toContain('bench: ');
  });

  it('without --peers, runs tfjs-wasm beside Pointwise at the largest size only', () => {
    const { code, stdout } = run([...tiny.slice(0, -2), '--sizes', '64,128', '--backends', 'js']);
    expect(code).toBe(0);
    const rows = stdout.split('\n').filter((l) => /^relu\.forward\s/.test(l));
    expect(rows.map((l) => l.split(/\s+/).slice(1, 3).join(' '))).toEqual([
      '2^6 js',
      '2^7 js',
      '2^7 tfjs-wasm',
    ]);
    expect(stdout.split('\n')[0]).toMatch(/^Pointwise bench · .* · (L\d \S+ \S+|LLC unknown)/);
  });

  it.skipIf(uninstalled === undefined)(
    'names an uninstalled backend once, in a footnote; exits 1 when nothing ran',
    () => {
      const both = run([...tiny, '--backends', `js,${uninstalled}`]);
      expect(both.code).toBe(0);
      const mentions = both.stdout.split('\n').filter((l) => l.includes(uninstalled!));
      expect(mentions).toEqual([`not installed (skipped): ${uninstalled}`]);
      const alone = run([...tiny, '--backends', uninstalled!]);
      expect(alone.code).toBe(1);
      expect(alone.stderr).toContain('nothing was measured');
    },
  );
});

/** `pnpm bench` from the repo root, as the README says to run it (the build is turbo-cached). */
function pnpmBench(args: string[]) {
  const r = spawnSync('pnpm', ['bench', ...args], {
    encoding: 'utf8',
    cwd: repoRoot,
    timeout: 240_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pnpm bench (root script)', () => {
  // `pnpm test` has built everything; alone, the first `pnpm bench` may rebuild the workspace.
  beforeAll(() => {
    spawnSync('pnpm', ['turbo', 'run', 'build', '--output-logs=errors-only'], {
      cwd: repoRoot,
      stdio: 'ignore',
    });
  }, 900_000);

  it('exits 2 on a usage error, with nothing on stdout and no recursive-run noise', () => {
    const { code, stdout, stderr } = pnpmBench(['--wat']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('unknown flag');
    expect(stderr).not.toMatch(/RECURSIVE|--filter/);
  }, 250_000);

  it('prints the table first on stdout (build output on stderr) and runs only the op asked for', () => {
    const { code, stdout, stderr } = pnpmBench([...tiny, '--ops', 'elu', '--backends', 'js']);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^Pointwise bench · /);
    expect(stdout).not.toMatch(/turbo|Packages in scope|Tasks:/);
    expect(stderr).toContain('turbo');
    const cases = stdout
      .split('\n')
      .filter((l) => /^\w+\.\S+\s+2\^6\s/.test(l))
      .map((l) => l.split(/\s+/)[0]);
    expect(cases).toEqual(['elu.forward', 'elu.backward', 'elu.backward+y']);
  }, 250_000);
});

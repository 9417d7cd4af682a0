// The conformance CLI end to end on the js backend: JSON shape, the matrix, an
// uninstalled backend named once in a footnote, progress lines off a terminal, the
// exit codes (0 pass, 1 failure / nothing ran, 2 usage) and `pnpm conformance --json`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const KNOWN = ['js', 'wasm-simd', 'webgpu', 'node-cuda'];
const repoRoot = new URL('../../..', import.meta.url).pathname;
/** A known backend whose package is not in this workspace (undefined once all exist). */
const uninstalled = KNOWN.find((n) => !existsSync(`${repoRoot}packages/backend-${n}/package.json`));

const cli = createRequire(import.meta.url)
  .resolve('@pointwise/core/package.json')
  .replace(/package\.json$/, 'dist/cli.js');

function run(args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    cwd: repoRoot,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('pointwise-conformance', () => {
  it.skipIf(uninstalled === undefined)(
    '--json reports every case with op and pass, and uninstalled backends with a reason',
    () => {
      const { code, stdout } = run([
        '--backend',
        `js,${uninstalled}`,
        '--filter',
        'golden',
        '--json',
      ]);
      expect(code).toBe(0);
      const report = JSON.parse(stdout) as {
        backends: {
          name: string;
          available: boolean;
          reason?: string;
          passed: number;
          failed: number;
          cases: { id: string; op: string; pass: boolean }[];
        }[];
      };
      const [js, missing] = report.backends;
      expect(js).toMatchObject({ name: 'js', available: true, failed: 0 });
      expect(js!.passed).toBe(js!.cases.length);
      expect(js!.cases.map((c) => c.id)).toContain('relu/golden/seed-example');
      expect(missing).toMatchObject({
        name: uninstalled,
        available: false,
        reason: `@pointwise/backend-${uninstalled} is not installed`,
      });
    },
  );

  it('prints the op × backend matrix', () => {
    const { code, stdout } = run(['--backend', 'js', '--filter', 'errors/']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^op\s+js/m);
    expect(stdout).toMatch(/^tensors\s+pass \d+/m);
    expect(stdout).toMatch(/^total\s+\d+\/\d+/m);
  });

  it('run from the repo root (`pnpm conformance`), it finds every backend package of the workspace', () => {
    const packagesDir = new URL('../../', import.meta.url).pathname;
    const backendDirs = readdirSync(packagesDir).filter((d) => d.startsWith('backend-'));
    const { stdout } = run(['--filter', 'golden', '--json']);
    const report = JSON.parse(stdout) as {
      backends: { name: string; available: boolean; reason?: string }[];
    };
    // installed: available, or unavailable for a reason of its own (no GPU), never "not installed"
    // wasm-simd runs twice (columns `wasm-simd` and `wasm-simd xN`): one package
    const found = report.backends
      .filter((b) => b.available || !/is not installed/.test(b.reason ?? ''))
      .map((b) => `backend-${b.name.split(' ')[0]}`);
    expect([...new Set(found)].sort()).toEqual(backendDirs.sort());
    expect(report.backends.map((b) => b.name)).toContain('wasm-simd');
    expect(report.backends.some((b) => /^wasm-simd x\d+$/.test(b.name))).toBe(true);
  });

  it.skipIf(uninstalled === undefined)(
    'names an uninstalled backend once, in a footnote, with no column or per-row noise',
    () => {
      const { code, stdout } = run(['--backend', `js,${uninstalled}`, '--filter', 'golden']);
      expect(code).toBe(0);
      expect(stdout.split(uninstalled!).length - 1).toBe(2); // the name, and in the package name
      expect(stdout).toMatch(new RegExp(`^not installed \\(skipped\\): ${uninstalled};`, 'm'));
      expect(stdout).not.toMatch(/unavailable/);
      expect(stdout).toMatch(/^op\s+js\s*$/m);
    },
  );

  it.skipIf(uninstalled === undefined)('exits 1 when no requested backend is installed', () => {
    const { code, stderr } = run(['--backend', uninstalled!]);
    expect(code).toBe(1);
    expect(stderr).toContain('no requested backend is installed');
  });

  it('--wasm-threads N runs the wasm-simd column with N threads, and rejects a bad N', () => {
    const { code, stdout } = run([
      '--backend',
      'wasm-simd',
      '--wasm-threads',
      '3',
      '--filter',
      'relu/golden',
      '--json',
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { backends: { name: string; passed: number }[] };
    expect(report.backends.map((b) => b.name)).toEqual(['wasm-simd x3']);
    expect(report.backends[0]!.passed).toBeGreaterThan(0);
    const bad = run(['--backend', 'wasm-simd', '--wasm-threads', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--wasm-threads');
  });

  it('exits 2 on a bad flag, naming it, and prints help for -h and --help with exit 0', () => {
    const bad = run(['--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--bogus');
    for (const flag of ['-h', '--help']) {
      const help = run([flag]);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage: pointwise-conformance/);
    }
  });

  it('rejects a backend name that is not known with exit 2, naming the known backends', () => {
    const { code, stdout, stderr } = run(['--backend', 'js,bogus']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain("unknown backend 'bogus'");
    expect(stderr).toContain(`known backends are ${KNOWN.join(', ')}`);
  });

  it('says that no case matched a --filter that selects nothing (exit 2)', () => {
    const { code, stderr } = run(['--backend', 'js', '--filter', 'nomatch']);
    expect(code).toBe(2);
    expect(stderr).toContain("no case matched --filter 'nomatch'");
    expect(stderr).not.toContain('no requested backend');
  });

  it('--filter elu/ runs elu cases only, not the relu family whose names end in "elu"', () => {
    const { code, stdout } = run(['--backend', 'js', '--filter', 'elu/', '--json']);
    expect(code).toBe(0);
    const ids = (
      JSON.parse(stdout) as { backends: { cases: { id: string }[] }[] }
    ).backends[0]!.cases.map((c) => c.id);
    expect(ids).toContain('elu/forward/sweep/default');
    expect(ids.filter((id) => !/(^|\/)elu\//.test(id))).toEqual([]);
  });

  it('prints plain progress lines on stderr when it is not a terminal, keeping --json stdout pure', () => {
    const { code, stdout, stderr } = run([
      '--backend',
      'js',
      '--filter',
      'golden',
      '--json',
      '--progress-every',
      '0',
    ]);
    expect(code).toBe(0);
    const total = (JSON.parse(stdout) as { backends: { cases: unknown[] }[] }).backends[0]!.cases
      .length;
    const lines = stderr.split('\n').filter((l) => l.startsWith('conformance: js case '));
    expect(lines).toHaveLength(total);
    expect(lines.at(-1)).toBe(`conformance: js case ${total}/${total}`);
    expect(stderr).not.toContain('\r');
  });

  it('`pnpm conformance --json` from the repo root prints only JSON on stdout', () => {
    const result = spawnSync(
      'pnpm',
      ['conformance', '--json', '--backend', 'js', '--filter', 'relu/golden'],
      { encoding: 'utf8', cwd: repoRoot, timeout: 240_000 },
    );
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as { backends: { name: string }[] };
    expect(report.backends.map((b) => b.name)).toEqual(['js']);
  }, 250_000);
});

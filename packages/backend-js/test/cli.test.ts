// The conformance CLI end to end on the js backend: JSON shape, the matrix, an
// unavailable backend with its reason, and the exit codes.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const cli = createRequire(import.meta.url)
  .resolve('@pointwise/core/package.json')
  .replace(/package\.json$/, 'dist/cli.js');

function run(args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    cwd: new URL('../../..', import.meta.url).pathname,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('pointwise-conformance', () => {
  it('--json reports every case with op and pass, and unavailable backends with a reason', () => {
    const { code, stdout } = run([
      '--backend',
      'js,no-such-backend',
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
      name: 'no-such-backend',
      available: false,
      reason: '@pointwise/backend-no-such-backend is not installed',
    });
  });

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
    const found = report.backends
      .filter((b) => b.available || !/is not installed/.test(b.reason ?? ''))
      .map((b) => `backend-${b.name}`);
    expect(found.sort()).toEqual(backendDirs.sort());
  });

  it('exits non-zero when nothing could run, and on bad flags', () => {
    expect(run(['--backend', 'no-such-backend']).code).toBe(1);
    expect(run(['--bogus']).code).toBe(2);
  });
});

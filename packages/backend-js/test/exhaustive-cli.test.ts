// `pointwise-conformance --exhaustive` end to end on the js backend: the table and
// --json, usage errors (exit 2), and Ctrl-C: a full sweep stopped by SIGINT prints
// its partial counts (exit 130) and --resume continues from the saved state.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = new URL('../../..', import.meta.url).pathname;
const cli = createRequire(import.meta.url)
  .resolve('@pointwise/core/package.json')
  .replace(/package\.json$/, 'dist/cli.js');

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: repoRoot });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pointwise-conformance --exhaustive', () => {
  it('prints "0 of N differ" per op and progress with an ETA on stderr', () => {
    const { code, stdout, stderr } = run([
      '--exhaustive',
      '--slice',
      '--window',
      '65536',
      '--ops',
      'relu,elu',
      '--backend',
      'js',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^relu\s+0 of [\d,]+ differ$/m);
    expect(stdout).toMatch(/^elu\s+0 of [\d,]+ differ \(worst \d ulp\)$/m);
    expect(stderr).toMatch(
      /exhaustive: js relu\/forward\/default 100% \| sweeps [\d.]+% \| [\d.]+ M inputs\/s \| ETA/,
    );
  });

  it('--json gives every task with its counts', () => {
    const { code, stdout } = run([
      '--exhaustive',
      '--slice',
      '--window',
      '65536',
      '--ops',
      'thresholdedRelu',
      '--backend',
      'js',
      '--json',
    ]);
    expect(code).toBe(0);
    const { backends } = JSON.parse(stdout);
    expect(backends[0]).toMatchObject({
      name: 'js',
      available: true,
      interrupted: false,
      differ: 0,
    });
    expect(backends[0].tasks.map((t: { id: string }) => t.id)).toContain(
      'thresholdedRelu/backward-y/default/dy=0xbfb504f3',
    );
    for (const t of backends[0].tasks) expect(t.checked).toBe(t.total);
  });

  it('usage errors exit 2', () => {
    expect(run(['--exhaustive', '--ops', 'relux']).code).toBe(2);
    expect(run(['--exhaustive', '--window', '3']).code).toBe(2);
    expect(run(['--exhaustive', '--help']).stdout).toMatch(
      /^Usage: pointwise-conformance --exhaustive/,
    );
  });

  it('Ctrl-C prints partial results (exit 130) and --resume continues from them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-exhaustive-'));
    const state = join(dir, 'state.json');
    const children: ReturnType<typeof spawn>[] = [];
    try {
      const args = [
        cli,
        '--exhaustive',
        '--ops',
        'relu',
        '--tasks',
        'relu/forward',
        '--backend',
        'js',
        '--resume',
        state,
        '--progress-every',
        '0',
      ];
      const child = spawn(process.execPath, args, { cwd: repoRoot });
      children.push(child);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      let interrupted = false;
      child.stderr.on('data', (d) => {
        stderr += d;
        // stop once a few chunks are done, with one Ctrl-C: a second would quit at once (or,
        // once the CLI has let go of SIGINT, kill it by the signal)
        if (!interrupted && (stderr.match(/relu\/forward\/default/g) ?? []).length >= 4) {
          interrupted = true;
          child.kill('SIGINT');
        }
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(130);
      expect(stdout).toMatch(/^relu\s+0 of [\d,]+ differ \(partial\)$/m);
      expect(stdout).toMatch(/js: interrupted/);
      const saved = JSON.parse(readFileSync(state, 'utf8'));
      const done = saved['js/relu/forward/default'].done as number;
      expect(done).toBeGreaterThan(0);
      expect(done).toBeLessThan(2 ** 32);
      // resume: stop again at once; the count only grows
      const again = spawn(process.execPath, args, { cwd: repoRoot });
      children.push(again);
      let out2 = '';
      again.stdout.on('data', (d) => (out2 += d));
      again.stderr.once('data', () => again.kill('SIGINT'));
      expect(await new Promise((resolve) => again.on('close', resolve))).toBe(130);
      const checked = Number(/^relu\s+0 of ([\d,]+) differ/m.exec(out2)![1]!.replaceAll(',', ''));
      expect(checked).toBeGreaterThanOrEqual(done);
    } finally {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

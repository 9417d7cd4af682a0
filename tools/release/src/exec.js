// @ts-check
// One way to run a child process for all release scripts: captured output, exit code, an
// optional time limit, and never a shell (arguments are passed as a list).
import { spawn } from 'node:child_process';

/** Children still running: killed if this process exits early (signal handlers call exit). */
const live = new Set();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number, echo?: boolean }} [options]
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
export function run(command, args, options = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (options.echo) process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      if (options.echo) process.stderr.write(d);
    });
    const timer = options.timeoutMs
      ? setTimeout(() => {
          stderr += `\n[killed after ${options.timeoutMs} ms]`;
          child.kill('SIGKILL');
        }, options.timeoutMs)
      : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      live.delete(child);
      if (timer) clearTimeout(timer);
      resolvePromise({ code: code ?? 1, stdout, stderr });
    });
  });
}

/**
 * npm prints a warning for every unknown key in the user's ~/.npmrc; keep reports readable.
 * @param {string} text
 */
export function withoutNpmNoise(text) {
  return text
    .split('\n')
    .filter(
      (/** @type {string} */ line) => !/^npm warn Unknown (user|env|project) config/.test(line),
    )
    .join('\n')
    .trim();
}

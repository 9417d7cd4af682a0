// @ts-check
// A throwaway local npm registry (verdaccio 6.8.0) for the publish rehearsal: no uplinks, so
// nothing can come from or go to the real registry; storage in a temp folder; listens on
// 127.0.0.1 on a free port. `stop()` is idempotent and also runs on exit and on signals.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** @returns {Promise<number>} a port that was free a moment ago */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * The verdaccio config: @pointwise/* may be published by anyone (the token is fake), and
 * there are no uplinks, so any other package name is simply not found.
 * @param {string} storage
 */
export function verdaccioConfig(storage) {
  return [
    `storage: ${JSON.stringify(storage)}`,
    'uplinks: {}',
    'packages:',
    "  '@pointwise/*':",
    '    access: $all',
    '    publish: $anonymous $all',
    '    unpublish: $anonymous $all',
    "  '**':",
    '    access: $all',
    '    publish: $anonymous $all',
    'publish:',
    '  allow_offline: true',
    'server:',
    '  keepAliveTimeout: 0',
    'logs: { type: stdout, format: json, level: warn }',
    'web: { enable: false }',
    '',
  ].join('\n');
}

/**
 * @param {string} workDir temp folder (config and storage go there)
 * @returns {Promise<{ url: string, stop: () => void, log: () => string }>}
 */
export async function startRegistry(workDir) {
  const storage = join(workDir, 'storage');
  mkdirSync(storage, { recursive: true });
  const configPath = join(workDir, 'verdaccio.yaml');
  writeFileSync(configPath, verdaccioConfig(storage));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const bin = join(dirname(require.resolve('verdaccio/package.json')), 'bin/verdaccio');
  const child = spawn(
    process.execPath,
    [bin, '--config', configPath, '--listen', `127.0.0.1:${port}`],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  // A crash or Ctrl-C of the rehearsal must not leave a registry listening.
  process.on('exit', stop);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`${url}/-/ping`);
      if (response.ok) return { url, stop, log: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  stop();
  throw new Error(`verdaccio did not start on ${url}:\n${output.slice(-3000)}`);
}

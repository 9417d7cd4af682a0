// tfjs-wasm's threaded build (browsers only: tfjs turns threads off in Node) in Debian's
// Chromium, on a cross-origin-isolated page served here: its WebAssembly.Memory is shared
// (`wasmMemory`), the adapter finds it and runs in place with the shared module, with the
// formula's bits, no leak, and tfjs's own outputs after uninstall (test/threaded/page.ts).

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../../../tools/test-support/src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

it("finds the threaded build's shared memory in Chromium and runs in place, bit for bit", async () => {
  const bundle = await build({
    entryPoints: [join(here, 'threaded', 'page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0]!.contents;
  const wasmDir = join(
    dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
    'dist',
  );
  const isolated = {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
  };
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/') {
      res.writeHead(200, { ...isolated, 'Content-Type': 'text/html' });
      res.end('<!doctype html><script type="module" src="/page.js"></script>');
    } else if (url === '/page.js') {
      res.writeHead(200, { ...isolated, 'Content-Type': 'text/javascript' });
      res.end(js);
    } else if (/^\/wasm\/tfjs-backend-wasm[a-z-]*\.wasm$/.test(url)) {
      res.writeHead(200, { ...isolated, 'Content-Type': 'application/wasm' });
      res.end(readFileSync(join(wasmDir, url.slice('/wasm/'.length))));
    } else {
      res.writeHead(404, isolated);
      res.end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  const browser = await chromium.launch({
    executablePath: findChromium(),
    args: [...CHROMIUM_ARGS],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => document.title === 'done', null, { timeout: 100_000 });
    const out = await page.evaluate(() => (window as unknown as { __out: unknown }).__out);
    expect(out).toEqual({
      threads: true,
      isolated: true,
      backend: true,
      sharedMemory: true,
      route: 'in-place',
      bad: 0,
      leaked: 0,
      uninstallSame: true,
    });
  } finally {
    await browser.close();
    server.close();
  }
});

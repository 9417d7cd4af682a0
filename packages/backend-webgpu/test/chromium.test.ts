// The conformance suite, a named subset per op that includes the special values, in
// headless Chromium (Debian's binary, --enable-unsafe-webgpu, WebGPU on SwiftShader):
// the backend through navigator.gpu instead of Dawn for Node. A missing Chromium is a
// failure, never a skip (POINTWISE_CHROMIUM overrides the binary).
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../../../tools/test-support/src/index.js';

// Per op: the in-place case (uniform data plus every special value), the 65537-element
// size case, dslope/dceiling special terms, dropout masks for two seeds, ratio 0/1,
// scale, regeneration, sparse dropout, golden vectors, the lifetime cases and elu backward's
// integer kernel on the issue-19 pairs.
const SUBSET =
  '^(golden/|[a-zA-Z]+/forward/in-place/default|[a-zA-Z]+/size/65537$|[a-zA-Z]+/d[a-z]+/special-terms|dropout/mask/seed=42,|dropout/(ratio|scale|backward-regenerated|training)|sparseDropout/|tensors/|memory/|elu/backward/rounding-dy/issue-19)';

let server: Server;
let browser: Browser;
let url: string;

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./browser/entry.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    external: ['webgpu', 'node:fs'],
    logLevel: 'warning',
  });
  const js = bundle.outputFiles[0]!.text;
  server = createServer((req, res) => {
    if (req.url === '/bundle.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(js);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><script type="module" src="/bundle.js"></script>');
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const { port } = server.address() as { port: number };
  url = `http://127.0.0.1:${port}/`;
  browser = await chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  await new Promise((done) => server?.close(done));
});

it('passes the conformance subset in headless Chromium', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => 'runSuite' in globalThis);
  const result = await page.evaluate(
    (pattern) =>
      (
        globalThis as unknown as { runSuite: (p: string) => Promise<Record<string, unknown>> }
      ).runSuite(pattern),
    SUBSET,
  );
  expect(result.reason).toBeUndefined();
  expect(result.available).toBe(true);
  expect(result.failures).toEqual([]);
  const ids = result.ids as string[];
  for (const op of [
    'relu',
    'leakyRelu',
    'prelu',
    'thresholdedRelu',
    'clippedRelu',
    'elu',
    'dropout',
    'sparseDropout',
  ]) {
    expect(
      ids.some((id) => id.startsWith(`${op}/`)),
      op,
    ).toBe(true);
  }
  expect(result.passed as number).toBeGreaterThan(30);
  expect(errors).toEqual([]);
  await page.close();
}, 600_000);

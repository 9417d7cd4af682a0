// Browser test of the playground: builds the page with Vite, serves it on
// 127.0.0.1 at a free port and drives Debian's Chromium (never a downloaded
// browser) through playwright-core. Every value the page plots is checked against
// core's float64 references computed here in Node; the dropout mask must match
// dropoutKeepMask on every backend. A screenshot lands in /work/main/artifacts/.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  activations,
  DROPOUT_PARAM_KEYS,
  dropoutBackwardReference,
  dropoutKeepMask,
  dropoutReference,
  f32,
  makeDropoutDraw,
  resolveDropout,
  sparseDropoutReference,
  ulpDistance,
} from '@pointwise/core';
import { CHROMIUM_ARGS, findChromium } from '@pointwise/test-support';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shortF32 } from '../src/format.js';
import type { PlaygroundDebug } from '../src/main.js';
import { fnv1aHex, normalSamples } from '../src/samples.js';
import { SPARSE_LENGTHS, SPARSE_VALUES } from '../src/views/sparseTable.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = resolve(root, '../../artifacts');

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

let outDir: string | undefined;
let server: PreviewServer | undefined;
let browser: Browser | undefined;
let page: Page;
let baseUrl = '';
const pageErrors: string[] = [];

beforeAll(async () => {
  const executablePath = findChromium();
  outDir = mkdtempSync(join(tmpdir(), 'pointwise-playground-'));
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const port = await freePort();
  server = await preview({
    root,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
  browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
  page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) pageErrors.push(`${response.status()} ${response.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  baseUrl = `http://127.0.0.1:${port}/`;
  await page.goto(baseUrl);
  await settled();
});

afterAll(async () => {
  await browser?.close().catch(() => {});
  await server?.close().catch(() => {});
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** Wait until the page has finished recomputing after the last control change. */
async function settled(): Promise<PlaygroundDebug> {
  await page.waitForFunction(() => window.__pointwise?.ready === true, undefined, {
    timeout: 30_000,
  });
  return page.evaluate(() => window.__pointwise);
}

async function setField(id: string, value: number): Promise<PlaygroundDebug> {
  await page.fill(`#${id}`, String(value));
  return settled();
}

/**
 * Visible controls (inputs, selects, buttons, links, checkbox labels, legend entries)
 * smaller than WCAG 2.2's 24 × 24 px target, as "what w×h".
 */
function smallControls(p: Page): Promise<string[]> {
  return p.evaluate(() =>
    Array.from(
      document.querySelectorAll('input, select, button, a[href], label.check, .u-legend .u-series'),
    )
      .filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
      })
      .filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width < 24 || r.height < 24;
      })
      .map((e) => {
        const r = e.getBoundingClientRect();
        return `${e.tagName}#${e.id}.${e.className} ${r.width.toFixed(1)}×${r.height.toFixed(1)}`;
      }),
  );
}

/** Load the page afresh with this hash (a hash-only goto would not reload it). */
async function openWith(hash: string): Promise<PlaygroundDebug> {
  await page.goto('about:blank');
  await page.goto(`${baseUrl}${hash ? `#${hash}` : ''}`);
  return settled();
}

/** Tick exactly these compare checkboxes (the page recomputes after each change). */
async function setCompare(ops: string[]): Promise<PlaygroundDebug> {
  for (const box of await page.$$('#compare input[type=checkbox]')) {
    const want = ops.includes((await box.getAttribute('value'))!);
    if ((await box.isChecked()) !== want && (await box.isVisible())) {
      await box.setChecked(want);
      await settled();
    }
  }
  return settled();
}

async function choose(select: 'op' | 'backend', value: string): Promise<PlaygroundDebug> {
  await page.selectOption(`#${select}`, value);
  return settled();
}

type Spec = (typeof activations)[number]['spec'];
function specOf(op: string): Spec {
  return activations.find((a) => a.name === op)!.spec;
}

/** Check the plotted curves against the float64 reference computed here. */
function expectPlotMatchesReference(d: PlaygroundDebug): void {
  expect(d.error).toBeNull();
  const spec = specOf(d.op) as any;
  const r = spec.resolve(d.op, d.opParams, [d.xs.length]);
  const tolerance = spec.accuracy.kind === 'ulp' ? spec.accuracy.ulp : 0;
  expect(d.xs[0]).toBe(f32(d.range.min));
  expect(d.xs.at(-1)).toBe(f32(d.range.max));
  for (const k of spec.kinks(r) as number[]) {
    if (k >= d.range.min && k <= d.range.max) expect(d.xs).toContain(f32(k));
  }
  let worstForward = 0;
  let worstBackward = 0;
  let worstParam = 0;
  for (let i = 0; i < d.xs.length; i++) {
    const x = d.xs[i]!;
    const refY = f32(spec.reference.forward(x, r, i));
    const refDy = f32(spec.reference.backward(1, x, r, i));
    expect(ulpDistance(d.refYs[i]!, refY), `page reference y at x=${x}`).toBe(0);
    expect(ulpDistance(d.refDys[i]!, refDy), `page reference dx at x=${x}`).toBe(0);
    worstForward = Math.max(worstForward, ulpDistance(d.ys[i]!, refY));
    worstBackward = Math.max(worstBackward, ulpDistance(d.dys[i]!, refDy));
    if (spec.paramGrad) {
      const term = f32(spec.paramGrad.term(1, x, r, 0));
      worstParam = Math.max(worstParam, ulpDistance(d.paramGrad!.values[i]!, term));
    }
  }
  const what = `${d.op} ${JSON.stringify(d.opParams)} on ${d.backend}`;
  expect(worstForward, `forward ulp, ${what}`).toBeLessThanOrEqual(tolerance);
  expect(worstBackward, `dx ulp, ${what}`).toBeLessThanOrEqual(tolerance);
  expect(d.paramGrad?.name ?? null).toBe(spec.paramGrad?.name ?? null);
  // A one-term sum is the term itself (SPEC bound n·2^-24·|term| with n = 1).
  expect(worstParam, `param grad ulp, ${what}`).toBeLessThanOrEqual(1);
  expect(d.maxUlp).toBe(Math.max(worstForward, worstBackward, d.maxUlpParamGrad));
  expect(d.maxUlpForward).toBe(worstForward);
  expect(d.maxUlpBackward).toBe(worstBackward);
}

function availableBackends(d: PlaygroundDebug): string[] {
  return d.backends.filter((b) => b.available).map((b) => b.name);
}

describe('playground in Chromium', () => {
  it('probes the backends through core and shows unavailable ones disabled with the reason', async () => {
    const d = await settled();
    const byName = Object.fromEntries(d.backends.map((b) => [b.name, b]));
    expect(Object.keys(byName)).toEqual(['js', 'wasm-simd', 'webgpu']);
    expect(byName.js!.available).toBe(true);
    for (const b of d.backends) {
      const disabled = await page.$eval(
        `#backend option[value="${b.name}"]`,
        (o) => (o as HTMLOptionElement).disabled,
      );
      expect(disabled).toBe(!b.available);
      if (!b.available) {
        expect(b.reason).toBeTruthy();
        await expect(
          page.textContent(`#backend-list li[data-backend="${b.name}"]`),
        ).resolves.toContain(b.reason!);
      }
    }
    if (!byName.webgpu!.available) expect(byName.webgpu!.reason).toMatch(/navigator\.gpu/);
    // With --enable-unsafe-webgpu Debian's Chromium runs WebGPU on SwiftShader: all three run.
    expect(availableBackends(d)).toEqual(['js', 'wasm-simd', 'webgpu']);
  });

  it('plots relu on js over -5..5 exactly as the float64 reference', async () => {
    const d = await settled();
    expect(d.op).toBe('relu');
    expect(d.backend).toBe('js');
    expect(d.range).toEqual({ min: -5, max: 5 });
    expectPlotMatchesReference(d);
    expect(d.kinks).toEqual([0]);
  });

  it('follows op and parameter changes (each op, its parameter, the range)', async () => {
    await choose('op', 'leakyRelu');
    expectPlotMatchesReference(await setField('param-alpha', 0.2));
    await choose('op', 'elu');
    await setField('range-min', -8);
    await setField('range-max', 3);
    const elu = await setField('param-alpha', 0.5);
    expect(elu.opParams).toEqual({ alpha: 0.5 });
    expectPlotMatchesReference(elu);
    await choose('op', 'prelu');
    const prelu = await setField('param-slope', -0.3);
    expect(prelu.paramGrad?.name).toBe('dslope');
    expectPlotMatchesReference(prelu);
    await choose('op', 'thresholdedRelu');
    const thresholded = await setField('param-alpha', 0.7);
    expect(thresholded.opParams).toEqual({ alpha: 0.7 });
    expect(thresholded.kinks).toEqual([f32(0.7), 0]);
    expectPlotMatchesReference(thresholded);
    await choose('op', 'shiftedRelu');
    const shifted = await setField('param-threshold', -1.3);
    expect(shifted.opParams).toEqual({ threshold: -1.3 });
    expect(shifted.kinks).toEqual([f32(-1.3)]);
    expect(shifted.paramGrad?.name).toBe('dthreshold');
    expectPlotMatchesReference(shifted);
    await choose('op', 'clippedRelu');
    const clipped = await setField('param-ceiling', 2.5);
    expect(clipped.paramGrad?.name).toBe('dceiling');
    expectPlotMatchesReference(clipped);
  });

  it('reports a rejected parameter as core’s error and recovers', async () => {
    await choose('op', 'clippedRelu');
    const bad = await setField('param-ceiling', 0);
    expect(bad.error).toMatch(/clippedRelu.*ceiling/);
    await expect(page.isVisible('#error')).resolves.toBe(true);
    // The status line must not claim "up to date" while the error shows.
    await expect(page.textContent('#status')).resolves.not.toMatch(/up to date/);
    await expect(page.textContent('#status')).resolves.toMatch(/error/);
    const good = await setField('param-ceiling', 2.5);
    expect(good.error).toBeNull();
    await expect(page.textContent('#status')).resolves.toMatch(/up to date/);
  });

  it('shows only the controls the op uses, labelled with the keys core takes; the dropout group stays enabled', async () => {
    const visibleParams = () =>
      page.$$eval('#param-controls .param', (rows) =>
        rows
          .filter((r) => (r as HTMLElement).offsetParent !== null)
          .map((r) => ({
            label: r.querySelector('label')!.textContent,
            inputs: Array.from(r.querySelectorAll('input'), (i) => !i.disabled),
          })),
      );
    for (const op of activations.map((a) => a.name)) {
      const d = await choose('op', op);
      const rows = await visibleParams();
      expect(
        rows.map((r) => r.label),
        op,
      ).toEqual(Object.keys(d.opParams));
      for (const r of rows) expect(r.inputs, op).toEqual([true, true]);
      // The mask and sparse views are on screen with every op: their controls work.
      for (const name of ['ratio', 'replacement', 'seed', 'stream']) {
        await expect(page.isVisible(`#param-${name}`)).resolves.toBe(true);
        await expect(page.isDisabled(`#param-${name}`)).resolves.toBe(false);
      }
    }
    // With an activation selected, the ratio still drives the mask view.
    await choose('op', 'relu');
    const before = (await settled()).maskHash;
    const after = await setField('param-ratio', 0.2);
    expect(after.maskHash).not.toBe(before);
    await setField('param-ratio', 0.5);
    const dropout = await choose('op', 'dropoutWithReplacement');
    expect(Object.keys(dropout.opParams)).toEqual(['ratio', 'replacement', 'seed', 'stream']);
    await expect(visibleParams()).resolves.toEqual([]);
    for (const name of ['ratio', 'replacement', 'seed', 'stream'])
      await expect(page.isDisabled(`#param-${name}`)).resolves.toBe(false);
    // The group sits next to the op when a dropout op is selected.
    await expect(page.locator('#controls-top #dropout-controls').count()).resolves.toBe(1);
    await expect(page.textContent('#dropout-controls legend')).resolves.toMatch(/Dropout/);
    for (const name of ['ratio', 'replacement', 'seed', 'stream']) {
      await expect(page.locator(`#dropout-controls #param-${name}`).count()).resolves.toBe(1);
      await expect(page.locator(`#param-controls #param-${name}`).count()).resolves.toBe(0);
    }
  });

  it('draws kink labels that do not overlap, with the float32 value written shortly', async () => {
    await choose('op', 'thresholdedRelu');
    const d = await setField('param-alpha', 0.1);
    expect(d.kinks).toEqual([f32(0.1), 0]);
    const texts = d.kinkLabels.map((l) => l.text).sort();
    expect(texts).toEqual(['kink x=0', 'kink x=0.1']);
    for (const a of d.kinkLabels)
      for (const b of d.kinkLabels) {
        if (a === b) continue;
        const overlap =
          a.left < b.left + b.width &&
          b.left < a.left + a.width &&
          a.top < b.top + b.height &&
          b.top < a.top + a.height;
        expect(overlap, `${a.text} overlaps ${b.text}`).toBe(false);
      }
    await expect(page.textContent('#plot-forward-caption')).resolves.toContain('0.1');
    await expect(page.textContent('#plot-forward-caption')).resolves.not.toContain('0.10000000149');
  });

  it('has an aria-live status and text alternatives for the charts and the mask', async () => {
    const d = await choose('op', 'leakyRelu');
    await expect(page.getAttribute('#status', 'aria-live')).resolves.toBe('polite');
    for (const id of ['plot-forward', 'plot-grad']) {
      const box = page.locator(`#${id} > [role=img]`);
      await expect(box.getAttribute('aria-labelledby')).resolves.toBe(`${id}-caption`);
    }
    const caption = (await page.textContent('#plot-forward-caption'))!;
    expect(caption).toContain(`leakyRelu(x) on ${d.backend}`);
    expect(caption).toContain('kinks at x = 0');
    expect(caption).toContain(`max ${d.maxUlpForward} ulp`);
    const kept = d.mask.reduce((a, b) => a + b, 0) / d.mask.length;
    const maskLabel = await page.getAttribute('#mask-canvas', 'aria-label');
    await expect(page.locator('#mask-canvas').getAttribute('role')).resolves.toBe('img');
    expect(maskLabel).toContain(`${(100 * kept).toFixed(1)}% of the elements kept`);
    await expect(page.getAttribute('#sparsity-chart', 'aria-label')).resolves.toMatch(
      /exactly zero/,
    );
  });

  it('links to the docs and the repository', async () => {
    await expect(page.getAttribute('#link-repo', 'href')).resolves.toBe(
      'https://github.com/pointwise-dev/pointwise',
    );
    await expect(page.getAttribute('#link-docs', 'href')).resolves.toBe(
      'https://github.com/pointwise-dev/pointwise/blob/main/docs/CONTRACT.md',
    );
  });

  it('copies the exact pw.<op>(x, {...}) call: run on the page’s instance it gives the plotted values', async () => {
    const cases: [string, string, number][] = [
      ['elu', 'param-alpha', 0.3],
      ['thresholdedRelu', 'param-alpha', 0.7],
      ['shiftedRelu', 'param-threshold', -0.4],
      ['prelu', 'param-slope', -0.3],
      ['clippedRelu', 'param-ceiling', 1.5],
      ['relu', '', 0],
      ['dropoutWithReplacement', 'param-ratio', 0.4],
    ];
    for (const [op, field, value] of cases) {
      await choose('op', op);
      const d = field ? await setField(field, value) : await settled();
      await page.click('#copy-code');
      const code = (await page.textContent('#code'))!;
      expect(code).toBe(d.code);
      expect(code.startsWith(`pw.${op}(x`)).toBe(true);
      const ys = await page.evaluate(
        async ({ code, backend, xs }) => {
          const pw = window.__pointwiseInstances[backend]!;
          const x = pw.tensor(Float32Array.from(xs));
          const result = new Function('pw', 'x', `return ${code};`)(pw, x);
          // Dense dropout returns { y, mask, draw }.
          const y = 'y' in result ? result.y : result;
          const values = Array.from((await y.read()) as Float32Array);
          x.dispose();
          y.dispose();
          result.mask?.dispose();
          return values;
        },
        { code, backend: d.backend, xs: d.xs },
      );
      expect(ys, code).toEqual(d.ys);
    }
  });

  it('keeps op, params, backend, range and compared ops in the URL; a reload restores them', async () => {
    const names = availableBackends(await settled());
    const backend = names.includes('wasm-simd') ? 'wasm-simd' : 'js';
    await choose('backend', backend);
    await choose('op', 'elu');
    await setField('param-alpha', 0.35);
    await setField('range-min', -4);
    await setCompare(['relu', 'leakyRelu']);
    const before = await settled();
    expect(page.url()).toContain('op=elu');
    await page.reload();
    const after = await settled();
    expect(after.op).toBe('elu');
    expect(after.backend).toBe(backend);
    expect(after.opParams).toEqual({ alpha: 0.35 });
    expect(after.params).toEqual(before.params);
    expect(after.range).toEqual(before.range);
    expect(after.compare.map((c) => c.op)).toEqual(['relu', 'leakyRelu']);
    await expect(page.inputValue('#op')).resolves.toBe('elu');
    await expect(page.inputValue('#param-alpha')).resolves.toBe('0.35');
    await expect(page.inputValue('#backend')).resolves.toBe(backend);
    expect(after.ys).toEqual(before.ys);
    // Back to the defaults for the tests below.
    await page.goto(baseUrl);
    const fresh = await settled();
    expect(fresh.op).toBe('relu');
  });

  it('overlays compared ops (core defaults) on the forward chart', async () => {
    await choose('op', 'relu');
    await setCompare(['elu', 'leakyRelu']);
    const d = await settled();
    expect(d.compare.map((c) => c.op)).toEqual(['leakyRelu', 'elu']);
    for (const c of d.compare) {
      const spec = specOf(c.op) as any;
      const r = spec.resolve(c.op, {}, [d.xs.length]);
      const tolerance = spec.accuracy.kind === 'ulp' ? spec.accuracy.ulp : 0;
      let worst = 0;
      for (let i = 0; i < d.xs.length; i++)
        worst = Math.max(worst, ulpDistance(c.ys[i]!, f32(spec.reference.forward(d.xs[i]!, r, i))));
      expect(worst, c.op).toBeLessThanOrEqual(tolerance);
    }
    const legend = await page.$$eval('#plot-forward .u-legend .u-series .u-label', (ls) =>
      ls.map((l) => l.textContent),
    );
    expect(legend.some((l) => l?.startsWith('elu(x)'))).toBe(true);
    expect(legend.some((l) => l?.startsWith('leakyRelu(x)'))).toBe(true);
    // Coinciding curves (leakyRelu, elu and relu for x > 0) are told apart: each compared
    // curve has its own dash, and each curve's name is at its end, the names apart.
    const forward = d.plotSeries.forward;
    const dashes = forward.map((s) => JSON.stringify(s.dash));
    expect(new Set(dashes).size).toBe(forward.length);
    expect(forward[0]!.dash).toBeNull();
    expect(d.curveLabels.map((l) => l.text).sort()).toEqual(['elu', 'leakyRelu', 'relu']);
    for (const a of d.curveLabels)
      for (const b of d.curveLabels)
        if (a !== b) expect(a.top + a.height <= b.top || b.top + b.height <= a.top).toBe(true);
    await expect(page.textContent('#plot-forward-caption')).resolves.toMatch(
      /leakyRelu \(.*the same value as relu at \d+% of the points\)/,
    );
    await setCompare([]);
    expect((await settled()).compare).toEqual([]);
  });

  it('trains a tiny MLP: relu lowers the loss and reports dead units; PACT learns the ceiling', async () => {
    async function trainWith(op: string, steps: number) {
      await choose('op', op);
      await page.fill('#train-steps', String(steps));
      await page.evaluate(() => {
        window.__pointwise.training = null;
      });
      await page.click('#train-run');
      await page.waitForFunction(() => window.__pointwise.training !== null, undefined, {
        timeout: 60_000,
      });
      const t = (await page.evaluate(() => window.__pointwise.training))!;
      expect(t.error).toBeUndefined();
      expect(t.loss).toHaveLength(steps);
      expect(t.deadFraction).toHaveLength(steps);
      for (const f of t.deadFraction) expect(Number.isInteger(f * 32)).toBe(true);
      return t;
    }
    const relu = await trainWith('relu', 200);
    expect(relu.loss.at(-1)!).toBeLessThan(0.8 * relu.loss[0]!);
    await expect(page.textContent('#train-summary')).resolves.toMatch(/dead units \d/);
    // leakyRelu's units never output exactly 0 for all samples.
    const leaky = await trainWith('leakyRelu', 20);
    expect(Math.max(...leaky.deadFraction)).toBe(0);
    await choose('op', 'clippedRelu');
    await setField('param-ceiling', 1);
    const pact = await trainWith('clippedRelu', 100);
    expect(pact.learned?.name).toBe('ceiling');
    expect(pact.learned?.initial).toBe(1);
    for (const c of pact.learned!.final) expect(c).not.toBe(1);
    expect(pact.loss.at(-1)!).toBeLessThan(pact.loss[0]!);
  });

  it('trains through the selected backend: relu with dropout gives the same losses on every backend', async () => {
    const names = availableBackends(await settled());
    await choose('op', 'relu');
    await page.fill('#train-dropout', '0.2');
    const losses: Record<string, number[]> = {};
    for (const name of names) {
      await choose('backend', name);
      await page.fill('#train-steps', '30');
      await page.evaluate(() => {
        window.__pointwise.training = null;
      });
      await page.click('#train-run');
      await page.waitForFunction(() => window.__pointwise.training !== null, undefined, {
        timeout: 60_000,
      });
      const t = (await page.evaluate(() => window.__pointwise.training))!;
      expect(t.error, name).toBeUndefined();
      expect(t.loss.at(-1)!, name).toBeLessThan(t.loss[0]!);
      losses[name] = t.loss;
    }
    // relu and the dropout mask are exact on every backend, the rest is the same JS.
    for (const name of names) expect(losses[name], name).toEqual(losses.js);
    await page.fill('#train-dropout', '0');
    await choose('backend', 'js');
  });

  it('on a phone (390×844, touch): the chart is in the first screen, controls are ≥ 24 px, a tap shows values', async () => {
    const context = await browser!.newContext({
      viewport: { width: 390, height: 844 },
      hasTouch: true,
    });
    const phone = await context.newPage();
    phone.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      const ready = () =>
        phone.waitForFunction(() => window.__pointwise?.ready === true, undefined, {
          timeout: 30_000,
        });
      await phone.goto(baseUrl);
      await ready();
      const layout = await phone.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        boxes: Array.from(
          document.querySelectorAll('.card, .uplot, canvas, #controls-top, #controls-more, table'),
          (e) => {
            const r = e.getBoundingClientRect();
            return { what: `${e.tagName}#${e.id}.${e.className}`, left: r.left, right: r.right };
          },
        ),
        chart: document.querySelector('#plot-forward canvas')!.getBoundingClientRect().toJSON(),
        plotCard: document.getElementById('card-plot')!.getBoundingClientRect().top,
        more: document.getElementById('controls-more')!.getBoundingClientRect().top,
      }));
      expect(layout.scrollWidth).toBeLessThanOrEqual(390);
      expect(layout.boxes.length).toBeGreaterThan(5);
      for (const b of layout.boxes) {
        expect(b.left, b.what).toBeGreaterThanOrEqual(0);
        expect(b.right, b.what).toBeLessThanOrEqual(390);
      }
      // Chart first: the whole forward chart is on the first screen, before the other settings.
      expect(layout.chart.top).toBeGreaterThan(0);
      expect(layout.chart.bottom).toBeLessThanOrEqual(844);
      expect(layout.plotCard).toBeLessThan(layout.more);
      expect(await smallControls(phone)).toEqual([]);
      mkdirSync(artifacts, { recursive: true });
      await phone.screenshot({ path: join(artifacts, 'playground-phone.png') });
      // Every op keeps its chart (sparse dropout: its table) on the first screen.
      for (const op of [...activations.map((a) => a.name), 'dropoutWithReplacement']) {
        await phone.selectOption('#op', op);
        await ready();
        const bottom = await phone.evaluate(
          () => document.querySelector('#plot-forward canvas')!.getBoundingClientRect().bottom,
        );
        expect(bottom, op).toBeLessThanOrEqual(844);
        expect(await smallControls(phone), op).toEqual([]);
      }
      await phone.selectOption('#op', 'sparseDropoutWithReplacement');
      await ready();
      const sparseTop = await phone.evaluate(
        () => document.getElementById('sparse-table')!.getBoundingClientRect().top,
      );
      expect(sparseTop).toBeLessThan(844);
      await expect(phone.isVisible('#card-plot')).resolves.toBe(false);
      // int64 ids never break inside a number: one line box per id.
      const broken = await phone.$$eval('#sparse-table .id', (ids) =>
        ids.filter((e) => e.getClientRects().length !== 1).map((e) => e.textContent),
      );
      expect(broken).toEqual([]);
      await expect(phone.locator('#sparse-table .id').count()).resolves.toBeGreaterThan(20);
      await phone.screenshot({ path: join(artifacts, 'playground-phone-sparse.png') });

      // Values on tap: no legend reads "--"; a tap on the chart picks the nearest point.
      await phone.selectOption('#op', 'elu');
      await ready();
      const legends = await phone.$$eval('.u-legend', (ls) => ls.map((l) => l.textContent));
      for (const l of legends) expect(l).not.toContain('--');
      const start = await phone.evaluate(() => window.__pointwise);
      expect(start.xs[start.readoutIndex]).toBe(0); // the readout opens at the kink
      await expect(phone.textContent('#plot-readout')).resolves.toMatch(/At x = 0 /);
      const over = (await phone.locator('#plot-forward .u-over').boundingBox())!;
      await phone.tap('#plot-forward .u-over', {
        position: { x: over.width * 0.2, y: over.height / 2 },
      });
      await phone.waitForFunction((i) => window.__pointwise.readoutIndex !== i, start.readoutIndex);
      const tapped = await phone.evaluate(() => ({
        index: window.__pointwise.readoutIndex,
        text: document.getElementById('plot-readout')!.textContent,
      }));
      const d = await phone.evaluate(() => window.__pointwise);
      const x = d.xs[tapped.index]!;
      expect(x).toBeLessThan(-2); // 20% across -5..5
      expect(tapped.text).toContain(`At x = ${shortF32(x)} `);
      expect(tapped.text).toContain(`elu(x) = ${shortF32(d.ys[tapped.index]!)} `);

      // Rotated to landscape and back: the charts are redrawn for the new width.
      const resize = async (width: number, height: number) => {
        const revision = await phone.evaluate(() => window.__pointwise.revision);
        await phone.setViewportSize({ width, height });
        await phone.waitForFunction(
          (r) => window.__pointwise.ready && window.__pointwise.revision > r,
          revision,
          { timeout: 10_000 },
        );
        return phone.evaluate(
          () => document.querySelector('#plot-forward canvas')!.getBoundingClientRect().width,
        );
      };
      const portrait = await phone.evaluate(
        () => document.querySelector('#plot-forward canvas')!.getBoundingClientRect().width,
      );
      expect(await resize(844, 390)).toBeGreaterThan(portrait + 50);
      expect(await resize(390, 844)).toBe(portrait);
      const wide = await phone.evaluate(() =>
        Array.from(document.querySelectorAll('body *'))
          .filter((e) => e.getBoundingClientRect().right > 390)
          .map((e) => `${e.tagName}#${e.id}.${e.className} ${e.getBoundingClientRect().right}`),
      );
      expect(wide).toEqual([]);
      await phone.screenshot({
        path: join(artifacts, 'playground-phone-full.png'),
        fullPage: true,
      });
    } finally {
      await context.close();
    }
  });

  it('at 1366×900: the chart is in the first screen and no control is under 24 px', async () => {
    const desk = await browser!.newPage({ viewport: { width: 1366, height: 900 } });
    desk.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await desk.goto(`${baseUrl}#op=clippedRelu`);
      await desk.waitForFunction(() => window.__pointwise?.ready === true, undefined, {
        timeout: 30_000,
      });
      const chart = await desk.evaluate(() =>
        document.querySelector('#plot-forward canvas')!.getBoundingClientRect().toJSON(),
      );
      expect(chart.bottom).toBeLessThanOrEqual(900);
      expect(await smallControls(desk)).toEqual([]);
      mkdirSync(artifacts, { recursive: true });
      await desk.screenshot({ path: join(artifacts, 'playground-1366.png') });
    } finally {
      await desk.close();
    }
  });

  it('plots dense dropout as core’s dropoutReference, forward and backward', async () => {
    await choose('op', 'dropoutWithReplacement');
    await setField('param-ratio', 0.25);
    await setField('param-replacement', -2);
    const d = await setField('param-seed', 77);
    expect(d.error).toBeNull();
    const r = resolveDropout('dropoutWithReplacement', d.opParams, DROPOUT_PARAM_KEYS);
    expect(r.scale).toBe(f32(1 / 0.75)); // scale defaults to true
    const ref = dropoutReference(Float32Array.from(d.xs), r);
    expect(d.ys).toEqual(Array.from(ref.y));
    expect(d.refYs).toEqual(Array.from(ref.y));
    const ones = new Float32Array(d.xs.length).fill(1);
    expect(d.dys).toEqual(Array.from(dropoutBackwardReference(ones, ref.mask, r).dx));
    expect(ref.y.some((v) => v === -2)).toBe(true);
    expect(d.maxUlp).toBe(0);
    // Back to the defaults used below.
    await setField('param-ratio', 0.5);
    await setField('param-replacement', 0);
    await setField('param-seed', 0);
    await choose('op', 'relu');
  });

  it('gives the reference values on every available backend', async () => {
    const names = availableBackends(await settled());
    for (const name of names) {
      await choose('backend', name);
      await choose('op', 'clippedRelu');
      expectPlotMatchesReference(await settled());
      const elu = await choose('op', 'elu');
      expect(elu.backend).toBe(name);
      expectPlotMatchesReference(elu);
    }
    await choose('backend', 'js');
  });

  it('runs wasm-simd threaded on the cross-origin isolated page, with the same bits as js', async () => {
    const d = await settled();
    expect(d.crossOriginIsolated).toBe(true);
    const wasm = d.backends.find((b) => b.name === 'wasm-simd')!;
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(wasm.threads).toBe(Math.min(256, cores));
    expect(wasm.threadsNote).toBeNull();
    await expect(page.textContent('#backend-list li[data-backend="wasm-simd"]')).resolves.toContain(
      `${wasm.threads} thread`,
    );
    // a call above the crossover goes to the Web Workers (the page thread spins, never
    // Atomics.wait), and relu, elu and a dropout mask match js bit for bit. 'auto''s
    // busy-machine guard may keep calls on the page thread on a loaded machine (CI), so
    // its clock is held still for these calls: a still clock never ends a pooled call
    // as lost and never sits in a back-off, so the three calls go to the pool
    const r = await page.evaluate(() => {
      const w = window.__pointwiseInstances['wasm-simd']!;
      const js = window.__pointwiseInstances.js!;
      const dispatch = (
        w.backend as unknown as {
          wasm: { dispatch: { pooledCalls: number; adaptive: { now: () => number } | null } };
        }
      ).wasm.dispatch;
      const guard = dispatch.adaptive;
      const clock = guard?.now;
      if (guard) guard.now = () => Number.MAX_VALUE;
      const n = 1 << 20;
      const xs = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 6);
      const before = dispatch.pooledCalls;
      const run = (pw: typeof w) => {
        const x = pw.tensor(xs);
        const y = pw.relu(x);
        const e = pw.elu(x);
        const f = pw.dropoutWithReplacement(x, { ratio: 0.3, seed: 5n, stream: 1n });
        const out = [
          new Uint32Array((y.readSync() as Float32Array).buffer),
          new Uint32Array((e.readSync() as Float32Array).buffer),
          f.mask!.readSync() as Uint8Array,
        ];
        for (const t of [x, y, e, f.y, f.mask!]) t.dispose();
        return out;
      };
      const a = run(w);
      const pooled = dispatch.pooledCalls - before;
      if (guard && clock) guard.now = clock;
      const b = run(js);
      const same = a.map((v, k) => v.length === b[k]!.length && v.every((e, i) => e === b[k]![i]));
      return { pooled, same };
    });
    expect(r.pooled).toBe(wasm.threads! > 1 ? 3 : 0);
    // relu and the mask are exact on every backend; elu is within 2 ulp, so not compared
    expect([r.same[0], r.same[2]]).toEqual([true, true]);
  });

  it('draws the same dropout mask on every backend, equal to core’s dropoutKeepMask', async () => {
    await choose('op', 'dropoutWithReplacement');
    await setField('param-ratio', 0.3);
    await setField('param-seed', 1234);
    const d = await setField('param-stream', 7);
    const expected = dropoutKeepMask(makeDropoutDraw(0.3, 1234n, 7n), new Uint8Array(64 * 64));
    expect(d.mask).toEqual(Array.from(expected));
    expect(d.maskHash).toBe(fnv1aHex(expected));
    expect(d.maskSameOnAll).toBe(true);
    expect(Object.keys(d.maskHashes)).toEqual(availableBackends(d));
    expect(Object.keys(d.maskHashes)).toContain('webgpu');
    for (const hash of Object.values(d.maskHashes)) expect(hash).toBe(d.maskHash);
    // The canvas shows that mask: kept pixels are the dark ones.
    const dark = await page.$eval('#mask-canvas', (c) => {
      const pixels = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 64, 64).data;
      return Array.from({ length: 64 * 64 }, (_, i) => (pixels[i * 4]! < 128 ? 1 : 0));
    });
    expect(dark).toEqual(Array.from(expected));
    // A new stream is a new mask, redrawn.
    const next = await setField('param-stream', 8);
    expect(next.maskHash).toBe(
      fnv1aHex(dropoutKeepMask(makeDropoutDraw(0.3, 1234n, 8n), new Uint8Array(4096))),
    );
    expect(next.maskHash).not.toBe(d.maskHash);
  });

  it('shows sparse dropout on int64 ids as core’s reference does', async () => {
    const d = await setField('param-replacement', -1);
    const ref = sparseDropoutReference(SPARSE_VALUES, SPARSE_LENGTHS, {
      ratio: 0.3,
      replacement: -1n,
      seed: 1234n,
      stream: 8n,
    });
    expect(d.sparse!.before.values).toEqual(Array.from(SPARSE_VALUES, String));
    expect(d.sparse!.after.values).toEqual(Array.from(ref.values, String));
    expect(d.sparse!.after.lengths).toEqual(Array.from(ref.lengths));
    expect(d.sparse!.matchesReference).toBe(true);
    await expect(page.locator('#sparse-table tbody tr').count()).resolves.toBe(
      SPARSE_LENGTHS.length,
    );
  });

  it('counts exact zeros of relu on seeded N(0,1) samples like the reference', async () => {
    const d = await choose('op', 'relu');
    const xs = normalSamples(d.params.seed, d.sparsity!.samples);
    const zeros = xs.filter(
      (x) => specOf('relu').reference.forward(x, {} as never, 0) === 0,
    ).length;
    expect(d.sparsity!.zeroFraction).toBe(zeros / xs.length);
    expect(d.sparsity!.refZeroFraction).toBe(zeros / xs.length);
    // N(0,1) is symmetric: about half the samples are <= 0.
    expect(Math.abs(d.sparsity!.zeroFraction - 0.5)).toBeLessThan(0.01);
  });

  it('benchmarks the chosen op on each available backend', async () => {
    const names = availableBackends(await settled());
    for (const name of names) {
      await page.click(`#bench-${name}`);
      await page.waitForFunction((n) => window.__pointwise.bench[n] !== undefined, name, {
        timeout: 30_000,
      });
      const result = await page.evaluate((n) => window.__pointwise.bench[n], name);
      expect(result).not.toHaveProperty('error');
      expect((result as { gbps: number }).gbps).toBeGreaterThan(0);
      await expect(page.textContent(`#bench-result-${name}`)).resolves.toMatch(/GB\/s/);
    }
  });

  it('fills what a link leaves out with the op’s own default: elu without alpha gets alpha 1', async () => {
    await openWith('op=elu');
    const d = await settled();
    expect(d.op).toBe('elu');
    expect(d.opParams).toEqual({ alpha: 1 }); // elu's default, not leakyRelu's 0.01
    expect(d.urlIgnored).toEqual([]);
    await expect(page.isVisible('#url-notice')).resolves.toBe(false);
    expectPlotMatchesReference(d);
    await openWith('op=shiftedRelu');
    expect((await settled()).opParams).toEqual({ threshold: 0 }); // core's default
    await openWith('op=leakyRelu');
    expect((await settled()).opParams).toEqual({ alpha: 0.01 });
  });

  it('says what an invalid link asked for and ignored (op, backend, a value core rejects)', async () => {
    await openWith('op=gelu&backend=nope&ceiling=-3');
    const d = await settled();
    expect(d.error).toBeNull();
    expect(d.op).toBe('relu');
    expect(d.backend).toBe('js');
    expect(d.params.ceiling).toBe(6);
    expect(d.urlIgnored).toHaveLength(3);
    expect(d.urlIgnored[0]).toMatch(/^op=gelu: not an op of this page/);
    expect(d.urlIgnored[1]).toMatch(/^backend=nope: not a backend of this page/);
    // core's own PointwiseError text says why -3 is refused
    expect(d.urlIgnored[2]).toMatch(/^ceiling=-3: .*clippedRelu.*ceiling.*-3.*; using 6$/);
    await expect(page.isVisible('#url-notice')).resolves.toBe(true);
    const notice = (await page.textContent('#url-notice'))!;
    for (const what of ['op=gelu', 'backend=nope', 'ceiling=-3']) expect(notice).toContain(what);
    // The link is rewritten to what is shown.
    expect(page.url()).toContain('op=relu');
    expect(page.url()).toContain('ceiling=6');
    await openWith('');
  });

  it('opens each op on a range that shows its kinks: clippedRelu clips at 6 and dceiling is not all 0', async () => {
    const d = await choose('op', 'clippedRelu');
    expect(d.range.max).toBeGreaterThan(6);
    expect(d.kinks).toEqual([0, 6]);
    expect(d.paramGrad!.values.some((v) => v !== 0)).toBe(true);
    expect(Math.max(...d.ys)).toBe(6);
    expectPlotMatchesReference(d);
    for (const op of activations.map((a) => a.name)) {
      const o = await choose('op', op);
      const spec = specOf(op) as any;
      for (const k of spec.kinks(spec.resolve(op, o.opParams, [1])) as number[])
        expect(o.kinks, op).toContain(f32(k));
    }
    await choose('op', 'relu');
  });

  it('draws dense dropout as points, kept and dropped in two colours', async () => {
    const d = await choose('op', 'dropoutWithReplacement');
    const [kept, dropped, reference] = d.plotSeries.forward;
    for (const s of [kept!, dropped!]) {
      expect(s.points).toBe(true);
      expect(s.show).toBe(true);
    }
    expect(kept!.label).toMatch(/^kept/);
    expect(dropped!.label).toMatch(/^dropped/);
    expect(kept!.stroke).not.toBe(dropped!.stroke);
    expect(reference!.show).toBe(false);
    expect(d.plotSeries.grad.slice(0, 2).map((s) => s.points)).toEqual([true, true]);
    // The two sets are the mask's: kept points sit on y = x·scale, dropped on the replacement.
    const r = resolveDropout('dropoutWithReplacement', d.opParams, DROPOUT_PARAM_KEYS);
    const ref = dropoutReference(Float32Array.from(d.xs), r);
    const keptCount = ref.mask.reduce((a, b) => a + b, 0);
    await expect(page.textContent('#plot-forward-caption')).resolves.toContain(
      `${keptCount} kept (blue`,
    );
    // The canvas shows both colours (kept #1f6fb4, dropped #d9480f).
    const colours = await page.$eval('#plot-forward canvas', (c) => {
      const px = (c as HTMLCanvasElement)
        .getContext('2d')!
        .getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data;
      let blue = 0;
      let orange = 0;
      for (let i = 0; i < px.length; i += 4) {
        if (px[i] === 0x1f && px[i + 1] === 0x6f && px[i + 2] === 0xb4) blue++;
        if (px[i] === 0xd9 && px[i + 1] === 0x48 && px[i + 2] === 0x0f) orange++;
      }
      return { blue, orange };
    });
    expect(colours.blue).toBeGreaterThan(100);
    expect(colours.orange).toBeGreaterThan(100);
    await choose('op', 'relu');
  });

  it('renders and ticks readably at ±1e-38 (subnormals), ±1e-6 and ±1e30', async () => {
    await choose('op', 'elu');
    for (const [lo, hi] of [
      [-1e-38, 1e-38],
      [-1e-6, 1e-6],
      [-1e30, 1e30],
    ] as const) {
      await setField('range-min', lo);
      const d = await setField('range-max', hi);
      expect(d.error, `${lo}..${hi}`).toBeNull();
      expectPlotMatchesReference(d);
      for (const [axis, labels] of Object.entries(d.ticks)) {
        const what = `${axis} at ${lo}..${hi}: ${labels.join(' ')}`;
        expect(labels.length, what).toBeGreaterThanOrEqual(2);
        expect(new Set(labels).size, what).toBe(labels.length); // no two ticks read the same
        for (const l of labels) {
          expect(Number.isFinite(Number(l)), what).toBe(true);
          expect(l.length, what).toBeLessThanOrEqual(10); // short: no smear
        }
      }
      // x ticks are on the scale of the range (not all "0").
      const xs = d.ticks.forwardX.map(Number).filter((v) => v !== 0);
      for (const v of xs) expect(Math.abs(v) / hi, `${v} in ${lo}..${hi}`).toBeGreaterThan(0.01);
      // Both curves are drawn: the chart has pixels of the op's colour (#1f6fb4).
      const blue = await page.$eval('#plot-forward canvas', (c) => {
        const px = (c as HTMLCanvasElement)
          .getContext('2d')!
          .getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data;
        let n = 0;
        for (let i = 0; i < px.length; i += 4)
          if (px[i] === 0x1f && px[i + 1] === 0x6f && px[i + 2] === 0xb4) n++;
        return n;
      });
      expect(blue, `${lo}..${hi}`).toBeGreaterThan(50);
    }
    await setField('range-min', -5);
    await setField('range-max', 5);
    await choose('op', 'relu');
  });

  it('lists ±0, ±Inf, NaN and subnormals through the op against the reference, on every backend', async () => {
    const names = availableBackends(await settled());
    const all = [...activations.map((a) => a.name), 'dropoutWithReplacement'];
    for (const name of names) {
      await choose('backend', name);
      // Every op on js; on the others the op with an ulp bound, a per-channel one and dropout.
      for (const op of name === 'js' ? all : ['elu', 'prelu', 'dropoutWithReplacement']) {
        const d = await choose('op', op);
        const xs = d.special.map((r) => r.x);
        expect(xs.some((x) => Object.is(x, -0))).toBe(true);
        expect(xs.some((x) => Object.is(x, 0))).toBe(true);
        expect(xs).toContain(Number.POSITIVE_INFINITY);
        expect(xs).toContain(Number.NEGATIVE_INFINITY);
        expect(xs.some(Number.isNaN)).toBe(true);
        expect(xs.some((x) => x !== 0 && Math.abs(x) < 2 ** -126)).toBe(true); // subnormal
        let refY: number[];
        let refDx: number[];
        let ulp = 0;
        if (op === 'dropoutWithReplacement') {
          const r = resolveDropout(op, d.opParams, DROPOUT_PARAM_KEYS);
          const ref = dropoutReference(Float32Array.from(xs), r);
          refY = Array.from(ref.y);
          refDx = Array.from(
            dropoutBackwardReference(new Float32Array(xs.length).fill(1), ref.mask, r).dx,
          );
        } else {
          const spec = specOf(op) as any;
          const r = spec.resolve(op, d.opParams, [xs.length]);
          refY = xs.map((x, i) => f32(spec.reference.forward(x, r, i)));
          refDx = xs.map((x, i) => f32(spec.reference.backward(1, x, r, i)));
          ulp = spec.accuracy.kind === 'ulp' ? spec.accuracy.ulp : 0;
        }
        const same = (a: number, b: number) =>
          Object.is(a, b) ||
          (Number.isNaN(a) && Number.isNaN(b)) ||
          (a !== 0 && b !== 0 && ulpDistance(a, b) <= ulp);
        d.special.forEach((row, i) => {
          const what = `${op} on ${name} at x=${row.x}`;
          expect(
            Object.is(row.refY, refY[i]) || (Number.isNaN(row.refY) && Number.isNaN(refY[i]!)),
            what,
          ).toBe(true);
          expect(same(row.y, refY[i]!), `${what}: y ${row.y} vs ${refY[i]}`).toBe(true);
          expect(same(row.dx, refDx[i]!), `${what}: dx ${row.dx} vs ${refDx[i]}`).toBe(true);
          expect(row.match, what).toBe(true);
        });
        const text = (await page.textContent('#special-table'))!;
        for (const t of ['-0', 'NaN', 'Infinity', '-Infinity', '1e-40']) expect(text).toContain(t);
        await expect(page.textContent('#special-summary')).resolves.toMatch(/^✔ all/);
      }
    }
    await choose('backend', 'js');
    await choose('op', 'relu');
  }, 180_000);

  it('offers sparse dropout in the op list: its table first, its call as code', async () => {
    const options = await page.$$eval('#op option', (os) =>
      os.map((o) => (o as HTMLOptionElement).value),
    );
    expect(options).toContain('sparseDropoutWithReplacement');
    await choose('op', 'sparseDropoutWithReplacement');
    const d = await setField('param-ratio', 0.4);
    expect(d.error).toBeNull();
    expect(d.sparse!.matchesReference).toBe(true);
    await expect(page.isVisible('#card-plot')).resolves.toBe(false);
    await expect(page.isVisible('#range-min')).resolves.toBe(false); // no x to range over
    await expect(page.isVisible('#compare')).resolves.toBe(false);
    await expect(page.isVisible('#sparse-table')).resolves.toBe(true);
    expect(d.code).toBe(
      'await pw.sparseDropoutWithReplacement(values, lengths, { ratio: 0.4, replacement: 0n, seed: 0, stream: 0 })',
    );
    // The copied call, run on the page's instance, gives the table's ids.
    const after = await page.evaluate(async (code) => {
      const pw = window.__pointwiseInstances.js!;
      const values = pw.tensor(
        BigInt64Array.from(window.__pointwise.sparse!.before.values, (v) => BigInt(v)),
      );
      const lengths = pw.tensor(Int32Array.from(window.__pointwise.sparse!.before.lengths));
      const out = await new Function('pw', 'values', 'lengths', `return (async () => ${code})();`)(
        pw,
        values,
        lengths,
      );
      return Array.from((await out.values.read()) as BigInt64Array, String);
    }, d.code);
    expect(after).toEqual(d.sparse!.after.values);
    await setField('param-ratio', 0.5);
    await choose('op', 'relu');
  });

  it('renders without page errors (screenshot in artifacts/)', async () => {
    await choose('op', 'clippedRelu');
    await settled();
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'playground.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});

// Entry of the playground page: builds the controls (only those the selected op
// uses are shown), probes the backends through core's probeBackends, recomputes
// every view when a control changes (latest change wins) and publishes what it
// computed on window.__pointwise for tests.

import 'uplot/dist/uPlot.min.css';
import './style.css';
import { ACTIVATION_NAMES, type Pointwise } from '@pointwise/core';
import { type BackendEntry, loadBackends } from './backends.js';
import { codeFor } from './format.js';
import {
  type ActivationName,
  coreDefault,
  coreParams,
  DROPOUT_OP,
  defaultRange,
  dropoutParams,
  initialState,
  isActivation,
  isDropoutParam,
  OP_PARAMS,
  PARAM_CONTROLS,
  type PageOp,
  type ParamName,
  type PlaygroundState,
  SPARSE_OP,
} from './state.js';
import { type TrainResult, train } from './training.js';
import { encodeState, rangeProblem, readHash } from './urlState.js';
import { type BenchResult, createBenchView, runBench } from './views/bench.js';
import { computeDropoutMasks, createDropoutMaskView } from './views/dropoutMask.js';
import {
  computeDropoutPlot,
  computePlot,
  createPlotView,
  type KinkLabel,
  type SeriesStyle,
} from './views/plot.js';
import { computeSparse, createSparseView } from './views/sparseTable.js';
import { computeSparsity, createSparsityView } from './views/sparsity.js';
import { computeSpecial, createSpecialView, type SpecialRow } from './views/specialValues.js';
import { createTrainView } from './views/train.js';

/** What the page computed last, for the browser test (plain arrays, so it serializes). */
export interface PlaygroundDebug {
  ready: boolean;
  revision: number;
  error: string | null;
  op: PageOp;
  backend: string;
  params: PlaygroundState['params'];
  opParams: Record<string, number>;
  range: PlaygroundState['range'];
  backends: {
    name: string;
    available: boolean;
    reason?: string;
    threads?: number;
    threadsNote?: string | null;
  }[];
  /** Whether the page is cross-origin isolated (wasm-simd threads need it). */
  crossOriginIsolated: boolean;
  xs: number[];
  ys: number[];
  dys: number[];
  refYs: number[];
  refDys: number[];
  paramGrad: { name: string; values: number[]; ref: number[] } | null;
  kinks: number[];
  /** The kink labels as drawn on the forward chart (CSS px), to check they do not overlap. */
  kinkLabels: KinkLabel[];
  /** Ops overlaid on the forward chart and their values on xs. */
  compare: { op: string; ys: number[] }[];
  /** How each series of the forward and gradient charts is drawn. */
  plotSeries: { forward: SeriesStyle[]; grad: SeriesStyle[] };
  /** The tick labels last drawn on each chart axis. */
  ticks: Record<'forwardX' | 'forwardY' | 'gradX' | 'gradY', string[]>;
  /** Names at the right end of the op's and the compared curves (CSS px), apart where curves coincide. */
  curveLabels: KinkLabel[];
  /** The point the value readout shows (a tap or click on a chart picks it). */
  readoutIndex: number;
  /** The special-values table: ±0, ±Inf, NaN, subnormals through the op on this backend. */
  special: SpecialRow[];
  /** What the URL hash asked for that the page ignored, one line each. */
  urlIgnored: string[];
  /** The `pw.<op>(x, {...})` call for the current controls (what "copy as code" copies). */
  code: string;
  training: (TrainResult & { running: boolean; error?: string }) | null;
  maxUlp: number;
  maxUlpForward: number;
  maxUlpBackward: number;
  maxUlpParamGrad: number;
  sparsity: { samples: number; zeroFraction: number; refZeroFraction: number } | null;
  mask: number[];
  maskHash: string;
  maskHashes: Record<string, string>;
  maskSameOnAll: boolean;
  sparse: {
    before: { values: string[]; lengths: number[] };
    after: { values: string[]; lengths: number[] };
    matchesReference: boolean;
  } | null;
  bench: Record<string, BenchResult | { error: string }>;
}

declare global {
  interface Window {
    __pointwise: PlaygroundDebug;
    /** The page's Pointwise instance per available backend (the test runs copied code on them). */
    __pointwiseInstances: Record<string, Pointwise>;
  }
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const hash = readHash(location.hash, initialState());
const state = hash.state;
const debug: PlaygroundDebug = {
  ready: false,
  revision: 0,
  error: null,
  op: state.op,
  backend: state.backend,
  params: { ...state.params },
  opParams: {},
  range: { ...state.range },
  backends: [],
  crossOriginIsolated: false,
  xs: [],
  ys: [],
  dys: [],
  refYs: [],
  refDys: [],
  paramGrad: null,
  kinks: [],
  kinkLabels: [],
  compare: [],
  plotSeries: { forward: [], grad: [] },
  ticks: { forwardX: [], forwardY: [], gradX: [], gradY: [] },
  curveLabels: [],
  readoutIndex: 0,
  special: [],
  urlIgnored: hash.ignored,
  code: '',
  training: null,
  maxUlp: 0,
  maxUlpForward: 0,
  maxUlpBackward: 0,
  maxUlpParamGrad: 0,
  sparsity: null,
  mask: [],
  maskHash: '',
  maskHashes: {},
  maskSameOnAll: false,
  sparse: null,
  bench: {},
};
window.__pointwise = debug;

const views = {
  plot: createPlotView($('plot-view')),
  special: createSpecialView($('special-view')),
  sparsity: createSparsityView($('sparsity-view')),
  mask: createDropoutMaskView($('mask-view')),
  sparse: createSparseView($('sparse-view')),
  bench: createBenchView($('bench-view'), (name) => void benchmark(name)),
  train: createTrainView($('train-view'), () => void runTraining()),
};
let backends: BackendEntry[] = [];
// Live: a tap on a chart changes it without a recompute.
Object.defineProperty(debug, 'readoutIndex', {
  get: () => views.plot.selected(),
  enumerable: true,
});

// ---- controls -------------------------------------------------------------

const paramInputs = new Map<
  ParamName,
  { slider: HTMLInputElement; field: HTMLInputElement; row: HTMLElement }
>();

function buildControls(): void {
  const opSelect = $<HTMLSelectElement>('op');
  const activationGroup = opSelect.appendChild(document.createElement('optgroup'));
  activationGroup.label = 'activations';
  for (const name of ACTIVATION_NAMES) activationGroup.append(new Option(name, name));
  const dropoutGroup = opSelect.appendChild(document.createElement('optgroup'));
  dropoutGroup.label = 'dropout';
  dropoutGroup.append(new Option(DROPOUT_OP, DROPOUT_OP), new Option(SPARSE_OP, SPARSE_OP));
  opSelect.value = state.op;
  opSelect.addEventListener('change', () => {
    state.op = opSelect.value as PageOp;
    // alpha is shared by three ops with different defaults: take the new op's (core's).
    const alpha = coreDefault(state.op, 'alpha');
    if (alpha !== undefined) setParam('alpha', alpha);
    syncCompare();
    setRange(defaultRange(state.op, state.params));
    markActiveParams();
    schedule();
  });

  const compare = $<HTMLFieldSetElement>('compare');
  for (const name of ACTIVATION_NAMES) {
    const label = compare.appendChild(document.createElement('label'));
    label.className = 'check';
    label.innerHTML = `<input type="checkbox" value="${name}" id="compare-${name}" /> ${name}`;
  }
  syncCompare();
  compare.addEventListener('change', () => {
    state.compare = Array.from(
      compare.querySelectorAll<HTMLInputElement>('input:checked'),
      (o) => o.value as ActivationName,
    );
    schedule();
  });

  for (const [name, spec] of Object.entries(PARAM_CONTROLS) as [
    ParamName,
    (typeof PARAM_CONTROLS)[ParamName],
  ][]) {
    const box = $(isDropoutParam(name) ? 'dropout-controls' : 'param-controls');
    const row = box.appendChild(document.createElement('div'));
    row.className = 'param';
    row.innerHTML =
      `<label for="param-${name}">${spec.label}</label>` +
      `<input type="range" id="param-${name}-slider" min="${spec.min}" max="${spec.max}" step="${spec.step}" aria-label="${spec.label} slider" />` +
      `<input type="number" id="param-${name}" step="${spec.step}" />`;
    const slider = row.querySelector<HTMLInputElement>('input[type=range]')!;
    const field = row.querySelector<HTMLInputElement>('input[type=number]')!;
    paramInputs.set(name, { slider, field, row });
    const onInput = (source: HTMLInputElement, other: HTMLInputElement) => () => {
      const value = source.valueAsNumber;
      if (!Number.isFinite(value)) return; // half-typed ("-", "") — wait for more
      state.params[name] = value;
      other.value = String(value);
      schedule();
    };
    slider.addEventListener('input', onInput(slider, field));
    field.addEventListener('input', onInput(field, slider));
    setParam(name, state.params[name]);
  }
  markActiveParams();

  const min = $<HTMLInputElement>('range-min');
  const max = $<HTMLInputElement>('range-max');
  setRange(state.range);
  $('range-reset').addEventListener('click', () => {
    setRange(defaultRange(state.op, state.params));
    schedule();
  });
  const onRange = () => {
    if (!Number.isFinite(min.valueAsNumber) || !Number.isFinite(max.valueAsNumber)) return;
    state.range = { min: min.valueAsNumber, max: max.valueAsNumber };
    schedule();
  };
  min.addEventListener('input', onRange);
  max.addEventListener('input', onRange);

  $('copy-code').addEventListener('click', () => {
    const code = currentCode();
    $('code').textContent = code;
    void navigator.clipboard?.writeText(code).catch(() => {});
    $('status').textContent = `copied: ${code}`;
  });
}

/** The exact call for the current op and controls. */
function currentCode(): string {
  if (state.op === SPARSE_OP) {
    const { ratio, seed, stream } = dropoutParams(state.params);
    const replacement = `${BigInt(Math.trunc(state.params.replacement))}n`;
    return `await pw.${SPARSE_OP}(values, lengths, { ratio: ${ratio}, replacement: ${replacement}, seed: ${seed}, stream: ${stream} })`;
  }
  return codeFor(state.op, coreParams(state.op, state.params));
}

/** Set the plot range and its two fields. */
function setRange(range: PlaygroundState['range']): void {
  state.range = { ...range };
  $<HTMLInputElement>('range-min').value = String(range.min);
  $<HTMLInputElement>('range-max').value = String(range.max);
}

/** The compare list offers every activation but the chosen one (none for the dropout ops). */
function syncCompare(): void {
  const compare = $<HTMLFieldSetElement>('compare');
  state.compare = state.compare.filter((op) => op !== state.op);
  compare.hidden = !isActivation(state.op);
  for (const box of compare.querySelectorAll<HTMLInputElement>('input')) {
    box.checked = state.compare.includes(box.value as ActivationName);
    box.closest('label')!.hidden = box.value === state.op;
  }
}

function setParam(name: ParamName, value: number): void {
  state.params[name] = value;
  const inputs = paramInputs.get(name);
  if (!inputs) return;
  inputs.slider.value = String(value);
  inputs.field.value = String(value);
}

/**
 * Only the controls the current op uses are shown next to it. The dropout group drives
 * the mask and sparse views, which are always on screen, so it is always enabled: at the
 * top with a dropout op, below the chart (with the other settings) otherwise. Views the
 * op has no use for (the f(x) chart for sparse dropout) are hidden.
 */
function markActiveParams(): void {
  const used = new Set<ParamName>(OP_PARAMS[state.op]);
  for (const [name, { row }] of paramInputs) {
    if (!isDropoutParam(name)) row.hidden = !used.has(name);
  }
  const group = $<HTMLFieldSetElement>('dropout-controls');
  if (isActivation(state.op)) $('controls-more').insertBefore(group, $('compare'));
  else $('controls-top').insertBefore(group, $('status'));
  const paramBox = $('param-controls');
  paramBox.hidden = !paramBox.querySelector('.param:not([hidden])');
  const sparse = state.op === SPARSE_OP;
  for (const id of ['card-plot', 'card-special', 'card-sparsity', 'range-controls'])
    $(id).hidden = sparse;
  document.body.dataset.op = sparse ? 'sparse' : isActivation(state.op) ? 'activation' : 'dropout';
}

function buildBackendControls(): void {
  const select = $<HTMLSelectElement>('backend');
  const list = $('backend-list');
  for (const entry of backends) {
    const option = new Option(
      entry.available ? entry.name : `${entry.name} (disabled)`,
      entry.name,
    );
    option.disabled = !entry.available;
    if (entry.reason) option.title = entry.reason;
    select.add(option);
    const item = list.appendChild(document.createElement('li'));
    item.dataset.backend = entry.name;
    item.className = entry.available ? 'available' : 'unavailable';
    const threads =
      entry.threads === undefined || entry.name !== 'wasm-simd'
        ? ''
        : `, ${entry.threads} thread${entry.threads === 1 ? '' : 's'}${entry.threadsNote ? ` (${entry.threadsNote})` : ''}`;
    item.textContent = entry.available
      ? `✔ ${entry.name}: available${threads}`
      : `✘ ${entry.name}: ${entry.reason}`;
  }
  if (!backends.some((b) => b.name === state.backend && b.available)) {
    const entry = backends.find((b) => b.name === state.backend);
    if (new URLSearchParams(location.hash.slice(1)).get('backend') === state.backend)
      debug.urlIgnored.push(
        `backend=${state.backend}: unavailable here (${entry?.reason}); using js`,
      );
    state.backend = 'js';
  }
  showUrlNotice();
  select.value = state.backend;
  select.addEventListener('change', () => {
    state.backend = select.value;
    schedule();
  });
  views.bench.setBackends(backends);
  debug.backends = backends.map(({ name, available, reason, threads, threadsNote }) => ({
    name,
    available,
    reason,
    threads,
    threadsNote,
  }));
  debug.crossOriginIsolated = globalThis.crossOriginIsolated === true;
}

/** Say what the link asked for that the page ignored (an invalid op, backend or value). */
function showUrlNotice(): void {
  const notice = $('url-notice');
  notice.hidden = debug.urlIgnored.length === 0;
  notice.replaceChildren(
    'The link asked for settings this page ignored:',
    ...debug.urlIgnored.map((line) => {
      const item = document.createElement('span');
      item.className = 'ignored';
      item.textContent = line;
      return item;
    }),
  );
}

// ---- recompute ------------------------------------------------------------

let running = false;
let dirty = false;

/** Ask for a recompute; changes arriving while one runs are folded into the next. */
function schedule(): void {
  debug.ready = false;
  history.replaceState(null, '', encodeState(state));
  debug.code = currentCode();
  $('code').textContent = debug.code;
  dirty = true;
  if (!running) void recomputeLoop();
}

async function recomputeLoop(): Promise<void> {
  running = true;
  while (dirty) {
    dirty = false;
    const snapshot: PlaygroundState = structuredClone(state);
    try {
      await recompute(snapshot);
      showError(null);
    } catch (error) {
      showError((error as Error).message);
    }
  }
  running = false;
  debug.revision++;
  debug.ready = true;
  $('status').textContent =
    debug.error === null
      ? `up to date (update #${debug.revision})`
      : `not updated: the controls have an error (update #${debug.revision}); the views show the last good values`;
}

function showError(message: string | null): void {
  debug.error = message;
  const box = $('error');
  box.hidden = message === null;
  box.textContent = message ?? '';
}

async function recompute(s: PlaygroundState): Promise<void> {
  const problem = rangeProblem(s.range.min, s.range.max);
  if (problem) throw new Error(`plot range: ${problem}`);
  const entry = backends.find((b) => b.name === s.backend);
  if (!entry?.pw) throw new Error(`backend ${s.backend} is not available`);
  const pw = entry.pw;
  $('status').textContent = 'computing…';
  const opParams = coreParams(s.op, s.params);
  const dropout = dropoutParams(s.params);

  const masks = await computeDropoutMasks(backends, s.backend, dropout);
  const replacementId = BigInt(Math.trunc(s.params.replacement));
  const sparse = await computeSparse(pw, { ...dropout, replacement: replacementId });
  views.mask.update(masks, s.backend);
  views.sparse.update(sparse, s.backend, replacementId);
  publishDropout(masks, sparse);
  // Sparse dropout takes id lists: no f(x) chart, special values or sparsity for it.
  if (s.op === SPARSE_OP) {
    Object.assign(debug, {
      op: s.op,
      backend: s.backend,
      params: s.params,
      opParams,
      range: s.range,
    });
    return;
  }
  const plot = isActivation(s.op)
    ? await computePlot(pw, s.op, opParams, s.range, s.compare)
    : await computeDropoutPlot(pw, opParams, s.range);
  const special = await computeSpecial(pw, s.op, opParams);
  const sparsity = await computeSparsity(pw, s.op, opParams, s.params.seed);

  views.plot.update(plot, s.backend, s.op);
  views.special.update(special, s.backend, s.op);
  views.sparsity.update(sparsity, s.backend, s.op);
  // uPlot draws in a microtask: the kink labels are known after it.
  await new Promise((done) => setTimeout(done, 0));
  debug.kinkLabels = views.plot.kinkLabels();
  debug.plotSeries = views.plot.series();
  debug.ticks = structuredClone(views.plot.ticks());
  debug.curveLabels = views.plot.curveLabels();
  debug.special = special.rows;

  Object.assign(debug, {
    op: s.op,
    backend: s.backend,
    params: s.params,
    opParams,
    range: s.range,
    xs: Array.from(plot.xs),
    ys: Array.from(plot.ys),
    dys: Array.from(plot.dys),
    refYs: Array.from(plot.refYs),
    refDys: Array.from(plot.refDys),
    paramGrad: plot.paramGrad && {
      name: plot.paramGrad.name,
      values: Array.from(plot.paramGrad.values),
      ref: Array.from(plot.paramGrad.ref),
    },
    kinks: plot.kinks,
    compare: plot.compare.map((c) => ({ op: c.op, ys: Array.from(c.ys) })),
    maxUlp: Math.max(plot.maxUlpForward, plot.maxUlpBackward, plot.maxUlpParamGrad),
    maxUlpForward: plot.maxUlpForward,
    maxUlpBackward: plot.maxUlpBackward,
    maxUlpParamGrad: plot.maxUlpParamGrad,
    sparsity: {
      samples: sparsity.samples,
      zeroFraction: sparsity.zeroFraction,
      refZeroFraction: sparsity.refZeroFraction,
    },
  } satisfies Partial<PlaygroundDebug>);
}

/** The mask and sparse views' results, for the test. */
function publishDropout(
  masks: Awaited<ReturnType<typeof computeDropoutMasks>>,
  sparse: Awaited<ReturnType<typeof computeSparse>>,
): void {
  Object.assign(debug, {
    mask: Array.from(masks.mask),
    maskHash: masks.maskHash,
    maskHashes: masks.hashes,
    maskSameOnAll: masks.sameOnAll,
    sparse: {
      before: {
        values: Array.from(sparse.before.values, String),
        lengths: Array.from(sparse.before.lengths),
      },
      after: {
        values: Array.from(sparse.after.values, String),
        lengths: Array.from(sparse.after.lengths),
      },
      matchesReference: sparse.matchesReference,
    },
  } satisfies Partial<PlaygroundDebug>);
}

async function benchmark(name: string): Promise<void> {
  const entry = backends.find((b) => b.name === name);
  if (!entry?.pw) return;
  delete debug.bench[name];
  if (state.op === SPARSE_OP) {
    const error = 'the quick benchmark runs dense ops; pick one (apps/bench times sparse dropout)';
    debug.bench[name] = { error };
    views.bench.show(name, error);
    return;
  }
  views.bench.show(name, 'running…');
  try {
    const result = await runBench(entry.pw, state.op, coreParams(state.op, state.params));
    debug.bench[name] = result;
    views.bench.show(
      name,
      `${result.op}: ${result.gbps.toFixed(2)} GB/s (median ${result.medianMs.toFixed(2)} ms of ${result.samples})`,
    );
  } catch (error) {
    debug.bench[name] = { error: (error as Error).message };
    views.bench.show(name, `failed: ${(error as Error).message}`);
  }
}

let training = false;

/** Train the tiny MLP with the current op and params on the current backend. */
async function runTraining(): Promise<void> {
  const entry = backends.find((b) => b.name === state.backend);
  if (training || !entry?.pw) return;
  training = true;
  const settings = views.train.settings();
  // Dense dropout selected: train relu with the group's dropout ratio on layer 2.
  const op = isActivation(state.op) ? state.op : 'relu';
  if (!isActivation(state.op) && settings.dropout === 0)
    settings.dropout = Math.min(0.9, state.params.ratio);
  try {
    debug.training = null;
    const result = await train(
      entry.pw,
      { op, params: coreParams(op, state.params), seed: state.params.seed, ...settings },
      async (r) => {
        if (r.steps.length % 25 === 0) {
          views.train.progress(r, false);
          await new Promise((done) => setTimeout(done, 0)); // let the page paint
        }
      },
    );
    views.train.progress(result, true);
    debug.training = { ...structuredClone(result), running: false };
  } catch (error) {
    views.train.fail((error as Error).message);
    debug.training = {
      op,
      steps: [],
      loss: [],
      deadFraction: [],
      accuracy: 0,
      learned: null,
      running: false,
      error: (error as Error).message,
    };
  } finally {
    training = false;
  }
}

async function start(): Promise<void> {
  buildControls();
  backends = await loadBackends();
  window.__pointwiseInstances = Object.fromEntries(
    backends.flatMap((b) => (b.pw ? [[b.name, b.pw] as const] : [])),
  );
  buildBackendControls();
  schedule();
  // Charts are sized to their card: redraw after the width changes (phone rotation).
  let lastWidth = window.innerWidth;
  let timer: ReturnType<typeof setTimeout> | undefined;
  window.addEventListener('resize', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (window.innerWidth === lastWidth) return;
      lastWidth = window.innerWidth;
      schedule();
    }, 150);
  });
}

void start();

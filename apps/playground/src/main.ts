// Entry of the playground page: builds the controls, probes the backends through
// core's probeBackends, recomputes every view when a control changes (latest
// change wins) and publishes what it computed on window.__pointwise for tests.

import 'uplot/dist/uPlot.min.css';
import './style.css';
import { ACTIVATION_NAMES, type Pointwise } from '@pointwise/core';
import { type BackendEntry, loadBackends } from './backends.js';
import { codeFor } from './format.js';
import {
  type ActivationName,
  ALPHA_DEFAULT,
  coreParams,
  DROPOUT_OP,
  dropoutParams,
  initialState,
  isActivation,
  isDropoutParam,
  OP_PARAMS,
  PARAM_CONTROLS,
  type PageOp,
  type ParamName,
  type PlaygroundState,
} from './state.js';
import { type TrainResult, train } from './training.js';
import { decodeState, encodeState } from './urlState.js';
import { type BenchResult, createBenchView, runBench } from './views/bench.js';
import { computeDropoutMasks, createDropoutMaskView } from './views/dropoutMask.js';
import { computeDropoutPlot, computePlot, createPlotView, type KinkLabel } from './views/plot.js';
import { computeSparse, createSparseView } from './views/sparseTable.js';
import { computeSparsity, createSparsityView } from './views/sparsity.js';
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

const state = decodeState(location.hash, initialState());
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
  sparsity: createSparsityView($('sparsity-view')),
  mask: createDropoutMaskView($('mask-view')),
  sparse: createSparseView($('sparse-view')),
  bench: createBenchView($('bench-view'), (name) => void benchmark(name)),
  train: createTrainView($('train-view'), () => void runTraining()),
};
let backends: BackendEntry[] = [];

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
  dropoutGroup.append(new Option(DROPOUT_OP, DROPOUT_OP));
  opSelect.value = state.op;
  opSelect.addEventListener('change', () => {
    state.op = opSelect.value as PageOp;
    const alpha = isActivation(state.op) ? ALPHA_DEFAULT[state.op] : undefined;
    syncCompare();
    if (alpha !== undefined) setParam('alpha', alpha);
    markActiveParams();
    schedule();
  });

  const compare = $<HTMLSelectElement>('compare');
  for (const name of ACTIVATION_NAMES) compare.add(new Option(name, name));
  syncCompare();
  compare.addEventListener('change', () => {
    state.compare = Array.from(compare.selectedOptions, (o) => o.value as ActivationName);
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
  min.value = String(state.range.min);
  max.value = String(state.range.max);
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
  return codeFor(state.op, coreParams(state.op, state.params));
}

/** The compare list shows every op but the chosen one. */
function syncCompare(): void {
  const compare = $<HTMLSelectElement>('compare');
  state.compare = state.compare.filter((op) => op !== state.op);
  for (const option of compare.options) {
    option.disabled = option.value === state.op;
    option.selected = state.compare.includes(option.value as ActivationName);
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
 * Controls the current op does not use are greyed out and disabled: the dropout
 * group while an activation is selected (the mask and sparse views keep its values).
 */
function markActiveParams(): void {
  const used = new Set<ParamName>(OP_PARAMS[state.op]);
  $<HTMLFieldSetElement>('dropout-controls').disabled = isActivation(state.op);
  for (const [name, { slider, field, row }] of paramInputs) {
    const active = used.has(name);
    row.classList.toggle('inactive', !active);
    slider.disabled = !active;
    field.disabled = !active;
  }
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
  if (!backends.some((b) => b.name === state.backend && b.available)) state.backend = 'js';
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
  if (!(s.range.min < s.range.max)) throw new Error('plot range: min must be below max');
  const entry = backends.find((b) => b.name === s.backend);
  if (!entry?.pw) throw new Error(`backend ${s.backend} is not available`);
  const pw = entry.pw;
  $('status').textContent = 'computing…';
  const opParams = coreParams(s.op, s.params);
  const dropout = dropoutParams(s.params);

  const plot = isActivation(s.op)
    ? await computePlot(pw, s.op, opParams, s.range, s.compare)
    : await computeDropoutPlot(pw, opParams, s.range);
  const sparsity = await computeSparsity(pw, s.op, opParams, s.params.seed);
  const masks = await computeDropoutMasks(backends, s.backend, dropout);
  const replacementId = BigInt(Math.trunc(s.params.replacement));
  const sparse = await computeSparse(pw, { ...dropout, replacement: replacementId });

  views.plot.update(plot, s.backend, s.op);
  views.sparsity.update(sparsity, s.backend, s.op);
  views.mask.update(masks, s.backend);
  views.sparse.update(sparse, s.backend, replacementId);
  // uPlot draws in a microtask: the kink labels are known after it.
  await new Promise((done) => setTimeout(done, 0));
  debug.kinkLabels = views.plot.kinkLabels();

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
  views.bench.show(name, 'running…');
  delete debug.bench[name];
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

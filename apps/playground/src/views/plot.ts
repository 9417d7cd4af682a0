// The plot view: f(x), f'(x) (backward with dy = 1) and the per-element parameter
// gradient term (prelu dslope, shiftedRelu dthreshold, clippedRelu dceiling),
// computed on the chosen backend and overlaid with core's float64 reference rounded
// to float32, kinks marked; dense dropout as kept/dropped points. A readout line gives
// the values at the tapped point. The max ulp difference from the reference is reported per curve.

import {
  DROPOUT_PARAM_KEYS,
  dropoutBackwardReference,
  dropoutReference,
  f32,
  type Pointwise,
  resolveDropout,
  ulpDistance,
} from '@pointwise/core';
import uPlot from 'uplot';
import { shortF32 } from '../format.js';
import { backwardOf, forwardOf, specOf } from '../ops.js';
import { plotXs } from '../samples.js';
import { axes, axisUnit, inUnit, yRange } from './chartAxes.js';
import { curveLabels, type KinkLabel, kinkMarker } from './chartMarks.js';

export type { KinkLabel } from './chartMarks.js';

import type { ActivationName, PageOp } from '../state.js';

export const PLOT_POINTS = 1001;

export interface PlotData {
  xs: Float32Array;
  ys: Float32Array;
  dys: Float32Array;
  refYs: Float32Array;
  refDys: Float32Array;
  /** Per-element parameter gradient terms (dy = 1), where the op has a learnable parameter. */
  paramGrad: { name: string; values: Float32Array; ref: Float32Array } | null;
  kinks: number[];
  /** Other ops on the same xs (core's default params), drawn on the forward chart. */
  compare: { op: ActivationName; ys: Float32Array }[];
  maxUlpForward: number;
  maxUlpBackward: number;
  maxUlpParamGrad: number;
  /** Dense dropout only: the forward's keep mask (1 = kept), to draw kept and dropped points apart. */
  kept: Uint8Array | null;
}

function maxUlp(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, ulpDistance(a[i]!, b[i]!));
  return worst;
}

/** Run forward and backward on the backend over [min, max] and the reference beside it. */
export async function computePlot(
  pw: Pointwise,
  op: ActivationName,
  params: object,
  range: { min: number; max: number },
  compareOps: readonly ActivationName[] = [],
): Promise<PlotData> {
  const spec = specOf(op);
  const resolved = spec.resolve(op, params, [PLOT_POINTS]);
  const kinks = spec.kinks(resolved).map(f32);
  const xs = plotXs(range.min, range.max, PLOT_POINTS, kinks);
  const n = xs.length;

  const x = pw.tensor(xs);
  const dy = pw.tensor(new Float32Array(n).fill(1));
  const y = forwardOf(pw, op)(x, params);
  const grads = backwardOf(pw, op)(dy, { x }, params);
  const ys = (await y.read()) as Float32Array;
  const dys = (await grads.dx!.read()) as Float32Array;
  for (const t of [x, dy, y, ...Object.values(grads)]) t?.dispose();

  const refYs = new Float32Array(n);
  const refDys = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    refYs[i] = spec.reference.forward(xs[i]!, resolved, i);
    refDys[i] = spec.reference.backward(1, xs[i]!, resolved, i);
  }

  const paramGrad = spec.paramGrad ? await paramGradTerms(pw, op, params, xs) : null;
  const compare: PlotData['compare'] = [];
  for (const other of compareOps) {
    if (other === op) continue;
    const xt = pw.tensor(xs);
    const yt = forwardOf(pw, other)(xt);
    compare.push({ op: other, ys: (await yt.read()) as Float32Array });
    xt.dispose();
    yt.dispose();
  }
  return {
    xs,
    ys,
    dys,
    refYs,
    refDys,
    paramGrad,
    kinks: kinks.filter((k) => k >= range.min && k <= range.max),
    compare,
    maxUlpForward: maxUlp(ys, refYs),
    maxUlpBackward: maxUlp(dys, refDys),
    maxUlpParamGrad: paramGrad ? maxUlp(paramGrad.values, paramGrad.ref) : 0,
    kept: null,
  };
}

/**
 * Dense dropout over the range: y and dx (dy = 1, backward given forward's mask and
 * draw) on the backend, against dropoutReference for the same explicit seed and stream.
 */
export async function computeDropoutPlot(
  pw: Pointwise,
  params: object,
  range: { min: number; max: number },
): Promise<PlotData> {
  const xs = plotXs(range.min, range.max, PLOT_POINTS, []);
  const n = xs.length;
  const x = pw.tensor(xs);
  const dy = pw.tensor(new Float32Array(n).fill(1));
  const forward = pw.dropoutWithReplacement(x, params);
  const back = pw.dropoutWithReplacementBackward(dy, { mask: forward.mask, draw: forward.draw });
  const ys = (await forward.y.read()) as Float32Array;
  const dys = (await back.dx.read()) as Float32Array;
  const kept = (await forward.mask!.read()) as Uint8Array;
  for (const t of [x, dy, forward.y, forward.mask, back.dx, back.dreplacement]) t?.dispose();
  const r = resolveDropout('dropoutWithReplacement', params, DROPOUT_PARAM_KEYS);
  const ref = dropoutReference(xs, r);
  const refDys = dropoutBackwardReference(new Float32Array(n).fill(1), ref.mask, r).dx;
  return {
    xs,
    ys,
    dys,
    refYs: ref.y,
    refDys,
    paramGrad: null,
    kinks: [],
    compare: [],
    maxUlpForward: maxUlp(ys, ref.y),
    maxUlpBackward: maxUlp(dys, refDys),
    maxUlpParamGrad: 0,
    kept,
  };
}

/**
 * Each element's own parameter-gradient term: the backend only returns sums, so
 * element i is run as a one-element backward call (its sum is its term).
 */
async function paramGradTerms(pw: Pointwise, op: ActivationName, params: object, xs: Float32Array) {
  const spec = specOf(op);
  const gradSpec = spec.paramGrad!;
  const resolved = spec.resolve(op, params, [1]);
  const values = new Float32Array(xs.length);
  const ref = new Float32Array(xs.length);
  const one = pw.tensor(Float32Array.of(1));
  for (let i = 0; i < xs.length; i++) {
    const x = pw.tensor(Float32Array.of(xs[i]!));
    const grads = backwardOf(pw, op)(one, { x }, params);
    values[i] = ((await grads[gradSpec.name]!.read()) as Float32Array)[0]!;
    ref[i] = gradSpec.term(1, xs[i]!, resolved, 0);
    for (const t of [x, ...Object.values(grads)]) t?.dispose();
  }
  one.dispose();
  return { name: gradSpec.name, values, ref };
}

const COLORS = {
  backend: '#1f6fb4',
  reference: '#e8731a',
  grad: '#2a9d3a',
  gradRef: '#b03a8c',
  kept: '#1f6fb4',
  dropped: '#d9480f',
};
const COMPARE_COLORS = ['#7b3fb0', '#2a9d3a', '#b03a8c', '#8a6d00', '#00838f', '#555'];
/** Each compared op gets its own dash, so curves that coincide with the op's (or each other) stay apart. */
const COMPARE_DASHES = [
  [2, 4],
  [10, 4, 2, 4],
  [14, 6],
  [1, 3],
  [6, 3, 1, 3, 1, 3],
  [18, 4],
];
const REFERENCE_DASH = [7, 5];

/** How a series is drawn (published for the browser test). */
export interface SeriesStyle {
  label: string;
  stroke: string;
  /** The dash pattern, null for a solid line; points-only series have none. */
  dash: number[] | null;
  /** Drawn as separate points, not a line (dense dropout). */
  points: boolean;
  show: boolean;
}

function line(label: string, stroke: string, dash: number[] | null): uPlot.Series {
  return dash ? { label, stroke, width: 2, dash } : { label, stroke, width: 2.5 };
}

/** A series drawn as separate dots (no line between them): dropout's random outputs. */
function dots(label: string, color: string, show = true): uPlot.Series {
  return {
    label,
    stroke: color,
    fill: undefined,
    show,
    paths: () => null,
    points: { show: true, size: 5, width: 1, stroke: color, fill: color },
  };
}

function styleOf(series: uPlot.Series): SeriesStyle {
  const points = typeof series.paths === 'function';
  return {
    label: String(series.label),
    stroke: String(series.stroke),
    dash: points ? null : (series.dash ?? null),
    points,
    show: series.show !== false,
  };
}

export interface PlotView {
  update(data: PlotData, backend: string, op: PageOp): void;
  /** The kink labels last drawn on the forward chart (CSS px from its canvas). */
  kinkLabels(): KinkLabel[];
  /** How each series of the two charts is drawn. */
  series(): { forward: SeriesStyle[]; grad: SeriesStyle[] };
  /** The tick labels last drawn on each axis. */
  ticks(): Record<'forwardX' | 'forwardY' | 'gradX' | 'gradY', string[]>;
  /** The point whose values the readout shows (set by a tap, a click or the cursor). */
  selected(): number;
  /** The curve-end names drawn on the forward chart when ops are compared (CSS px). */
  curveLabels(): KinkLabel[];
}

/** A figure with a chart box and a caption that says what the chart shows. */
function figure(root: HTMLElement, id: string) {
  const fig = root.appendChild(document.createElement('figure'));
  fig.id = id;
  const box = fig.appendChild(document.createElement('div'));
  box.setAttribute('role', 'img');
  const caption = fig.appendChild(document.createElement('figcaption'));
  caption.id = `${id}-caption`;
  box.setAttribute('aria-labelledby', caption.id);
  return { box, caption };
}

function range(values: Float32Array): string {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return `from ${shortF32(lo)} to ${shortF32(hi)}`;
}

/** Share of the points where `a` and `b` are the same value, as a whole percent. */
function samePercent(a: Float32Array, b: Float32Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return Math.round((100 * same) / a.length);
}

/** Where the readout starts: the first kink in range, else the middle of the range. */
function initialIndex(data: PlotData): number {
  const at = data.kinks.length ? Array.from(data.xs).indexOf(data.kinks[0]!) : -1;
  return at >= 0 ? at : Math.floor(data.xs.length / 2);
}

export function createPlotView(root: HTMLElement): PlotView {
  const forwardFig = figure(root, 'plot-forward');
  const readout = root.appendChild(document.createElement('p'));
  readout.id = 'plot-readout';
  const gradFig = figure(root, 'plot-grad');
  const forwardBox = forwardFig.box;
  const gradBox = gradFig.box;
  const summary = root.appendChild(document.createElement('p'));
  summary.id = 'plot-summary';
  let charts: uPlot[] = [];
  let kinks: number[] = [];
  let forwardLabels: KinkLabel[] = [];
  let styles = { forward: [] as SeriesStyle[], grad: [] as SeriesStyle[] };
  const ticks = { forwardX: [], forwardY: [], gradX: [], gradY: [] } as Record<
    'forwardX' | 'forwardY' | 'gradX' | 'gradY',
    string[]
  >;
  let selected = 0;
  let endLabels: KinkLabel[] = [];
  let endNames: string[] = [];
  let show: (i: number) => void = () => {};

  return {
    kinkLabels: () => forwardLabels,
    series: () => styles,
    ticks: () => ticks,
    selected: () => selected,
    curveLabels: () => endLabels,
    update(data, backend, op) {
      for (const chart of charts) chart.destroy();
      kinks = data.kinks;
      const width = Math.max(200, root.clientWidth - 8);
      const xs = Array.from(data.xs);
      const kept = data.kept;
      /** Values where the mask says `keep`, null elsewhere (so each set is its own series). */
      const split = (values: Float32Array, keep: number) =>
        Array.from(values, (v, i) => (kept![i] === keep ? v : null));
      const xUnit = axisUnit(data.xs);
      endNames = kept ? [] : [op, ...data.compare.map((c) => c.op)];
      const base = (
        title: string,
        series: uPlot.Series[],
        chart: 'forward' | 'grad',
        labelsOut: (labels: KinkLabel[]) => void,
        yUnit: number,
      ): uPlot.Options => ({
        title,
        width,
        height: 240,
        scales: { x: { time: false }, y: { range: yRange } },
        axes: axes(
          (axis, labels) => {
            ticks[`${chart}${axis.toUpperCase() as 'X' | 'Y'}`] = labels;
          },
          { x: xUnit, y: yUnit },
        ),
        series: [{ label: 'x' }, ...series],
        // The values are in the readout below the chart (a phone cannot hover).
        legend: { live: false },
        cursor: { sync: { key: 'pointwise-x' } },
        hooks: {
          setCursor: [
            (u) => {
              if (u.cursor.idx !== null && u.cursor.idx !== undefined) show(u.cursor.idx);
            },
          ],
        },
        plugins: [
          kinkMarker(() => kinks, labelsOut, xUnit),
          ...(chart === 'forward'
            ? [
                curveLabels(
                  () => endNames,
                  (l) => (endLabels = l),
                ),
              ]
            : []),
        ],
      });
      const forwardSeries = kept
        ? [
            dots(`kept: y = x·scale [${backend}]`, COLORS.kept),
            dots(`dropped: y = replacement [${backend}]`, COLORS.dropped),
            dots('float64 reference', COLORS.reference, false),
          ]
        : [
            line(`${op}(x) [${backend}]`, COLORS.backend, null),
            line('float64 reference', COLORS.reference, REFERENCE_DASH),
            ...data.compare.map((c, i) =>
              line(
                `${c.op}(x) defaults [${backend}]`,
                COMPARE_COLORS[i % COMPARE_COLORS.length]!,
                COMPARE_DASHES[i % COMPARE_DASHES.length]!,
              ),
            ),
          ];
      const forwardData = kept
        ? [xs, split(data.ys, 1), split(data.ys, 0), Array.from(data.refYs)]
        : [
            xs,
            Array.from(data.ys),
            Array.from(data.refYs),
            ...data.compare.map((c) => Array.from(c.ys)),
          ];
      const forwardUnit = axisUnit(forwardData.slice(1).flat());
      const forward = new uPlot(
        base(
          `${op}(x) on ${backend}`,
          forwardSeries,
          'forward',
          (l) => (forwardLabels = l),
          forwardUnit,
        ),
        [
          inUnit(xs, xUnit),
          ...forwardData.slice(1).map((d) => inUnit(d, forwardUnit)),
        ] as uPlot.AlignedData,
        forwardBox,
      );
      const gradSeries = kept
        ? [
            dots(`kept: dx = scale [${backend}]`, COLORS.kept),
            dots(`dropped: dx = 0 [${backend}]`, COLORS.dropped),
            dots('dx reference', COLORS.reference, false),
          ]
        : [
            line(`dx (dy = 1) [${backend}]`, COLORS.backend, null),
            line('dx reference', COLORS.reference, REFERENCE_DASH),
          ];
      const gradData: (number | null)[][] = kept
        ? [xs, split(data.dys, 1), split(data.dys, 0), Array.from(data.refDys)]
        : [xs, Array.from(data.dys), Array.from(data.refDys)];
      if (data.paramGrad) {
        gradSeries.push(line(`${data.paramGrad.name} term [${backend}]`, COLORS.grad, null));
        gradSeries.push(line(`${data.paramGrad.name} reference`, COLORS.gradRef, REFERENCE_DASH));
        gradData.push(Array.from(data.paramGrad.values), Array.from(data.paramGrad.ref));
      }
      const gradUnit = axisUnit(gradData.slice(1).flat());
      const grad = new uPlot(
        base(`gradients of ${op} on ${backend}`, gradSeries, 'grad', () => {}, gradUnit),
        [
          inUnit(xs, xUnit),
          ...gradData.slice(1).map((d) => inUnit(d, gradUnit)),
        ] as uPlot.AlignedData,
        gradBox,
      );
      charts = [forward, grad];
      styles = { forward: forwardSeries.map(styleOf), grad: gradSeries.map(styleOf) };

      // Values on tap: a tap or click picks the nearest point on either chart.
      for (const chart of charts) {
        chart.over.addEventListener('pointerdown', (event) => {
          const left = event.offsetX;
          show(chart.posToIdx(left));
          chart.setCursor({ left, top: event.offsetY });
        });
      }
      show = (i) => {
        selected = Math.max(0, Math.min(data.xs.length - 1, i));
        readout.textContent = readoutText(data, op, backend, selected);
      };
      show(initialIndex(data));

      const parts = [
        `forward ${data.maxUlpForward}`,
        `dx ${data.maxUlpBackward}`,
        ...(data.paramGrad ? [`${data.paramGrad.name} ${data.maxUlpParamGrad}`] : []),
      ];
      const lo = shortF32(data.xs[0]!);
      const hi = shortF32(data.xs.at(-1)!);
      const kinkText = data.kinks.length
        ? `kinks at x = ${data.kinks.map(shortF32).join(', ')}`
        : 'no kink in range';
      const keptCount = kept ? kept.reduce((a, b) => a + b, 0) : 0;
      forwardFig.caption.textContent = kept
        ? `${op}(x) on ${backend} for x from ${lo} to ${hi} (${data.xs.length} points), one dot per element: ` +
          `${keptCount} kept (blue, on the line y = x·scale), ${data.xs.length - keptCount} dropped (orange, at the replacement); ` +
          `max ${data.maxUlpForward} ulp from the float64 reference (hidden; toggle it in the legend).`
        : `${op}(x) on ${backend} for x from ${lo} to ${hi} (${data.xs.length} points): y goes ${range(data.ys)}; ${kinkText}; ` +
          `max ${data.maxUlpForward} ulp from the float64 reference (dashed)` +
          (data.compare.length
            ? `; also drawn, each with its own dash: ${data.compare
                .map(
                  (c) =>
                    `${c.op} (${range(c.ys)}; the same value as ${op} at ${samePercent(c.ys, data.ys)}% of the points)`,
                )
                .join(', ')}.`
            : '.');
      gradFig.caption.textContent = kept
        ? `Gradient dx of ${op} with dy = 1 on ${backend}: scale at the kept elements (blue), 0 at the dropped ones (orange).`
        : `Gradient dx of ${op} with dy = 1 on ${backend}: ${range(data.dys)}` +
          (data.paramGrad
            ? `; per-element ${data.paramGrad.name} term ${range(data.paramGrad.values)}.`
            : '.');
      summary.textContent = `Max ulp from the float64 reference (${data.xs.length} points): ${parts.join(', ')}.`;
    },
  };
}

/** The values at point i, in words: what the legend shows on hover, here also after a tap. */
function readoutText(data: PlotData, op: PageOp, backend: string, i: number): string {
  const v = (a: Float32Array) => shortF32(a[i]!);
  const head = `At x = ${v(data.xs)} (tap or click a chart to pick another point): `;
  if (data.kept)
    return `${head}${data.kept[i] ? 'kept' : 'dropped'}, y = ${v(data.ys)} (reference ${v(data.refYs)}), dx = ${v(data.dys)} (reference ${v(data.refDys)}) on ${backend}.`;
  const parts = [
    `${op}(x) = ${v(data.ys)} (reference ${v(data.refYs)})`,
    `dx = ${v(data.dys)} (reference ${v(data.refDys)})`,
  ];
  if (data.paramGrad)
    parts.push(
      `${data.paramGrad.name} term = ${v(data.paramGrad.values)} (reference ${v(data.paramGrad.ref)})`,
    );
  for (const c of data.compare) parts.push(`${c.op}(x) = ${v(c.ys)}`);
  return `${head}${parts.join(', ')} on ${backend}.`;
}

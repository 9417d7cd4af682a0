// The plot view: f(x), f'(x) (backward with dy = 1) and the per-element parameter
// gradient term (prelu dslope, shiftedRelu dthreshold, clippedRelu dceiling),
// computed on the chosen backend and overlaid with core's float64 reference rounded
// to float32, kinks marked. The max ulp difference from the reference is reported per curve.

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
import { shortF32, TICK_INCREMENTS, tickLabels } from '../format.js';
import { backwardOf, forwardOf, specOf } from '../ops.js';
import { plotXs } from '../samples.js';
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

/** A kink label as drawn, in CSS pixels relative to the chart canvas. */
export interface KinkLabel {
  text: string;
  left: number;
  top: number;
  width: number;
  height: number;
}

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

/**
 * Label boxes for kinks at canvas x positions `xs` (CSS px): each label goes on the
 * first row where it does not overlap a label already placed.
 */
export function placeKinkLabels(
  items: { text: string; x: number; width: number }[],
  top: number,
  rowHeight: number,
): KinkLabel[] {
  const placed: KinkLabel[] = [];
  for (const item of [...items].sort((a, b) => a.x - b.x)) {
    let row = 0;
    const left = item.x + 4;
    while (
      placed.some(
        (p) =>
          p.top === top + row * rowHeight &&
          left < p.left + p.width + 2 &&
          p.left < left + item.width + 2,
      )
    )
      row++;
    placed.push({
      text: item.text,
      left,
      top: top + row * rowHeight,
      width: item.width,
      height: rowHeight,
    });
  }
  return placed;
}

/** Vertical dashed lines at the kinks, a non-overlapping label each, a dot on each series' value there. */
function kinkMarker(
  kinks: () => number[],
  labelsOut: (labels: KinkLabel[]) => void,
  xUnit: number,
): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u) => {
          const { ctx, bbox } = u;
          const xs = u.data[0] as number[];
          const ratio = devicePixelRatio;
          ctx.save();
          ctx.font = `${12 * ratio}px sans-serif`;
          const labels = placeKinkLabels(
            kinks().map((k) => {
              const text = `kink x=${shortF32(k)}`;
              return {
                text,
                x: u.valToPos(k / xUnit, 'x', true) / ratio,
                width: ctx.measureText(text).width / ratio,
              };
            }),
            bbox.top / ratio + 2,
            15,
          );
          ctx.fillStyle = '#444';
          // uPlot leaves textAlign as its axes set it (center): the boxes assume left.
          ctx.textAlign = 'left';
          ctx.textBaseline = 'top';
          for (const l of labels) ctx.fillText(l.text, l.left * ratio, l.top * ratio);
          labelsOut(labels);
          for (const k of kinks()) {
            const cx = u.valToPos(k / xUnit, 'x', true);
            ctx.strokeStyle = '#888';
            ctx.setLineDash([4, 4]);
            ctx.lineWidth = 1;
            ctx.beginPath();
            ctx.moveTo(cx, bbox.top);
            ctx.lineTo(cx, bbox.top + bbox.height);
            ctx.stroke();
            ctx.setLineDash([]);
            const at = xs.indexOf(k / xUnit);
            if (at < 0) continue;
            for (let s = 1; s < u.series.length; s++) {
              if (!u.series[s]!.show) continue;
              const value = (u.data[s] as (number | null)[])[at];
              if (value === undefined || value === null || !Number.isFinite(value)) continue;
              ctx.fillStyle = (u.series[s]!.stroke as () => string)?.() ?? '#000';
              ctx.beginPath();
              ctx.arc(cx, u.valToPos(value, 'y', true), 4 * devicePixelRatio, 0, 2 * Math.PI);
              ctx.fill();
            }
          }
          ctx.restore();
        },
      ],
    },
  };
}

/**
 * Names at the right end of the op's curve and each compared curve, in the curve's
 * colour, moved apart vertically where curves coincide (relu, leakyRelu and elu all
 * end at y = 5): with the dashes, this tells coinciding curves apart.
 */
function curveLabels(
  names: () => string[],
  labelsOut: (labels: KinkLabel[]) => void,
): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u) => {
          const texts = names();
          if (texts.length < 2) return labelsOut([]);
          const { ctx, bbox } = u;
          const ratio = devicePixelRatio;
          const rowHeight = 15;
          ctx.save();
          ctx.font = `bold ${12 * ratio}px sans-serif`;
          const items = texts.flatMap((text, k) => {
            // Series 1 is the op, 2 its reference, 3... the compared ops.
            const s = k === 0 ? 1 : k + 2;
            const values = u.data[s] as (number | null)[];
            const last = values.at(-1);
            if (last === null || last === undefined || !Number.isFinite(last)) return [];
            const width = ctx.measureText(text).width / ratio;
            const y = u.valToPos(last, 'y', true) / ratio;
            return [{ text, s, width, y }];
          });
          items.sort((a, b) => a.y - b.y);
          const placed: (KinkLabel & { s: number })[] = [];
          for (const item of items) {
            const prev = placed.at(-1);
            const top = Math.max(item.y - rowHeight / 2, prev ? prev.top + rowHeight : -Infinity);
            const left = (bbox.left + bbox.width) / ratio - item.width - 6;
            placed.push({
              text: item.text,
              left,
              top,
              width: item.width,
              height: rowHeight,
              s: item.s,
            });
          }
          // Keep the stack inside the plot: shift it up if it runs off the bottom.
          const bottom = (bbox.top + bbox.height) / ratio;
          const overflow = (placed.at(-1)?.top ?? 0) + rowHeight - bottom;
          if (overflow > 0) for (const p of placed) p.top -= overflow;
          ctx.textAlign = 'left';
          ctx.textBaseline = 'top';
          for (const p of placed) {
            ctx.fillStyle = '#fffc';
            ctx.fillRect(
              p.left * ratio - 2,
              p.top * ratio,
              (p.width + 4) * ratio,
              rowHeight * ratio,
            );
            ctx.fillStyle = (u.series[p.s]!.stroke as () => string)?.() ?? '#000';
            ctx.fillText(p.text, p.left * ratio, (p.top + 1) * ratio);
          }
          ctx.restore();
          labelsOut(placed.map(({ s: _s, ...label }) => label));
        },
      ],
    },
  };
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

/**
 * The multiples of `incr` in [min, max]. uPlot's own splits round each tick to the
 * decimals it knows for its own increments (down to 1e-16): near 1e-38 that gives 0
 * forever and the chart stays empty.
 */
function splits(_u: uPlot, _axis: number, min: number, max: number, incr: number): number[] {
  const out: number[] = [];
  if (!(incr > 0) || !Number.isFinite(min) || !Number.isFinite(max)) return out;
  for (let k = Math.ceil(min / incr); k * incr <= max && out.length < 100; k++)
    out.push(k === 0 ? 0 : Number((k * incr).toPrecision(12)));
  return out;
}

/**
 * The unit a chart axis is drawn in: 1, or for spans under 1e-10 (uPlot refuses scales
 * narrower than 1e-16, so ±1e-38 drew nothing) the power of ten at the span, with the
 * ticks still labelled in real values. The data are divided by it for uPlot only.
 */
export function axisUnit(values: Iterable<number | null>): number {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo || Math.abs(hi);
  if (!(span > 0) || span >= 1e-10) return 1;
  return Number(`1e${Math.floor(Math.log10(span))}`);
}

const inUnit = (values: Iterable<number | null>, unit: number): (number | null)[] =>
  Array.from(values, (v) => (v === null || unit === 1 ? v : v / unit));

/** Axis options that tick every float32 magnitude readably, recording the labels drawn. */
function axes(
  record: (axis: 'x' | 'y', labels: string[]) => void,
  units: { x: number; y: number },
): uPlot.Axis[] {
  const values =
    (axis: 'x' | 'y'): uPlot.Axis.DynamicValues =>
    (_u, splits, _axisIdx, _space, incr) => {
      const unit = units[axis];
      const labels = tickLabels(
        splits.map((v) => v * unit),
        incr * unit,
      );
      record(axis, labels);
      return labels;
    };
  return [
    { incrs: TICK_INCREMENTS, splits, values: values('x'), space: 56 },
    {
      incrs: TICK_INCREMENTS,
      splits,
      values: values('y'),
      space: 30,
      // As wide as the longest label (uPlot's fixed 50 px cuts "-2.5e-38").
      size: (_u, labels) =>
        labels ? 16 + 7.5 * Math.max(3, ...labels.map((l) => String(l).length)) : 40,
    },
  ];
}

/** The y range of the drawn data with a margin; never empty, also for ranges near 1e-38. */
function yRange(_u: uPlot, lo: number | null, hi: number | null): uPlot.Range.MinMax {
  if (lo === null || hi === null || !Number.isFinite(lo) || !Number.isFinite(hi)) return [-1, 1];
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) / 2;
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * 0.08;
  return [lo - pad, hi + pad];
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

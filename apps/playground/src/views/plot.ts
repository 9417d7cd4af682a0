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
import { shortF32 } from '../format.js';
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

const COLORS = { backend: '#1f6fb4', reference: '#e8731a', grad: '#2a9d3a', gradRef: '#b03a8c' };
const COMPARE_COLORS = ['#7b3fb0', '#2a9d3a', '#b03a8c', '#8a6d00', '#00838f', '#555'];

/** A kink label as drawn, in CSS pixels relative to the chart canvas. */
export interface KinkLabel {
  text: string;
  left: number;
  top: number;
  width: number;
  height: number;
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
function kinkMarker(kinks: () => number[], labelsOut: (labels: KinkLabel[]) => void): uPlot.Plugin {
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
                x: u.valToPos(k, 'x', true) / ratio,
                width: ctx.measureText(text).width / ratio,
              };
            }),
            bbox.top / ratio + 2,
            15,
          );
          ctx.fillStyle = '#444';
          ctx.textBaseline = 'top';
          for (const l of labels) ctx.fillText(l.text, l.left * ratio, l.top * ratio);
          labelsOut(labels);
          for (const k of kinks()) {
            const cx = u.valToPos(k, 'x', true);
            ctx.strokeStyle = '#888';
            ctx.setLineDash([4, 4]);
            ctx.lineWidth = 1;
            ctx.beginPath();
            ctx.moveTo(cx, bbox.top);
            ctx.lineTo(cx, bbox.top + bbox.height);
            ctx.stroke();
            ctx.setLineDash([]);
            const at = xs.indexOf(k);
            if (at < 0) continue;
            for (let s = 1; s < u.series.length; s++) {
              const value = (u.data[s] as number[])[at];
              if (value === undefined || !Number.isFinite(value)) continue;
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

function line(label: string, stroke: string, dashed: boolean): uPlot.Series {
  return dashed ? { label, stroke, width: 2, dash: [7, 5] } : { label, stroke, width: 2.5 };
}

export interface PlotView {
  update(data: PlotData, backend: string, op: PageOp): void;
  /** The kink labels last drawn on the forward chart (CSS px from its canvas). */
  kinkLabels(): KinkLabel[];
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

export function createPlotView(root: HTMLElement): PlotView {
  const forwardFig = figure(root, 'plot-forward');
  const gradFig = figure(root, 'plot-grad');
  const forwardBox = forwardFig.box;
  const gradBox = gradFig.box;
  const summary = root.appendChild(document.createElement('p'));
  summary.id = 'plot-summary';
  let charts: uPlot[] = [];
  let kinks: number[] = [];
  let forwardLabels: KinkLabel[] = [];

  return {
    kinkLabels: () => forwardLabels,
    update(data, backend, op) {
      for (const chart of charts) chart.destroy();
      kinks = data.kinks;
      const width = Math.max(200, root.clientWidth - 8);
      const xs = Array.from(data.xs);
      const base = (title: string, series: uPlot.Series[]): uPlot.Options => ({
        title,
        width,
        height: 240,
        scales: { x: { time: false } },
        series: [{ label: 'x' }, ...series],
        cursor: { sync: { key: 'pointwise-x' } },
        plugins: [
          kinkMarker(
            () => kinks,
            (labels) => (forwardLabels = labels),
          ),
        ],
      });
      const base2 = (title: string, series: uPlot.Series[]): uPlot.Options => ({
        ...base(title, series),
        plugins: [
          kinkMarker(
            () => kinks,
            () => {},
          ),
        ],
      });
      const forward = new uPlot(
        base(`${op}(x) on ${backend}`, [
          line(`${op}(x) [${backend}]`, COLORS.backend, false),
          line('float64 reference', COLORS.reference, true),
          ...data.compare.map((c, i) =>
            line(
              `${c.op}(x) defaults [${backend}]`,
              COMPARE_COLORS[i % COMPARE_COLORS.length]!,
              false,
            ),
          ),
        ]),
        [
          xs,
          Array.from(data.ys),
          Array.from(data.refYs),
          ...data.compare.map((c) => Array.from(c.ys)),
        ],
        forwardBox,
      );
      const gradSeries = [
        line(`dx (dy = 1) [${backend}]`, COLORS.backend, false),
        line('dx reference', COLORS.reference, true),
      ];
      const gradData: number[][] = [xs, Array.from(data.dys), Array.from(data.refDys)];
      if (data.paramGrad) {
        gradSeries.push(line(`${data.paramGrad.name} term [${backend}]`, COLORS.grad, false));
        gradSeries.push(line(`${data.paramGrad.name} reference`, COLORS.gradRef, true));
        gradData.push(Array.from(data.paramGrad.values), Array.from(data.paramGrad.ref));
      }
      const grad = new uPlot(
        base2(`gradients of ${op} on ${backend}`, gradSeries),
        gradData as uPlot.AlignedData,
        gradBox,
      );
      charts = [forward, grad];
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
      forwardFig.caption.textContent =
        `${op}(x) on ${backend} for x from ${lo} to ${hi} (${data.xs.length} points): y goes ${range(data.ys)}; ${kinkText}; ` +
        `max ${data.maxUlpForward} ulp from the float64 reference (dashed)` +
        (data.compare.length
          ? `; also drawn: ${data.compare.map((c) => `${c.op} (${range(c.ys)})`).join(', ')}.`
          : '.');
      gradFig.caption.textContent =
        `Gradient dx of ${op} with dy = 1 on ${backend}: ${range(data.dys)}` +
        (data.paramGrad
          ? `; per-element ${data.paramGrad.name} term ${range(data.paramGrad.values)}.`
          : '.');
      summary.textContent = `Max ulp from the float64 reference (${data.xs.length} points): ${parts.join(', ')}.`;
    },
  };
}

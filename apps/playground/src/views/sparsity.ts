// The sparsity view: seeded N(0,1) samples through the chosen op on the chosen
// backend; a histogram of the outputs and the fraction of exact zeros (what a
// sparse kernel downstream could skip), beside the fraction the reference gives.

import {
  DROPOUT_PARAM_KEYS,
  dropoutReference,
  type Pointwise,
  resolveDropout,
} from '@pointwise/core';
import uPlot from 'uplot';
import { pageForwardOf, specOf } from '../ops.js';
import { normalSamples } from '../samples.js';
import { isActivation, type PageOp } from '../state.js';

export const SPARSITY_SAMPLES = 1 << 16;
const BINS = 60;

export interface SparsityData {
  samples: number;
  zeroFraction: number;
  refZeroFraction: number;
  binEdges: number[];
  counts: number[];
}

export async function computeSparsity(
  pw: Pointwise,
  op: PageOp,
  params: object,
  seed: number,
): Promise<SparsityData> {
  const xs = normalSamples(seed, SPARSITY_SAMPLES);
  const x = pw.tensor(xs);
  const y = pageForwardOf(pw, op)(x, params);
  const ys = (await y.read()) as Float32Array;
  x.dispose();
  y.dispose();

  const reference = referenceOf(op, params, xs);
  let zeros = 0;
  let refZeros = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < ys.length; i++) {
    const v = ys[i]!;
    if (v === 0) zeros++;
    if (reference[i] === 0) refZeros++;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) hi = lo + 1;
  const width = (hi - lo) / BINS;
  const counts = new Array<number>(BINS).fill(0);
  for (const v of ys) counts[Math.min(BINS - 1, Math.floor((v - lo) / width))]!++;
  const binEdges = counts.map((_, b) => lo + b * width);
  return {
    samples: ys.length,
    zeroFraction: zeros / ys.length,
    refZeroFraction: refZeros / ys.length,
    binEdges,
    counts,
  };
}

/** The float64 reference outputs (rounded to float32) of any page op on xs. */
function referenceOf(op: PageOp, params: object, xs: Float32Array): Float32Array {
  if (!isActivation(op)) {
    const r = resolveDropout(op, params, DROPOUT_PARAM_KEYS);
    return dropoutReference(xs, r).y;
  }
  const spec = specOf(op);
  const resolved = spec.resolve(op, params, [xs.length]);
  return xs.map((x, i) => spec.reference.forward(x, resolved, i));
}

export interface SparsityView {
  update(data: SparsityData, backend: string, op: PageOp): void;
}

export function createSparsityView(root: HTMLElement): SparsityView {
  const chartBox = root.appendChild(document.createElement('div'));
  chartBox.setAttribute('role', 'img');
  chartBox.id = 'sparsity-chart';
  const summary = root.appendChild(document.createElement('p'));
  summary.id = 'sparsity-summary';
  let chart: uPlot | null = null;
  return {
    update(data, backend, op) {
      chart?.destroy();
      chart = new uPlot(
        {
          title: `${op}(x), x ~ N(0,1): histogram of ${data.samples} outputs on ${backend}`,
          width: Math.max(200, root.clientWidth - 8),
          height: 220,
          // Log counts: the exact-zero bin of a relu-like op would flatten everything else.
          scales: { x: { time: false }, y: { distr: 3 } },
          series: [
            { label: 'output (bin start)' },
            {
              label: 'count',
              stroke: '#1f6fb4',
              fill: 'rgba(31, 111, 180, 0.35)',
              paths: uPlot.paths.bars!({ size: [1, 100], align: 1 }),
            },
          ],
          legend: { show: false },
          axes: [{ label: 'output' }, { label: 'count (log)', size: 64 }],
        },
        [data.binEdges, data.counts.map((c) => (c > 0 ? c : null))],
        chartBox,
      );
      const pct = (f: number) => `${(100 * f).toFixed(2)}%`;
      chartBox.setAttribute(
        'aria-label',
        `Histogram (log counts) of ${op}(x) for ${data.samples} N(0,1) samples on ${backend}: ` +
          `${pct(data.zeroFraction)} of the outputs are exactly zero.`,
      );
      summary.textContent =
        `Exact zeros: ${pct(data.zeroFraction)} of outputs ` +
        `(float64 reference: ${pct(data.refZeroFraction)}).`;
    },
  };
}

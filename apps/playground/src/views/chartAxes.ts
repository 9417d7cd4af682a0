// Axes for the plot view's uPlot charts that work for every float32 magnitude:
// tick steps 1, 2, 5 x 10^k from 1e-46 to 5e39, the page's own tick positions,
// short distinct labels, and a power-of-ten unit for spans uPlot cannot draw.

import type uPlot from 'uplot';
import { TICK_INCREMENTS, tickLabels } from '../format.js';

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

export const inUnit = (values: Iterable<number | null>, unit: number): (number | null)[] =>
  Array.from(values, (v) => (v === null || unit === 1 ? v : v / unit));

/** Axis options that tick every float32 magnitude readably, recording the labels drawn. */
export function axes(
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
export function yRange(_u: uPlot, lo: number | null, hi: number | null): uPlot.Range.MinMax {
  if (lo === null || hi === null || !Number.isFinite(lo) || !Number.isFinite(hi)) return [-1, 1];
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) / 2;
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * 0.08;
  return [lo - pad, hi + pad];
}

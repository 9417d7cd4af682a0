// Marks drawn on the plot view's uPlot charts: dashed lines, dots and labels at the
// kinks (labels stacked so none overlap), and each curve's name at its right end
// (names moved apart where curves coincide, e.g. relu, leakyRelu and elu at x = 5).

import type uPlot from 'uplot';
import { shortF32 } from '../format.js';

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
export function kinkMarker(
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
export function curveLabels(
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

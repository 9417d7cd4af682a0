// SVG chart of a report: GB/s vs size, one small panel per case, a solid line per
// target and a dashed line for that target's copy baseline. Rendered with
// vega-lite (spec -> vega) and vega's headless View.toSVG(): no browser, no DOM.

import { compile, type TopLevelSpec } from 'vega-lite';
import type { BenchReport } from './model.js';

export interface ChartPoint {
  case: string;
  size: number;
  target: string;
  measure: 'op' | 'copy';
  gbps: number;
}

export function chartData(report: Pick<BenchReport, 'rows'>): ChartPoint[] {
  const points: ChartPoint[] = [];
  for (const r of report.rows) {
    if (Number.isFinite(r.gbps)) {
      points.push({ case: r.caseId, size: r.size, target: r.target, measure: 'op', gbps: r.gbps });
    }
    if (r.copyGbps != null && Number.isFinite(r.copyGbps)) {
      points.push({
        case: r.caseId,
        size: r.size,
        target: r.target,
        measure: 'copy',
        gbps: r.copyGbps,
      });
    }
  }
  return points;
}

export function chartSpec(report: Pick<BenchReport, 'rows'>): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Pointwise bench: GB/s vs size (dashed: copy of the same bytes)',
    data: { values: chartData(report) as unknown as Record<string, unknown>[] },
    facet: { field: 'case', type: 'nominal', title: null },
    columns: 4,
    spec: {
      width: 220,
      height: 160,
      mark: { type: 'line', point: true },
      encoding: {
        x: {
          field: 'size',
          type: 'quantitative',
          scale: { type: 'log', base: 2 },
          title: 'elements',
        },
        y: { field: 'gbps', type: 'quantitative', scale: { type: 'log' }, title: 'GB/s (log)' },
        color: { field: 'target', type: 'nominal', title: 'target' },
        strokeDash: {
          field: 'measure',
          type: 'nominal',
          title: 'series',
          sort: ['op', 'copy'],
          // The title says which line is the copy; vega's stroke legend symbols render blank headless.
          legend: null,
        },
        detail: { field: 'measure', type: 'nominal' },
      },
    },
  };
}

export async function renderSvg(report: Pick<BenchReport, 'rows'>): Promise<string> {
  const vega = await import('vega');
  const compiled = compile(chartSpec(report)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

// Markdown for the tfjs-adapter target: one row per case and size, one column per tfjs
// backend and installer (ratio tfjs / adapter; > 1: the adapter is faster), then the
// machine, the command and the wall time.

import type { FusedValues } from './fused.js';
import type { AdapterRow } from './measure.js';

function sizeLabel(n: number): string {
  const log = Math.log2(n);
  return Number.isInteger(log) ? `2^${log}` : String(n);
}

export function renderAdapterMarkdown(
  rows: readonly AdapterRow[],
  meta: { cpu: string; command: string; seconds: number },
): string {
  const columns = [...new Set(rows.map((r) => `${r.backend} ${r.variant}`))];
  const keys = [
    ...new Set(
      rows.map((r) =>
        r.case === 'training step' ? 'training step (batch 256)' : `${r.case} ${sizeLabel(r.size)}`,
      ),
    ),
  ];
  const keyOf = (r: AdapterRow) =>
    r.case === 'training step' ? 'training step (batch 256)' : `${r.case} ${sizeLabel(r.size)}`;
  const lines = [
    `| case | ${columns.join(' | ')} |`,
    `|---|${columns.map(() => '---').join('|')}|`,
  ];
  for (const key of keys) {
    const cells = columns.map((col) => {
      const r = rows.find((x) => keyOf(x) === key && `${x.backend} ${x.variant}` === col);
      return r
        ? `${r.ratio.toFixed(2)} (${r.tfjsMs.toPrecision(3)} / ${r.adapterMs.toPrecision(3)} ms)`
        : '-';
    });
    lines.push(`| ${key} | ${cells.join(' | ')} |`);
  }
  return [
    `tfjs-adapter: ratio = tfjs ms / tfjs-with-Pointwise ms (> 1: Pointwise faster), medians, one run`,
    `machine: ${meta.cpu}; command: ${meta.command}; ${meta.seconds.toFixed(0)} s`,
    '',
    ...lines,
    '',
  ].join('\n');
}

/** The fused rows' values: differing elements and worst ulp of each side from float64. */
export function renderFusedValues(values: readonly FusedValues[]): string {
  if (values.length === 0) return '';
  const show = (v: number) => (Object.is(v, -0) ? '-0' : String(v));
  const lines = [
    'fused activations: tfjs fused vs linear + Pointwise, values against a float64 reference',
    '',
    '| backend | case | elements | differing | tfjs max ulp | Pointwise max ulp | example (z: tfjs / Pointwise) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const v of values)
    lines.push(
      `| ${v.backend} | ${v.case} | ${v.size} | ${v.differing} | ${v.tfjsMaxUlp} | ${v.pointwiseMaxUlp} | ${
        v.example
          ? `${show(v.example.z)}: ${show(v.example.tfjs)} / ${show(v.example.pointwise)}`
          : '-'
      } |`,
    );
  return `\n${lines.join('\n')}\n`;
}
